"""What several test files share besides fixtures: paths, articles built by hand, the
hostile article, a server harness and plugin modules.

Test files import from here, never from conftest (which pytest loads as a plugin of its own).
"""

import asyncio
import importlib
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import sqlite_utils
from click.testing import CliRunner

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


def copy_archive(source: Path, path: Path) -> Path:
    """A consistent copy of the archive at `source` in `path` (SQLite's backup: a WAL database
    too), for a test that changes or serves it (serving checkpoints the file); returns `path`."""
    original, copy = sqlite3.connect(source), sqlite3.connect(path)
    original.backup(copy)
    original.close()
    copy.close()
    return path


def copy_with_article(source: Path, path: Path, article: Article) -> sqlite_utils.Database:
    """A copy of the archive at `source` in `path`, with `article` saved in it (its entities
    matched to the stored ones), open for more changes."""
    db = open_database(str(copy_archive(source, path)))
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


def ingest_in_process(*args: str) -> None:
    """`newsarchive ingest ARGS`, the real command, run in this process by click's runner: a
    fixture archive without a new interpreter (and a new extractor, ~5 s) for each. Tests of
    what the command itself does (exit status, messages, signals) run it as a subprocess."""
    from ingest.cli import cli

    result = CliRunner().invoke(cli, ["ingest", *args], prog_name="newsarchive", catch_exceptions=False)
    assert result.exit_code == 0, result.output


def ingest_archive(folder: Path, *paths, granularity: str = "month") -> Path:
    """`paths` ingested into the archive directory `folder` by the real command (`ingest --archive`)."""
    ingest_in_process(*map(str, paths), "--archive", str(folder), "--partition", granularity)
    return folder


class SiteClient:
    """The served site in this process, called like `httpx.Client`: Datasette's own client
    (ASGI, no socket, no server process) driven on an event loop in a thread of its own, so one
    Datasette serves a whole session and synchronous tests read like the HTTP tests they are."""

    def __init__(self, datasette):
        self.datasette = datasette
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="site-client", daemon=True)
        self.thread.start()

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        if url.startswith("http://localhost/"):  # a next_url or a redirect the site wrote
            url = url.removeprefix("http://localhost")
        call = self.datasette.client.request(method.upper(), url, **kwargs)
        return asyncio.run_coroutine_threadsafe(call, self.loop).result(timeout=120)

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        self.loop.close()


class EvaluationRuns:
    """`evaluate`, `evaluate_real` and the real set's `load` (ingest/evaluate/) with each made
    once: the same arguments give what the first call gave. Reading the real set alone takes
    seconds (its labels are YAML, parsed in Python). A run over articles other than the
    evaluation set's own is made every time."""

    def __init__(self):
        from ingest.evaluate import evaluation, realset

        self.run_curated, self.run_real, self.read_set = evaluation.evaluate, evaluation.evaluate_real, realset.load
        self.default_gold = evaluation.DEFAULT_GOLD
        self.made: dict[tuple, object] = {}

    def load(self, names=None, directory=None):
        if names or directory:
            return self.read_set(names, directory)
        if "set" not in self.made:
            self.made["set"] = self.read_set()
        return self.made["set"]

    def evaluate(self, gold_path=None):
        gold_path = gold_path or self.default_gold
        key = ("curated", str(gold_path))
        if key not in self.made:
            self.made[key] = self.run_curated(gold_path)
        return self.made[key]

    def evaluate_real(self, split: str, articles=None, with_url: bool = True):
        if articles is not None and articles is not self.load() and articles != self.load():
            return self.run_real(split, articles, with_url)
        key = ("real", split, with_url)
        if key not in self.made:
            self.made[key] = self.run_real(split, self.load(), with_url)
        return self.made[key]


def checkout_copy(destination: Path) -> Path:
    """The repository's files as a clean clone would have them (tracked and new, not ignored)."""
    import shutil
    import subprocess

    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source, target = ROOT / name, destination / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet in git
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        else:
            shutil.copy2(source, target)
    return destination
