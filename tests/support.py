"""What several test files share besides fixtures: paths, articles built by hand, the
hostile article, a server harness and plugin modules.

Test files import from here, never from conftest (which pytest loads as a plugin of its own).
"""

import importlib
import sqlite3
from dataclasses import replace
from pathlib import Path

import sqlite_utils

from ingest.extract.stem import stem_text
from ingest.models import Article, Entity, Mention, Place, Sentence
from ingest.serve.app import ServerProcess, free_port
from ingest.store.articles import save_article
from ingest.store.schema import open_database

__all__ = ["free_port"]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

HOSTILE_ID = "hostile-markup"
HOSTILE_TITLE = "<script>alert(1)</script> Warga Moskow <b>heboh</b>"
HOSTILE_SENTENCES = [
    "Warga Moskow menulis <script>alert(1)</script> di forum Vladivostok.",
    'Gambar <img src=x onerror=alert(1)> muncul di Pyongyang & dibagikan "besar-besaran".',
]
# Keys as the gazetteer writes them (Wikidata ids), so these join the seeds' entities.
MOSCOW = Entity("Q649", "Moscow", "place", "Q649", Place(55.75204, 37.61781, "RU", "city", 524901))
PYONGYANG = Entity("Q18808", "Pyongyang", "place", "Q18808", Place(39.03385, 125.75432, "KP", "city", 1871859))
VLADIVOSTOK = Entity("Q959", "Vladivostok", "place", "Q959", Place(43.10562, 131.87353, "RU", "city", 2013348))


def article_from_sentences(article_id, title, sentences, mentions, **fields) -> Article:
    """An Article whose body is `sentences` joined by spaces; `mentions` are
    (sentence index, surface, entity) and the offsets are found in the sentence."""
    body, spans = "", []
    for text in sentences:
        if body:
            body += " "
        spans.append(Sentence(len(spans), len(body), len(body) + len(text), text, "body", stem_text(text)))
        body += text
    found = []
    for index, surface, entity in mentions:
        start = sentences[index].index(surface)
        found.append(Mention(index, start, start + len(surface), surface, entity))
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        format="txt",
        raw=body,
        body=body,
        content_hash=article_id,
        title=title,
        sentences=spans,
        mentions=found,
        **fields,
    )


def save(db, article: Article) -> None:
    save_article(db, article, "2026-01-01T00:00:00")


def hostile_article() -> Article:
    return article_from_sentences(
        HOSTILE_ID,
        HOSTILE_TITLE,
        HOSTILE_SENTENCES,
        [(0, "Moskow", MOSCOW), (0, "Vladivostok", VLADIVOSTOK), (1, "Pyongyang", PYONGYANG)],
        outlet="<i>forum</i>",
        published="2023-09-06",
        language="id",
    )


def stored_entity(db, entity: Entity) -> Entity:
    """The archive's own version of `entity` (same key) if it has one, so that the hostile
    article's mentions join the seeds' entities instead of changing them."""
    row = db.execute(
        """select e.name, e.type, e.wikidata, p.latitude, p.longitude, p.country_code, p.kind, p.geonames_id,
           p.population from entities e left join places p on p.entity_id = e.id where e.key = ?""",
        [entity.key],
    ).fetchone()
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


def start_server(command: list[str], port: int, log: Path) -> ServerProcess:
    """Start `command` (a server on `port`, run from the repository) and wait until it answers."""
    return ServerProcess(command, port, log, cwd=ROOT).start(timeout=60)


def stop_server(server: ServerProcess) -> None:
    server.stop()


def load_plugin(name: str):
    """A plugin module as the package ships it (`ingest/site/plugins/`), to test its functions directly."""
    return importlib.import_module(f"ingest.site.plugins.{name}")


def site_sql(path) -> sqlite3.Connection:
    """A read-only sqlite3 connection to an archive with the site's SQL functions (plugins'
    `prepare_connection`) and rows by column name: to run the site's SQL directly."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    for name in ("search_query", "highlight"):
        load_plugin(name).prepare_connection(connection)
    return connection


def ingest_archive(folder: Path, *paths, granularity: str = "month") -> Path:
    """`paths` ingested into the archive directory `folder` by the real CLI (`ingest --archive`)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "ingest", "ingest", *map(str, paths), "--archive", str(folder)]
    result = subprocess.run([*command, "--partition", granularity], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return folder
