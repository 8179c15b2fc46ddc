"""Serve an archive with Datasette: read-only, with the archive's metadata, plugins and templates.

`datasette_args` is the one place the command line is built, so the tests start exactly
the server that `newsarchive serve` starts. `metadata.yml`, `plugins/` and `templates/`
live at the top of the repository and are package data of `ingest` (`ingest/site/` links
to them; a wheel carries copies), found with importlib.resources from wherever the
package is installed.
"""

from __future__ import annotations

import functools
import signal
import subprocess
from collections.abc import Sequence
from importlib import resources
from pathlib import Path


def site_file(name: str) -> Path:
    """`metadata.yml`, `plugins`, `templates` or `seeds` as installed with the package."""
    return Path(str(resources.files("ingest") / "site" / name))


SETTINGS = {
    "sql_time_limit_ms": 3000,  # researchers' own SQL; a runaway query is cut off, not the server
    "max_returned_rows": 2000,  # per page of JSON/HTML; CSV with _stream=on returns every row
    "max_csv_mb": 0,  # ...however large: Datasette's default cuts a streamed CSV at 100 MB (~9,000 articles' sentences)
    "suggest_facets": "off",  # one query per column on every table page (~230 ms on mentions); facets stay one click away
    "truncate_cells_html": 400,  # article bodies in table views; CSV and JSON stay whole
}


def datasette_args(
    db_path: str | Path | Sequence[str | Path],
    host: str = "127.0.0.1",
    port: int = 8001,
    live: bool = False,
    crossdb: bool = False,
) -> list[str]:
    """Arguments for `datasette` (after the program name) that serve `db_path` immutable,
    or with `live` as a mutable database that an ingest may be writing (still read-only to users).
    `db_path` may be several files (the partitions of an archive, `archive_files`), each a
    database of its own; `crossdb` attaches them (the first 10) to `_memory` for SQL across them."""
    paths = [db_path] if isinstance(db_path, (str, Path)) else list(db_path)
    args = ["serve"]
    for path in paths:
        args += [*([] if live else ["-i"]), str(path)]
    args += [
        "--metadata",
        str(site_file("metadata.yml")),
        "--plugins-dir",
        str(site_file("plugins")),
        "--template-dir",
        str(site_file("templates")),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value)]
    if crossdb:
        args.append("--crossdb")
    return args


CROSSDB_LIMIT = 10  # Datasette 0.65 attaches at most this many databases to _memory (SQLITE_LIMIT_ATTACHED)


def archive_files(archive_dir: str | Path) -> list[Path]:
    """The partitions of an archive directory (ingest/store/partitions.py), newest first, undated last;
    a directory without any is an error naming it."""
    from ingest.store.partitions import partition_files

    files = partition_files(archive_dir)
    if not files:
        raise FileNotFoundError(f"{archive_dir}: no partitions (2024-06.db, 2024.db, undated.db) in this directory")
    return files


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


def hold_for_serving(db_path: str | Path):
    """The serving lock on `db_path` (lock.ServingLock), or a click error when an ingest is
    writing it: an immutable server reads the file as if nothing writes it, and would answer
    "database disk image is malformed" during the ingest and stale counts after it. Refused
    rather than warned: the pages would break either way; `--live` is the way to serve it."""
    import click

    from ingest.store.lock import IngestLocked, ServingLock

    try:
        return ServingLock(db_path).acquire()
    except IngestLocked as error:
        who = f" (process {error.holder})" if error.holder else ""
        raise click.ClickException(
            f"{db_path}: an ingest is writing this database{who}; serve it with --live to read it while it "
            f"grows, or wait for the ingest to finish"
        ) from None


def run(
    db_path: str | Path | Sequence[str | Path],
    host: str = "127.0.0.1",
    port: int = 8001,
    live: bool = False,
    online_tiles: bool = False,
    crossdb: bool = False,
) -> None:
    """Start Datasette in this process; returns only when the server stops. With `online_tiles`
    the maps load openstreetmap.org's tiles instead of the offline basemap (plugins/basemap.py).
    Several files (an archive's partitions) are each prepared as one would be."""
    import os

    from datasette.cli import cli

    if online_tiles:
        os.environ["NEWSARCHIVE_TILES"] = "online"

    held: list = []  # kept for as long as the server runs; let go when it stops (lock.ServingLock.release)
    previous = signal.signal(signal.SIGTERM, functools.partial(stopped_by_signal, held))
    try:
        for path in [db_path] if isinstance(db_path, (str, Path)) else db_path:
            if live:
                use_wal(path)
            else:
                held.append(hold_for_serving(path))
                checkpoint(path)
        cli.main(args=datasette_args(db_path, host, port, live, crossdb), prog_name="datasette")
    finally:  # returned, Ctrl-C, an error
        let_go(held)
        signal.signal(signal.SIGTERM, previous)


def let_go(held: list) -> None:
    """Release the serving locks `held`: the last server to let go of one removes its file."""
    for lock in held:
        lock.release()


def stopped_by_signal(held: list, signum: int, frame) -> None:
    """SIGTERM: uvicorn shuts the server down on it, then raises it again with the handler it
    found, this one: let go of the locks, then end as the signal ends a process."""
    let_go(held)
    signal.signal(signum, signal.SIG_DFL)
    signal.raise_signal(signum)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """A server command (by default `newsarchive serve`) run in a subprocess on a loopback port,
    answering `/-/versions.json` when `start` returns; the one harness the tests, the
    benchmarks and the load test start servers with."""

    def __init__(self, command: list[str], port: int, log: Path, cwd: Path | None = None):
        self.command, self.port, self.log, self.cwd = command, port, log, cwd
        self.process: subprocess.Popen[bytes] | None = None

    @classmethod
    def serving(cls, db_path: str | Path, log: Path, *options: str) -> ServerProcess:
        """`python -m ingest serve --db DB` with `options`, on a free port."""
        import sys

        port = free_port()
        return cls(
            [sys.executable, "-m", "ingest", "serve", "--db", str(db_path), "--port", str(port), *options], port, log
        )

    @classmethod
    def serving_archive(cls, archive_dir: str | Path, log: Path, *options: str) -> ServerProcess:
        """`python -m ingest serve DIR` (every partition of an archive) with `options`, on a free port."""
        import sys

        port = free_port()
        return cls(
            [sys.executable, "-m", "ingest", "serve", str(archive_dir), "--port", str(port), *options], port, log
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 120) -> ServerProcess:
        import http.client
        import time

        with self.log.open("w") as out:
            self.process = subprocess.Popen(self.command, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log.read_text()}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", "/-/versions.json")
                if connection.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout:.0f} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
