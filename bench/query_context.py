"""What a query-benchmark case is handed, and the registry that lists the cases.

A case is a function of one `QueryContext` (the server, sqlite3 on the same file, the
archive's settings, the repeats) that checks one page against its SQL and returns its
figures, or None when the archive has nothing for it to ask. `@case(name, **bound)` registers
it under the name its figures carry in bench/results.json; the cases run in the order they
were registered, which is the order of the report.
"""

from __future__ import annotations

import functools
import http.client
import importlib.util
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from datasette.utils import escape_fts

from bench.serving import Server

ROOT = Path(__file__).resolve().parent.parent
RAW_LIMIT_S = 30  # a sqlite3 side slower than this once is reported as such, not timed


@functools.cache
def load_plugin(name: str) -> ModuleType:
    """One of plugins/ by file, as Datasette loads it (they are not a package)."""
    spec = importlib.util.spec_from_file_location(f"query_bench_{name}", ROOT / "plugins" / f"{name}.py")
    assert spec is not None and spec.loader is not None, name
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def connect_raw(db: Path) -> sqlite3.Connection:
    """Read-only sqlite3 connection with the SQL functions the canned queries use. Immutable,
    as Datasette opens the file (`serve` has checkpointed any WAL before it started)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro&immutable=1", uri=True)
    for plugin in ("search_query", "highlight"):
        load_plugin(plugin).prepare_connection(connection)
    connection.create_function("escape_fts", 1, escape_fts)  # Datasette's, for a table's search box
    return connection


@dataclass
class QueryContext:
    """One served archive and the same file in sqlite3, with what the cases read of them.

    `described` is metadata.yml's section for the archive (canned queries, table facets),
    which plugins/database_alias.py applies to any file; `settings` is Datasette's
    /-/settings.json. `failed` collects timed requests that did not answer 200.
    """

    server: Server
    raw: sqlite3.Connection
    database: str  # the archive's name in URLs, tilde-encoded
    described: dict
    settings: dict
    repeats: int
    failed: list[str] = field(default_factory=list)

    @property
    def queries(self) -> dict:
        return self.described["queries"]

    def facets(self, table: str) -> list:
        return self.described["tables"].get(table, {}).get("facets", [])

    @property
    def max_rows(self) -> int:
        return self.settings["max_returned_rows"]

    @property
    def page_size(self) -> int:
        return self.settings["default_page_size"]

    @property
    def facet_size(self) -> int:
        return min(self.settings["default_facet_size"], self.max_rows)

    @functools.cached_property
    def busiest_outlet(self) -> str | None:
        """The outlet with the most articles (None in an archive without outlets)."""
        found = self.raw.execute(
            "select outlet from articles where outlet is not null group by outlet order by count(*) desc, outlet limit 1"
        ).fetchone()
        return found[0] if found else None

    @functools.cached_property
    def entities_by_mentions(self) -> list[int]:
        """Entity ids, the most mentioned first."""
        return [row[0] for row in self.raw.execute("select id from entities order by mentions desc, id")]

    @functools.cached_property
    def longest_article(self) -> str:
        return self.raw.execute("select id from articles order by sentence_count desc, id limit 1").fetchone()[0]

    def time_http(self, path: str) -> list[float]:
        """Seconds for each of `repeats` sequential GETs of `path` (after one untimed), body read,
        over one keep-alive connection of its own (the server closes connections idle for 5 s,
        as long as a large case's sqlite3 side can take)."""
        times = []
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=600)
        try:
            for i in range(self.repeats + 1):
                started = time.perf_counter()
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status != 200:  # a page that passed its check and then failed: counted, said
                    self.failed.append(f"{path}: HTTP {response.status}")
                    if response.status < 500 and response.status != 400:
                        raise RuntimeError(f"GET {path} answered {response.status}")
                if i:
                    times.append(elapsed)
        finally:
            connection.close()
        return times

    def time_sqlite(self, run: Callable[[], object]) -> list[float]:
        """Seconds for each of `repeats` calls of `run()` (after one untimed)."""
        times = []
        for i in range(self.repeats + 1):
            started = time.perf_counter()
            run()
            if i:
                times.append(time.perf_counter() - started)
        return times

    def bounded(self, run: Callable[[], list]) -> tuple[list | None, float | None]:
        """(run()'s result, ms) in sqlite3, or (None, None) when it takes over RAW_LIMIT_S."""
        deadline = time.perf_counter() + RAW_LIMIT_S
        self.raw.set_progress_handler(lambda: time.perf_counter() > deadline, 100_000)
        started = time.perf_counter()
        try:
            result = run()
            return result, round((time.perf_counter() - started) * 1000, 1)
        except sqlite3.OperationalError as error:
            if "interrupted" not in str(error):
                raise
            return None, None
        finally:
            self.raw.set_progress_handler(None, 0)


Case = Callable[[QueryContext], dict | None]
CASES: dict[str, Case] = {}  # name -> case, in the order of the report


def case(name: str, **bound) -> Callable[[Callable], Callable]:
    """Register `function(context, **bound)` as the case `name`; the function is returned
    unchanged, so one function can be registered under several names with other arguments."""

    def register(function: Callable) -> Callable:
        if name in CASES:
            raise ValueError(f"two cases named {name!r}")
        CASES[name] = functools.partial(function, **bound)
        return function

    return register
