"""Shared fixtures: a real archive database, and a real Datasette serving it.

`seeds_db` is seeds/ ingested by the real command. `archive_db` adds one hostile article (markup
in its title and body) so that every server and browser test also proves escaping. `site`
serves it in this process; `server` in a real `datasette` process, for the browser tests.

Tiers (markers declared in pyproject.toml): `browser` and `install` are given here to every test
that drives chromium or installs the wheel, wherever it lives; `slow` is written on the test.
`make test-quick` leaves all three out.
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
    SEEDS,
    EvaluationRuns,
    SiteClient,
    checkout_copy,
    copy_with_article,
    free_port,
    hostile_article,
    ingest_archive,
    ingest_in_process,
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

# A test that asks for one of these fixtures is in that tier, whichever file it is in.
TIER_OF_FIXTURE = {"browser": "browser", "installed": "install", "wheel": "install"}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture in set(item.fixturenames) & TIER_OF_FIXTURE.keys():
            item.add_marker(TIER_OF_FIXTURE[fixture])


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """seeds/ ingested once per test session by `newsarchive ingest` (in this process)."""
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    ingest_in_process(str(SEEDS), "--db", str(path))
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
def site(make_datasette, archive_db):
    """The served site in this process (`SiteClient`), called like an `httpx.Client`: what
    `http` answers, without a server process (tests/test_serve_http.py checks they agree)."""
    client = SiteClient(make_datasette(archive_db))
    yield client
    client.close()


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
    `newsarchive serve` configures it, optionally with other metadata. The settings are read as
    `datasette serve --setting` reads them ("off" is False)."""
    from datasette.app import Datasette
    from datasette.cli import Setting

    settings = dict(Setting().convert((name, str(value)), None, None) for name, value in SETTINGS.items())

    def make(db_path, metadata=metadata):
        return Datasette(
            immutables=[str(db_path)],
            metadata=metadata,
            plugins_dir=str(site_file("plugins")),
            template_dir=str(site_file("templates")),
            settings=settings,
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


# The evaluation (ingest/evaluate/): every labelled article built and scored, 2-10 s a run.
@pytest.fixture(scope="session")
def evaluation_runs() -> EvaluationRuns:
    """Each run of the evaluation made once a session and shared: the floors
    (tests/test_evaluation.py), the README's quality tables (tests/test_docs.py) and `make
    eval`'s output (tests/test_extraction_benchmark.py) all read the same figures."""
    return EvaluationRuns()


@pytest.fixture
def evaluated(evaluation_runs, monkeypatch) -> EvaluationRuns:
    """`evaluate`, `evaluate_real` and `load` answered from `evaluation_runs` for one test, for
    code that calls them itself (`ingest.docs.quality_tables`, `evaluation.main`)."""
    from ingest.evaluate import evaluation

    monkeypatch.setattr(evaluation, "load", evaluation_runs.load)
    monkeypatch.setattr(evaluation, "evaluate", evaluation_runs.evaluate)
    monkeypatch.setattr(evaluation, "evaluate_real", evaluation_runs.evaluate_real)
    return evaluation_runs


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """The package's wheel, built once a session from a clean copy of the checkout (`install` tier)."""
    work = tmp_path_factory.mktemp("wheel")
    source = checkout_copy(work / "source")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(work)],
        check=True,
        capture_output=True,
    )
    (built,) = work.glob("newsarchive-*.whl")
    return built
