"""Query benchmark: pages of a real Datasette process against the same SQL run in sqlite3.

The server is started as `newsarchive serve` starts it (`python -m ingest serve --db DB`,
immutable, metadata.yml, plugins/, the settings in ingest/serve/app.py) on a free loopback port,
and asked one request at a time (a keep-alive connection per case). Cases:

- the `search` canned query for a common word, a rare name, a "phrase" and a stemmed form;
- the `places_map` canned query without and with `q`;
- table pages with the facets metadata.yml configures (`articles`: outlet, language,
  published; `mentions`: entity_id, the largest table), as served (without suggested
  facets: `serve` turns them off, they cost one query per column);
- the research desk's pages (issue 13): /search with filters, counts and a later page, its
  Atom feed, an entity page with its chart, /timeline and the home page; the raw side runs the
  SQL those pages run (ingest/serve/search.py's queries, the plugins' and canned queries' SQL);
- a CSV stream of every sentence (`sentences.csv?_stream=on&_size=max`), in MB/s.

Each page is timed as HTML (what a reader opens) and as JSON (what a script or the map
fetches). Beside it, the SQL behind it runs directly in Python's sqlite3 on the same file
(read-only and immutable as Datasette opens it, with the plugins' SQL functions `fts_query`
and `mark_words` registered, all rows fetched): for canned queries their SQL from metadata.yml with the same parameters; for a
table page the page query Datasette reports, `count(*)` and one group-by per configured facet
(written as Datasette's facets.py writes it). Not on the raw side: Datasette's suggested
facets, label look-ups, templates, JSON and HTTP. *× raw* is the HTTP time over the sqlite3
time; absolute times depend on the machine, ratios much less.

Every case is checked before it is timed: HTTP 200, and the JSON's rows (and, for tables, the
row count and facet counts) equal to what sqlite3 returns; a mismatch stops the run, since a
benchmark of an error page is worse than none. The CSV is checked byte for byte (SHA-256);
one that Datasette cuts off at `max_csv_mb` (100 MiB by default, about a 9,000-article
archive's sentences) is reported as an error instead of figures, and the exit status is 1.

Percentiles: `statistics.quantiles(n=100, method="inclusive")` (linear interpolation between
the closest ranks); with 20 repeats p99 is close to the slowest request. One untimed request
warms each case. MB = 1,000,000 bytes.

    python -m bench.query_bench DB [--repeats 20] [--csv-repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import html
import http.client
import importlib.util
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import yaml
from datasette.utils import escape_fts, tilde_encode

from ingest.serve.app import ServerProcess

ROOT = Path(__file__).resolve().parent.parent

# The fixed queries. Words as the bench corpus (bench/generate.py, recombined seed sentences)
# and seeds/ use them: "Korea" is in about half of all sentences, "Vostochny" (the cosmodrome)
# in a handful. The quotes make "Kim Jong Un" a phrase (plugins/search_query.py).
SEARCHES = {
    "common word": "Korea",
    "rare name": "Vostochny",
    "phrase": '"Kim Jong Un"',
    "stemmed form": "pertemuan",
}  # pertemuan -> stem temu, so bertemu matches too
MAP_QUERY = "Kim Jong Un"
# The search desk (/search): a common word alone and with each filter (the outlet with the
# most articles is filled in from the archive), an entity alone, a rare word, and later pages.
# Each page carries the total and the counts by outlet and month beside the results.
DESK_SEARCHES = {
    "common word": {"q": "Korea"},
    "rare word": {"q": "Vostochny"},
    "outlet": {"q": "Korea", "outlet": ""},
    "date range": {"q": "Korea", "from": "2024-01-01", "to": "2024-03-31"},
    "language": {"q": "Korea", "language": "id"},
    "entity in the sentence": {"q": "Korea", "entity": "Putin"},
    "entity in the article": {"q": "Korea", "entity": "Putin", "scope": "article"},
    "filtered": {"q": "Korea", "entity": "Putin", "scope": "article", "from": "2023-01-01", "to": "2024-12-31"},
    "entity alone": {"entity": "Putin"},
    "page 2": {"q": "Korea", "page": "2"},
    "page 50": {"q": "Korea", "page": "50"},
}
TABLES = ["articles", "entities", "mentions", "sentences"]  # faceted as metadata.yml says
# Table searches (the search box of a table page), with the table's facets.
TABLE_SEARCHES = {"articles": "Putin", "sentences": "Korea"}
CSV_TABLE = "sentences"
# facets.py's ColumnFacet query, so the raw side does the work the facets do.
FACET_SQL = (
    "select {col} as value, count(*) as count from ({sql}) where {col} is not null "
    "group by {col} order by count desc, value limit {limit}"
)


class Server(ServerProcess):
    """`python -m ingest serve --db DB` on a free loopback port (the package's one harness),
    with a plain request for checks."""

    def __init__(self, db: Path, log: Path):
        command = ServerProcess.serving(db, log)
        super().__init__(command.command, command.port, log)

    def get(self, path: str) -> tuple[int, bytes]:
        """One request on a fresh connection (for checks, not timed)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def percentiles(seconds: list[float]) -> dict:
    """p50, p95 and p99 in milliseconds, not rounded."""
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def time_http(server: Server, path: str, repeats: int) -> list[float]:
    """Seconds for each of `repeats` sequential GETs of `path` (after one untimed), body read,
    over one keep-alive connection of its own (the server closes connections idle for 5 s,
    as long as a large case's sqlite3 side can take)."""
    times = []
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        for i in range(repeats + 1):
            started = time.perf_counter()
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            if response.status != 200:  # a page that passed its check and then failed: counted, said
                FAILED.append(f"{path}: HTTP {response.status}")
                if response.status < 500 and response.status != 400:
                    raise RuntimeError(f"GET {path} answered {response.status}")
            if i:
                times.append(elapsed)
    finally:
        connection.close()
    return times


FAILED: list[str] = []  # timed requests that did not answer 200, for the report


def time_sqlite(run, repeats: int) -> list[float]:
    """Seconds for each of `repeats` calls of `run()` (after one untimed)."""
    times = []
    for i in range(repeats + 1):
        started = time.perf_counter()
        run()
        if i:
            times.append(time.perf_counter() - started)
    return times


ONLY: re.Pattern | None = None  # measure_queries(only=...): the cases to run


def wanted(name: str) -> bool:
    return ONLY is None or bool(ONLY.search(name))


RAW_LIMIT_S = 30  # a sqlite3 side slower than this once is reported as such, not timed


def bounded(raw: sqlite3.Connection, run):
    """(run()'s result, ms) in sqlite3, or (None, None) when it takes over RAW_LIMIT_S."""
    deadline = time.perf_counter() + RAW_LIMIT_S
    raw.set_progress_handler(lambda: time.perf_counter() > deadline, 100_000)
    started = time.perf_counter()
    try:
        result = run()
        return result, round((time.perf_counter() - started) * 1000, 1)
    except sqlite3.OperationalError as error:
        if "interrupted" not in str(error):
            raise
        return None, None
    finally:
        raw.set_progress_handler(None, 0)


def load_plugin(name: str):
    spec = importlib.util.spec_from_file_location(f"query_bench_{name}", ROOT / "plugins" / f"{name}.py")
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


def plain(message: str) -> str:
    """Datasette's error message as one line of text: its first sentence, without the HTML
    (a time-limit error carries the whole SQL in a textarea)."""
    message = re.sub(r"<(textarea|script)\b.*?</\1>", " ", message, flags=re.S | re.I)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", message)).split())
    return text.split(". ")[0].rstrip(".")


def canned_case(server, raw, database, queries, name, params, max_rows, repeats) -> dict:
    """A canned query. One that Datasette refuses (e.g. cut off at `sql_time_limit_ms`) is a
    finding, not a failure of the benchmark: it is reported as the case's "error", with the
    time the same SQL takes in sqlite3 once."""
    sql = queries[name]["sql"]
    expected, once_ms = bounded(raw, lambda: raw.execute(sql, params).fetchall())
    url = f"/{database}/{name}?{urlencode(params)}"
    status, body = server.get(f"/{database}/{name}.json?{urlencode(params)}")
    if status != 200:
        try:
            message = json.loads(body).get("error") or body[:200].decode(errors="replace")
        except ValueError:
            message = body[:200].decode(errors="replace")
        return {"url": url, "error": f"HTTP {status}: {plain(message)}", "sqlite_once_ms": once_ms}
    page = json.loads(body)
    if expected is not None and len(page["rows"]) != min(len(expected), max_rows):
        raise RuntimeError(f"{name} {params}: Datasette returned {len(page['rows'])} rows, sqlite3 {len(expected)}")
    html = time_http(server, f"/{database}/{name}?{urlencode(params)}", repeats)
    as_json = time_http(server, f"/{database}/{name}.json?{urlencode(params)}", repeats)
    direct = time_sqlite(lambda: raw.execute(sql, params).fetchall(), repeats) if expected is not None else None
    shown = {"rows": len(page["rows"])}
    if page["truncated"]:
        shown |= {"truncated": True} | ({"total": len(expected)} if expected is not None else {})
    return summary(html, as_json, direct, **shown, url=url)


def facet_names(facets: list) -> list[str]:
    """The column of each facet metadata.yml configures ("outlet", or {"kept": {...}})."""
    names = []
    for facet in facets:
        if isinstance(facet, str):
            names.append(facet)
        else:
            (config,) = facet.values()
            names.append(config if isinstance(config, str) else config.get("column") or config["simple"])
    return names


def facet_statement(raw_facet, table: str, source: str, params: dict, limit: int, filtered: bool):
    """The SQL a configured facet runs: Datasette's column facet over the filtered rows, or for
    a `kept` facet on an unfiltered table its kept counts (plugins/kept_facets.py)."""
    if isinstance(raw_facet, dict) and "kept" in raw_facet and not filtered:
        kept = load_plugin("kept_facets")
        return kept.kept_sql(raw_facet["kept"], limit), {}
    (column,) = facet_names([raw_facet])
    return FACET_SQL.format(col=f"[{column}]", sql=source, limit=limit), params


def error_case(url: str, status: int, body: bytes, once_ms: float | None = None) -> dict:
    """A page that answered with an error: a finding (reported as the case's "error") when the
    server gave up on it (400: the SQL time limit; 5xx), the end of the run otherwise (a 404 is
    a benchmark asking for the wrong thing)."""
    if status not in (400,) and status < 500:
        raise RuntimeError(f"GET {url} answered HTTP {status}: {body[:300]!r}")
    try:
        message = json.loads(body).get("error") or body[:200].decode(errors="replace")
    except ValueError:
        message = body[:300].decode(errors="replace")
    return {"url": url, "error": f"HTTP {status}: {plain(message)}", "sqlite_once_ms": once_ms}


def table_case(server, raw, database, table, facets, page_size, facet_size, repeats, query=None) -> dict:
    """A table page with its configured facets, optionally with a query string (`_search=`).
    The sqlite3 side runs the page query Datasette reports, the count and each facet's query."""
    suffix = f"?{urlencode(query)}" if query else ""
    html_path = f"/{database}/{tilde_encode(table)}{suffix}"
    json_path = f"/{database}/{tilde_encode(table)}.json{suffix}"
    status, body = server.get(json_path)
    if status != 200:
        return error_case(html_path, status, body)
    page = json.loads(body)
    sql, params = page["query"]["sql"], page["query"]["params"]  # the page query Datasette ran
    source = re.split(r"\sorder by\s", sql, flags=re.I)[0] if query else f"select * from [{table}]"
    names = facet_names(facets)
    statements = [(sql, params), (f"select count(*) from ({source})", params)] + [
        facet_statement(facet, table, source, params, facet_size + 1, bool(query)) for facet in facets
    ]

    def run():
        return [raw.execute(statement, values).fetchall() for statement, values in statements]

    result, once_ms = bounded(raw, run)
    if result is None:
        return summary(
            time_http(server, html_path, repeats),
            time_http(server, json_path, repeats),
            None,
            rows=len(page["rows"]),
            count_shown=page["filtered_table_rows_count"] is not None,
            facets=facet_names(facets),
            facets_timed_out=[name for name in facet_names(facets) if name not in page["facet_results"]],
            url=html_path,
            sqlite_once_ms=None,
        )
    rows, count, *grouped = result
    shown, total = len(page["rows"]), count[0][0]
    counted_total = page["filtered_table_rows_count"]
    if shown != min(len(rows), page_size) or counted_total not in (None, total):
        raise RuntimeError(
            f"{html_path}: Datasette shows {shown} of {counted_total} rows, sqlite3 {min(len(rows), page_size)} of {total}"
        )
    timed_out = [name for name in names if name not in page["facet_results"]]
    for name, results in zip(names, grouped):
        counted = page["facet_results"].get(name)
        expected = [tuple(row) for row in results[:facet_size]]
        if counted and [(r["value"], r["count"]) for r in counted["results"]] != expected:
            raise RuntimeError(f"{html_path}: facet {name} differs from sqlite3")
    html_ms = time_http(server, html_path, repeats)
    as_json = time_http(server, json_path, repeats)
    direct = time_sqlite(run, repeats)
    return summary(
        html_ms,
        as_json,
        direct,
        rows=shown,
        total=total,
        count_shown=counted_total is not None,
        facets=names,
        facets_timed_out=timed_out,
        suggested_facets=len(page["suggested_facets"]),
        url=html_path,
        sqlite_once_ms=once_ms,
    )


def page_case(server, raw, html_path, json_path, run, repeats, rows=None, error=None) -> dict:
    """A plugin page: HTML and its data form (JSON, CSV or Atom; None for a page without one)
    over HTTP against `run()` in sqlite3 (the SQL the page runs, every row fetched; its first
    result is the page's rows). `rows(body)`, if given, counts the rows the data form holds;
    it must equal the first result's. `error(body)`, if given, is the error a page answered
    with HTTP 200 (the search desk's "took too long"), reported instead of figures."""
    result, once_ms = bounded(raw, run)
    first = result[0] if result is not None else None
    for path in [p for p in (html_path, json_path) if p]:
        status, body = server.get(path)
        if status != 200:
            return error_case(html_path, status, body, once_ms)
        if error and path == json_path and error(body):
            return {"url": html_path, "error": error(body), "sqlite_once_ms": once_ms}
    shown = len(first) if first is not None else None
    if rows is not None:
        shown = rows(server.get(json_path)[1])
        if first is None:
            pass  # sqlite3 took too long to compare with
        elif shown == 0 and first:  # a page that gave up quietly (the feed's search at the time limit)
            return {"url": html_path, "error": f"no rows (sqlite3: {len(first)}): cut off", "sqlite_once_ms": once_ms}
        if shown != len(first):
            raise RuntimeError(f"{json_path}: {shown} rows, sqlite3 {len(first)}")
    html_ms = time_http(server, html_path, repeats)
    data = time_http(server, json_path, repeats) if json_path else None
    direct = time_sqlite(run, repeats) if first is not None else None
    return summary(html_ms, data, direct, rows=shown, url=html_path, sqlite_once_ms=once_ms)


def statements_run(raw, statements):
    """`run` for page_case: every (sql, params) statement, all rows fetched."""
    return lambda: [raw.execute(sql, params).fetchall() for sql, params in statements]


def search_run(raw, params: dict):
    """`run` for a search desk page: ingest/serve/search.py's `run`, its statements in sqlite3."""
    from ingest.serve import search as desk

    search = desk.Search.from_args(params)

    def run():
        found = asyncio.run(desk.run(rows_of(raw), search))
        return [found["rows"], found]

    return run


def rows_of(raw):
    """An awaitable `execute(sql, params)` over sqlite3 giving rows by name, as Datasette's does."""

    async def execute(sql, values):
        cursor = raw.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, values).fetchall()

    return execute


def desk_cases(server, raw, database, queries, repeats) -> dict:
    """The research desk's pages, with the SQL behind each."""

    cases = {}
    outlet = raw.execute(
        "select outlet from articles where outlet is not null group by outlet order by count(*) desc, outlet limit 1"
    ).fetchone()
    for label, params in DESK_SEARCHES.items():
        if "outlet" in params:
            if outlet is None:
                continue
            params = {**params, "outlet": outlet[0]}
        query = urlencode(params)
        run = search_run(raw, params)
        if wanted(f"search desk: {label}"):
            cases[f"search desk: {label}"] = page_case(
                server,
                raw,
                f"/search?{query}",
                f"/search.json?{query}",
                run,
                repeats,
                rows=lambda body: len(json.loads(body)["rows"]),
                error=lambda body: json.loads(body).get("error"),
            )
        if label == "common word":
            feed = {**params, "size": "50"}
            if wanted("search feed (Atom)"):
                cases["search feed (Atom)"] = page_case(
                    server,
                    raw,
                    f"/search.atom?{query}",
                    f"/search.atom?{query}",
                    search_run(raw, feed),
                    repeats,
                    rows=lambda body: body.count(b"<entry>"),
                )
    entity_page = load_plugin("entity_page")
    ranked = [r[0] for r in raw.execute("select id from entities order by mentions desc, id")]
    for label, entity in (("most mentioned entity", ranked[0]), ("median entity", ranked[len(ranked) // 2])):
        if wanted(f"entity page, {label}"):
            cases[f"entity page, {label}"] = page_case(
                server,
                raw,
                f"/entity/{entity}",
                f"/{database}/entity_months.json?entity={entity}&_shape=array",
                entity_run(raw, queries, entity_page, entity),
                repeats,
                rows=lambda body: len(json.loads(body)),
            )
    if wanted("mentions_of, most mentioned entity"):
        cases["mentions_of, most mentioned entity"] = canned_case(
            server, raw, database, queries, "mentions_of", {"entity": str(ranked[0])}, 2000, repeats
        )
    for label, entity in (("", ""), (" for an entity", "Putin")):
        if wanted(f"timeline page{label}"):
            cases[f"timeline page{label}"] = page_case(
                server,
                raw,
                f"/timeline?entity={entity}",
                f"/{database}/timeline_months.json?entity={entity}&_shape=array",
                statements_run(
                    raw,
                    [
                        (queries["timeline_months"]["sql"], {"entity": entity}),
                        (f"select * from ({queries['timeline']['sql']}) limit 100", {"entity": entity}),
                    ],
                ),
                repeats,
                rows=lambda body: len(json.loads(body)),
            )
    desk = load_plugin("desk")
    if wanted("home page"):
        cases["home page"] = page_case(
            server,
            raw,
            "/",
            f"/{database}.json",
            statements_run(raw, [(sql, {}) for sql in desk_count_sql(desk)]),
            repeats,
        )
    article = raw.execute("select id from articles order by sentence_count desc, id limit 1").fetchone()[0]
    article_page = load_plugin("article_page")
    if wanted("article page (the longest article)"):
        cases["article page (the longest article)"] = page_case(
            server,
            raw,
            f"/article/{article}",
            None,
            statements_run(raw, [(sql, [article]) for sql in article_sql(article_page)]),
            repeats,
        )
    if wanted("CSV of an article's sentences"):
        cases["CSV of an article's sentences"] = page_case(
            server,
            raw,
            f"/{database}/sentences.csv?article_id={article}&_size=max",
            None,
            statements_run(raw, [("select * from sentences where article_id = ? order by id", [article])]),
            repeats,
        )
    return cases


def entity_run(raw, queries, entity_page, entity):
    """What the entity page runs: its chart's canned query and `entity_page.gather` (its
    counts and lists)."""
    months = (queries["entity_months"]["sql"], {"entity": str(entity)})

    def run():
        found = asyncio.run(entity_page.gather(rows_of(raw), entity))
        return [raw.execute(*months).fetchall(), found]

    return run


def desk_count_sql(desk) -> list[str]:
    """The home page's counts: one per counted table."""
    return [f"select count(*) from [{table}]" for *_, table in desk.PAGES if table]


def article_sql(article_page) -> list[str]:
    return [
        "select * from articles where id = ?",
        article_page.MENTIONS_SQL,
        article_page.PLACES_SQL,
        article_page.SHARED_SQL,
        article_page.QUOTES_SQL,
        article_page.SENTENCES_SQL,
        article_page.FURNITURE_SQL,
    ]


def summary(html, as_json, direct, **extra) -> dict:
    """Percentiles of the HTML, data-form (None: not timed) and sqlite3 times, and their ratios."""
    http_ms = percentiles(html)
    json_ms = percentiles(as_json) if as_json else None
    sqlite_ms = percentiles(direct) if direct else None  # None: sqlite3 took over RAW_LIMIT_S
    ratios = {
        "ratio_p50": http_ms["p50"] / sqlite_ms["p50"] if sqlite_ms else None,
        "ratio_p95": http_ms["p95"] / sqlite_ms["p95"] if sqlite_ms else None,
        "json_ratio_p50": json_ms["p50"] / sqlite_ms["p50"] if json_ms and sqlite_ms else None,
    }
    return {
        **extra,
        **{
            name: {k: round(v, 3) for k, v in ms.items()} if ms else None
            for name, ms in (("http_ms", http_ms), ("json_ms", json_ms), ("sqlite_ms", sqlite_ms))
        },
        **{name: round(value, 1) if value is not None else None for name, value in ratios.items()},
    }


class Sink:
    """A file that keeps only the number of bytes written, and with `check` their hash and last bytes."""

    def __init__(self, check: bool = False):
        self.bytes, self.hash, self.tail = 0, hashlib.sha256() if check else None, b""

    def write(self, data: str | bytes) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.bytes += len(data)
        if self.hash:
            self.hash.update(data)
            self.tail = (self.tail + data)[-200:]


def csv_case(server, raw, database, table, repeats, max_csv_mb) -> dict:
    """Seconds to stream the whole table as CSV over HTTP, and to write it with the csv module.

    Datasette ends a CSV longer than `max_csv_mb` MiB with "CSV contains more than N bytes"
    (still HTTP 200); that is reported as the case's "error", without figures."""
    columns = [row[1] for row in raw.execute(f"pragma table_info([{table}])")]
    path = f"/{database}/{tilde_encode(table)}.csv?_stream=on&_size=max"
    rows = raw.execute(f"select count(*) from [{table}]").fetchone()[0]

    def over_http(check: bool = False) -> Sink:
        sink = Sink(check)
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            if response.status != 200:
                raise RuntimeError(f"GET {path} answered {response.status}")
            while chunk := response.read(1 << 16):
                sink.write(chunk)
        finally:
            connection.close()
        return sink

    def direct(check: bool = False) -> Sink:
        sink = Sink(check)
        writer = csv.writer(sink)  # default dialect: "\r\n" line ends, minimal quoting, as Datasette's
        writer.writerow(columns)
        cursor = raw.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}] order by rowid")
        while batch := cursor.fetchmany(2000):
            writer.writerows(batch)
        return sink

    served, written = over_http(check=True), direct(check=True)  # untimed: warm-up and byte-for-byte check
    if (served.bytes, served.hash.digest()) != (written.bytes, written.hash.digest()):
        if b"CSV contains more than" not in served.tail:
            raise RuntimeError(f"{path}: {served.bytes} bytes, not the {written.bytes} bytes sqlite3 + csv write")
        return {
            "table": table,
            "url": path,
            "rows": rows,
            "bytes": written.bytes,
            "bytes_served": served.bytes,
            "error": f"Datasette stops the stream at max_csv_mb = {max_csv_mb} MiB "
            f"({served.bytes:,} of {written.bytes:,} bytes); not measured",
        }
    http_s = [timed(over_http) for _ in range(repeats)]
    sqlite_s = [timed(direct) for _ in range(repeats)]
    http_mb_s = served.bytes / 1e6 / statistics.median(http_s)
    sqlite_mb_s = written.bytes / 1e6 / statistics.median(sqlite_s)
    return {
        "table": table,
        "url": path,
        "rows": rows,
        "bytes": served.bytes,
        "repeats": repeats,
        "http_s": round(statistics.median(http_s), 3),
        "sqlite_s": round(statistics.median(sqlite_s), 3),
        "http_mb_s": round(http_mb_s, 1),
        "sqlite_mb_s": round(sqlite_mb_s, 1),
        "ratio": round(sqlite_mb_s / http_mb_s, 1),
    }


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure_queries(db_path: Path, repeats: int = 20, csv_repeats: int = 3, only: str | None = None) -> dict:
    """Serve `db_path` as `newsarchive serve` does and time every case against sqlite3.

    Returns {"cases": {name: {"url", "rows", "http_ms", "json_ms", "sqlite_ms" (each
    {"p50", "p95", "p99"} in ms; http_ms is the HTML page), "ratio_p50", "ratio_p95",
    "json_ratio_p50", ...}}, "csv": {"rows", "bytes", "http_mb_s", "sqlite_mb_s", "ratio", ...},
    "server": {"datasette", "settings"}, "articles", "sentences", "repeats"}; JSON-serialisable.
    The CSV is streamed once untimed and `csv_repeats` times timed (the median is reported);
    `csv_repeats` 0 leaves it out. `only` (a regular expression) keeps the cases whose name it finds.
    """
    if repeats < 2:
        raise ValueError("repeats must be at least 2 for percentiles")
    global ONLY
    ONLY = re.compile(only) if only else None
    FAILED.clear()
    db_path = Path(db_path).resolve()
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    described = metadata["databases"]["archive"]  # plugins/database_alias.py applies it to any file
    with tempfile.TemporaryDirectory(prefix="newsarchive-query-bench-") as work:
        server = Server(db_path, Path(work) / "datasette.log")
        raw = None
        try:
            server.start()
            names = [d["name"] for d in json.loads(server.get("/-/databases.json")[1]) if d["name"] != "_internal"]
            database = tilde_encode(names[0])
            settings = json.loads(server.get("/-/settings.json")[1])
            versions = json.loads(server.get("/-/versions.json")[1])
            raw = connect_raw(db_path)
            max_rows, queries = settings["max_returned_rows"], described["queries"]
            cases = {}
            for label, q in SEARCHES.items():
                if wanted(f"search: {label}"):
                    cases[f"search: {label}"] = canned_case(
                        server, raw, database, queries, "search", {"q": q}, max_rows, repeats
                    )
            for label, q in (("places_map", ""), ("places_map with q", MAP_QUERY)):
                if wanted(label):
                    cases[label] = canned_case(
                        server, raw, database, queries, "places_map", {"q": q}, max_rows, repeats
                    )
            cases.update(desk_cases(server, raw, database, queries, repeats))
            page_size, facet_size = settings["default_page_size"], min(settings["default_facet_size"], max_rows)
            for table in TABLES:
                facets = described["tables"].get(table, {}).get("facets", [])
                if wanted(f"{table} table, faceted"):
                    cases[f"{table} table, faceted"] = table_case(
                        server, raw, database, table, facets, page_size, facet_size, repeats
                    )
            for table, word in TABLE_SEARCHES.items():
                facets = described["tables"].get(table, {}).get("facets", [])
                if wanted(f"{table} table search, faceted"):
                    cases[f"{table} table search, faceted"] = table_case(
                        server, raw, database, table, facets, page_size, facet_size, repeats, {"_search": word}
                    )
            streamed = (
                csv_case(server, raw, database, CSV_TABLE, csv_repeats, settings["max_csv_mb"]) if csv_repeats else None
            )
            articles, sentences = (
                raw.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "sentences")
            )
        finally:
            if raw:
                raw.close()
            server.stop()
    return {
        "failed_requests": list(FAILED),
        "articles": articles,
        "sentences": sentences,
        "repeats": repeats,
        "cases": cases,
        "csv": streamed,
        "server": {
            "datasette": versions["datasette"]["version"],
            "sqlite": versions["sqlite"]["version"],
            "settings": settings,
        },
    }


def markdown(results: dict) -> list[str]:
    """Lines of a markdown section for docs/benchmarks.md: the cases table and the CSV line."""

    def triple(ms):
        if ms is None:
            return "–"
        return " / ".join(f"{ms[p]:.1f}" if ms[p] >= 1 else f"{ms[p]:.2f}" for p in ("p50", "p95", "p99"))

    lines = [
        f"{results['articles']:,} articles, {results['sentences']:,} sentences; {results['repeats']} "
        f"sequential requests per case on loopback, Datasette {results['server']['datasette']}, "
        f"SQLite {results['server']['sqlite']}. *× raw* is HTTP over sqlite3, at p50 and p95.",
        "",
        "| case | URL | rows | HTML p50 / p95 / p99 ms | JSON p50 / p95 / p99 ms | sqlite3 p50 / p95 / p99 ms "
        "| × raw (HTML) | × raw (JSON p50) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, case in results["cases"].items():
        url = f"`{case['url']}`" if case.get("url") else ""
        if "error" in case:
            once = case.get("sqlite_once_ms")
            once = once if once is not None else f"over {RAW_LIMIT_S} s"
            lines.append(f"| {name} | {url} | – | **{case['error']}** | | once: {once} | | |")
            continue
        rows = "–" if case.get("rows") is None else f"{case['rows']:,}"
        rows += f" of {case['total']:,}" if "total" in case else ""
        if case.get("truncated"):
            rows += " (truncated)"
        notes = []
        if case.get("facets_timed_out"):
            notes.append(f"facets timed out: {', '.join(case['facets_timed_out'])}")
        if case.get("count_shown") is False:
            notes.append("count not shown")
        note = f" ({'; '.join(notes)})" if notes else ""
        json_ratio = case["json_ratio_p50"] if case.get("json_ratio_p50") is not None else "–"
        ratios = f"{case['ratio_p50']} / {case['ratio_p95']}" if case.get("ratio_p50") is not None else "–"
        raw_ms = triple(case["sqlite_ms"]) if case.get("sqlite_ms") else f"over {RAW_LIMIT_S} s once"
        lines.append(
            f"| {name}{note} | {url} | {rows} | {triple(case['http_ms'])} | {triple(case.get('json_ms'))} "
            f"| {raw_ms} | {ratios} | {json_ratio} |"
        )
    if results.get("failed_requests"):
        lines += ["", f"Timed requests that failed: {'; '.join(results['failed_requests'])}."]
    c = results["csv"]
    if c is None:
        return lines
    figures = (
        f"**{c['error']}**"
        if "error" in c
        else f"Datasette {c['http_mb_s']} MB/s, sqlite3 + csv module {c['sqlite_mb_s']} MB/s "
        f"({c['ratio']}× raw; median of {c['repeats']})"
    )
    lines += ["", f"CSV of all {c['rows']:,} {c['table']} ({c['bytes'] / 1e6:,.1f} MB, `{c['url']}`): {figures}."]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("db", type=Path, help="archive database (e.g. built from bench/corpus/N)")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per case (at least 2)")
    parser.add_argument("--csv-repeats", type=int, default=3, help="timed CSV streams (0: none)")
    parser.add_argument("--only", help="only the cases whose name this regular expression finds (for tuning)")
    parser.add_argument("--doc", type=Path, help="also write the markdown here, under a heading naming the file")
    args = parser.parse_args()
    if not args.db.is_file():
        parser.error(f"{args.db}: no such file")
    if args.repeats < 2 or args.csv_repeats < 0:
        parser.error("--repeats must be at least 2 and --csv-repeats at least 1")
    results = measure_queries(args.db, args.repeats, args.csv_repeats, args.only)
    print(json.dumps(results, indent=2))
    print("\n".join(markdown(results)))
    if args.doc:
        args.doc.write_text(
            "\n".join(
                [
                    f"# Queries on {args.db.name}",
                    "",
                    "Written by `python -m bench.query_bench` (see its docstring).",
                    "",
                    *markdown(results),
                    "",
                ]
            ),
            encoding="utf-8",
        )
    return 1 if results["csv"] and "error" in results["csv"] else 0


if __name__ == "__main__":
    sys.exit(main())
