"""Serve an archive with Datasette: read-only, with the repository's metadata, plugins and templates.

`datasette_args` is the one place the command line is built, so the tests start exactly
the server that `newsarchive serve` starts.
"""

from __future__ import annotations

from pathlib import Path

# metadata.yml, plugins/ and templates/ sit at the repository root (an editable install).
ROOT = Path(__file__).resolve().parent.parent

SETTINGS = {
    "sql_time_limit_ms": 3000,  # researchers' own SQL; a runaway query is cut off, not the server
    "max_returned_rows": 2000,  # per page of JSON/HTML; CSV with _stream=on returns every row
    "max_csv_mb": 0,  # ...however large: Datasette's default cuts a streamed CSV at 100 MB (~9,000 articles' sentences)
    "suggest_facets": "off",  # one query per column on every table page (~230 ms on mentions); facets stay one click away
    "truncate_cells_html": 400,  # article bodies in table views; CSV and JSON stay whole
}


def datasette_args(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, live: bool = False) -> list[str]:
    """Arguments for `datasette` (after the program name) that serve `db_path` immutable,
    or with `live` as a mutable database that an ingest may be writing (still read-only to users)."""
    args = [
        "serve", *([] if live else ["-i"]), str(db_path),
        "--metadata", str(ROOT / "metadata.yml"),
        "--plugins-dir", str(ROOT / "plugins"),
        "--template-dir", str(ROOT / "templates"),
        "--host", host, "--port", str(port),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value)]
    return args


def use_wal(db_path: str | Path) -> None:
    """Put the database in WAL mode (persistent), so that readers and an ingest never block each other."""
    import sqlite3

    connection = sqlite3.connect(db_path)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def checkpoint(db_path: str | Path) -> None:
    """Move what a WAL file holds into the database file. An immutable database is read
    without its WAL, so after an interrupted ingest (whose committed articles may still be in
    the WAL) serving it immutable would leave those out, or read a half-checkpointed file."""
    import sqlite3

    if Path(f"{db_path}-wal").exists():
        connection = sqlite3.connect(db_path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()


def run(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001, live: bool = False) -> None:
    """Start Datasette in this process; returns only when the server stops."""
    from datasette.cli import cli

    if live:
        use_wal(db_path)
    else:
        checkpoint(db_path)
    cli.main(args=datasette_args(db_path, host, port, live), prog_name="datasette")
