"""Shared fixtures: a real archive database, and a real Datasette serving it.

`seeds_db` is seeds/ ingested by the real CLI. `archive_db` adds one hostile article (markup
in its title and body) so that every server and browser test also proves escaping.
"""

import importlib.util
import os
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import sqlite_utils
import yaml

from ingest.models import Article, Entity, Mention, Place, Sentence
from ingest.serve import SETTINGS, datasette_args
from ingest.stem import stem_text
from ingest.store import open_database, save_article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

HOSTILE_ID = "hostile-markup"
HOSTILE_TITLE = "<script>alert(1)</script> Warga Moskow <b>heboh</b>"
HOSTILE_SENTENCES = [
    "Warga Moskow menulis <script>alert(1)</script> di forum Vladivostok.",
    "Gambar <img src=x onerror=alert(1)> muncul di Pyongyang & dibagikan \"besar-besaran\".",
]
# Keys as the gazetteer writes them (Wikidata ids), so these join the seeds' entities.
MOSCOW = Entity("Q649", "Moscow", "place", "Q649", Place(55.75204, 37.61781, "RU", "city", 524901))
PYONGYANG = Entity("Q18808", "Pyongyang", "place", "Q18808", Place(39.03385, 125.75432, "KP", "city", 1871859))
VLADIVOSTOK = Entity("Q959", "Vladivostok", "place", "Q959", Place(43.10562, 131.87353, "RU", "city", 2013348))


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """seeds/ ingested once per test session by `python -m ingest ingest`."""
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(SEEDS), "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return path


def article_from_sentences(article_id, title, sentences, mentions, **fields) -> Article:
    """An Article whose body is `sentences` joined by spaces; `mentions` are
    (sentence index, surface, entity) and the offsets are found in the sentence."""
    body, spans = "", []
    for text in sentences:
        if body:
            body += " "
        spans.append(Sentence(len(spans), len(body), len(body) + len(text), text))
        body += text
    found = []
    for index, surface, entity in mentions:
        start = sentences[index].index(surface)
        found.append(Mention(index, start, start + len(surface), surface, entity))
    return Article(id=article_id, source=f"{article_id}.txt", format="txt", raw=body, body=body,
                   content_hash=article_id, title=title, sentences=spans, mentions=found, **fields)


def save(db, article: Article) -> None:
    save_article(db, article, [stem_text(s.text) for s in article.sentences], "2026-01-01T00:00:00")


def hostile_article() -> Article:
    return article_from_sentences(
        HOSTILE_ID, HOSTILE_TITLE, HOSTILE_SENTENCES,
        [(0, "Moskow", MOSCOW), (0, "Vladivostok", VLADIVOSTOK), (1, "Pyongyang", PYONGYANG)],
        outlet="<i>forum</i>", published="2023-09-06", language="id",
    )


def stored_entity(db, entity: Entity) -> Entity:
    """The archive's own version of `entity` (same key) if it has one, so that the hostile
    article's mentions join the seeds' entities instead of changing them."""
    row = db.execute(
        """select e.name, e.type, e.wikidata, p.latitude, p.longitude, p.country_code, p.kind, p.geonames_id,
           p.population from entities e left join places p on p.entity_id = e.id where e.key = ?""",
        [entity.key]).fetchone()
    if row is None:
        return entity
    name, type_, wikidata, *place = row
    return Entity(entity.key, name, type_, wikidata, Place(*place) if place[3] is not None else None)


def copy_with_article(source: Path, path: Path, article: Article) -> sqlite_utils.Database:
    """A copy of the archive at `source` in `path`, with `article` saved in it (its entities
    matched to the stored ones), open for more changes."""
    original, copy = sqlite3.connect(source), sqlite3.connect(path)
    original.backup(copy)
    original.close()
    copy.close()
    db = open_database(str(path))
    article.mentions = [replace(m, entity=stored_entity(db, m.entity)) for m in article.mentions]
    save(db, article)
    return db


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(command: list[str], port: int, log: Path):
    """Start `command` (a server on `port`) and wait until it answers; returns the process."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"server did not answer within 60 s:\n{log.read_text()}")


def stop_server(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def server(archive_db, tmp_path_factory) -> str:
    """Base URL of a real `datasette` process started with exactly `newsarchive serve`'s arguments."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "datasette.log"
    process = start_server([sys.executable, "-m", "datasette", *datasette_args(archive_db, "127.0.0.1", port)],
                           port, log)
    yield f"http://127.0.0.1:{port}"
    stop_server(process)


@pytest.fixture(scope="session")
def http(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text())


@pytest.fixture(scope="session")
def db_name(archive_db) -> str:
    return archive_db.stem


def load_plugin(name: str):
    """A plugins/ file as a module, to test its functions directly."""
    spec = importlib.util.spec_from_file_location(f"plugin_{name}", ROOT / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def make_datasette(metadata):
    """`make_datasette(db_path)`: the served site in process (Datasette's test client), as
    `newsarchive serve` configures it, optionally with other metadata."""
    from datasette.app import Datasette

    def make(db_path, metadata=metadata):
        return Datasette(immutables=[str(db_path)], metadata=metadata, plugins_dir=str(ROOT / "plugins"),
                         template_dir=str(ROOT / "templates"), settings=SETTINGS)
    return make


@pytest.fixture
def ds(make_datasette, archive_db):
    return make_datasette(archive_db)
