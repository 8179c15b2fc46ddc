"""The parts of the README that are generated, so that they cannot drift: the command-line
help, the schema table and the quality tables. `cog` writes them into README.md
(`make docs`); `tests/test_docs.py` fails when the README differs from what they give now.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import yaml
from click.testing import CliRunner

from ingest.cli import cli
from ingest.serve.app import site_file


def cli_help() -> str:
    """`newsarchive --help` and the help of each command, as the terminal shows it."""
    runner = CliRunner()
    pieces = []
    for command in ([], *[[name] for name in sorted(cli.commands)]):
        result = runner.invoke(cli, [*command, "--help"], prog_name="newsarchive", terminal_width=100)
        pieces.append(f"$ newsarchive {' '.join([*command, '--help'])}\n{result.output.rstrip()}")
    return "\n\n".join(pieces)


def schema_table() -> str:
    """Every table and view of a new archive: its columns as SQLite has them, and what it holds
    as metadata.yml describes it (the tables a researcher never opens last)."""
    from ingest.store.schema import open_database

    described = yaml.safe_load(site_file("metadata.yml").read_text(encoding="utf-8"))["databases"]["archive"]["tables"]
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "schema.db")
        open_database(path).close()
        connection = sqlite3.connect(path)
        names = [
            name
            for (name,) in connection.execute(
                "select name from sqlite_master where type in ('table', 'view') and name not like 'sqlite%' "
                "and name not like '%\\_fts%' escape '\\' order by rowid"
            )
        ]
        columns = {name: [row[1] for row in connection.execute(f"pragma table_info([{name}])")] for name in names}
        connection.close()
    names.sort(key=lambda name: bool(described.get(name, {}).get("hidden")))
    lines = ["| table | columns | what it holds |", "|---|---|---|"]
    for name in names:
        about = described.get(name, {})
        shown = f"`{name}`" + (" (hidden)" if about.get("hidden") else "")
        cells = ", ".join(f"`{column}`" for column in columns[name])
        lines.append(f"| {shown} | {cells} | {' '.join(str(about.get('description', '')).split())} |")
    return "\n".join(lines)


def quality_tables() -> str:
    """`make eval`'s figures: the real set's test and dev splits, then the curated set."""
    from ingest.evaluate.evaluation import evaluate, real_table

    return f"{real_table()}\n\nThe curated set:\n\n{evaluate().table()}"
