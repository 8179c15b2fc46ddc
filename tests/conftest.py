"""Shared fixtures: a real archive database, and a real Datasette serving it.

`seeds_db` is seeds/ ingested by the real CLI. `archive_db` adds one hostile article (markup
in its title and body) so that every server and browser test also proves escaping.
"""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import sqlite_utils
import yaml
from hypothesis import settings
from support import (
    ROOT,
    SEEDS,
    copy_with_article,
    free_port,
    hostile_article,
    ingest_archive,
    site_sql,
    start_server,
    stop_server,
)

from ingest.models import Article
from ingest.serve.app import SETTINGS, ServerProcess, datasette_args, site_file

# Hypothesis checks what the code does, not how fast: its default 200 ms deadline per example
# fails on a loaded machine (timings belong in `make bench`).
settings.register_profile("newsarchive", deadline=None)
settings.load_profile("newsarchive")


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """seeds/ ingested once per test session by `python -m ingest ingest`."""
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(SEEDS), "--db", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="session")
def archive_db(seeds_db, tmp_path_factory) -> Path:
    """The database every server and browser test reads: seeds/ as ingested, plus the
    hostile article. Written in rollback-journal mode: a single file, served immutable."""
    path = tmp_path_factory.mktemp("served") / "archive.db"
    db = copy_with_article(seeds_db, path, hostile_article())
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path


@pytest.fixture(scope="session")
def hostile() -> Article:
    return hostile_article()


@pytest.fixture(scope="session")
def archive(archive_db):
    """sqlite-utils handle on the served database, for expected values."""
    db = sqlite_utils.Database(archive_db)
    yield db
    db.close()


@pytest.fixture(scope="session")
def archive_sql(archive_db):
    """The served database through `support.site_sql`."""
    connection = site_sql(archive_db)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def server(archive_db, tmp_path_factory) -> str:
    """Base URL of a real `datasette` process started with exactly `newsarchive serve`'s arguments."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "datasette.log"
    process = start_server(
        [sys.executable, "-m", "datasette", *datasette_args(archive_db, "127.0.0.1", port)], port, log
    )
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


@pytest.fixture(scope="session")
def http(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests save their screenshots: docs/ under `make screenshots`
    (NEWSARCHIVE_SCREENSHOTS=docs), else a temporary folder, so a test run leaves the tree clean."""
    chosen = os.environ.get("NEWSARCHIVE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def metadata() -> dict:
    return yaml.safe_load(site_file("metadata.yml").read_text())


@pytest.fixture(scope="session")
def db_name(archive_db) -> str:
    return archive_db.stem


@pytest.fixture(scope="session")
def make_datasette(metadata):
    """`make_datasette(db_path)`: the served site in process (Datasette's test client), as
    `newsarchive serve` configures it, optionally with other metadata."""
    from datasette.app import Datasette

    def make(db_path, metadata=metadata):
        return Datasette(
            immutables=[str(db_path)],
            metadata=metadata,
            plugins_dir=str(site_file("plugins")),
            template_dir=str(site_file("templates")),
            settings=SETTINGS,
        )

    return make


@pytest.fixture
def ds(make_datasette, archive_db):
    return make_datasette(archive_db)


# An archive of partitions (issue 14: ingest --archive, serve DIR), for tests/test_archive_*.py
# and tests/test_browser_archive.py.
@pytest.fixture(scope="session")
def seeds_archive(tmp_path_factory):
    """seeds/ by month: 2024-07.db, 2023-09.db and undated.db."""
    return ingest_archive(tmp_path_factory.mktemp("served-archive") / "news", SEEDS)


@pytest.fixture(scope="session")
def archive_server(seeds_archive, tmp_path_factory):
    log = tmp_path_factory.mktemp("archive-server") / "datasette.log"
    server = ServerProcess.serving_archive(seeds_archive, log).start(timeout=120)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def archive_http(archive_server):
    with httpx.Client(base_url=archive_server.url, timeout=60) as client:
        yield client
