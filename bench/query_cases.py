"""The query benchmark's cases: each page of the archive beside the SQL behind it.

Every case is registered with `@case` (bench/query_context.py) under the name its figures
carry in bench/results.json, in the order of the report: the `search` canned query, the map's
`places_map`, the research desk's pages, then the faceted table pages. What each case
measures, and how it is checked before it is timed, is in bench/query_bench.py's docstring.
The CSV stream of a whole table (`csv_case`) is reported apart, in MB/s.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import html
import http.client
import json
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from urllib.parse import urlencode

from datasette.utils import tilde_encode

from bench.fixed_queries import MAP_QUERY, SEARCHES
from bench.query_context import QueryContext, case, load_plugin
from bench.serving import percentiles
from ingest.serve import article as article_sql
from ingest.serve import search as desk_search
from ingest.serve.desk import PAGES
from ingest.serve.entity import gather

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

Run = Callable[[], list]  # the SQL behind a page in sqlite3, every row fetched; its first result: the page's rows


def summary(html_times, json_times, direct, **extra) -> dict:
    """Percentiles of the HTML, data-form (None: not timed) and sqlite3 times, and their ratios."""
    http_ms = percentiles(html_times)
    json_ms = percentiles(json_times) if json_times else None
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


def plain(message: str) -> str:
    """Datasette's error message as one line of text: its first sentence, without the HTML
    (a time-limit error carries the whole SQL in a textarea)."""
    message = re.sub(r"<(textarea|script)\b.*?</\1>", " ", message, flags=re.S | re.I)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", message)).split())
    return text.split(". ")[0].rstrip(".")


def refused(url: str, status: int, body: bytes, once_ms: float | None = None) -> dict:
    """The case's figures when the server answered with an error: the error, and the time
    the same SQL took once in sqlite3."""
    try:
        message = json.loads(body).get("error") or body[:200].decode(errors="replace")
    except ValueError:
        message = body[:300].decode(errors="replace")
    return {"url": url, "error": f"HTTP {status}: {plain(message)}", "sqlite_once_ms": once_ms}


def error_case(url: str, status: int, body: bytes, once_ms: float | None = None) -> dict:
    """A page that answered with an error: a finding (reported as the case's "error") when the
    server gave up on it (400: the SQL time limit; 5xx), the end of the run otherwise (a 404 is
    a benchmark asking for the wrong thing)."""
    if status not in (400,) and status < 500:
        raise RuntimeError(f"GET {url} answered HTTP {status}: {body[:300]!r}")
    return refused(url, status, body, once_ms)


def canned(context: QueryContext, query: str, params: dict, max_rows: int | None = None) -> dict:
    """A canned query. One that Datasette refuses (e.g. cut off at `sql_time_limit_ms`) is a
    finding, not a failure of the benchmark: it is reported as the case's "error", with the
    time the same SQL takes in sqlite3 once. `max_rows`: the query's own cap, if not
    Datasette's `max_returned_rows`."""
    raw, sql = context.raw, context.queries[query]["sql"]
    max_rows = max_rows or context.max_rows
    expected, once_ms = context.bounded(lambda: raw.execute(sql, params).fetchall())
    url = f"/{context.database}/{query}?{urlencode(params)}"
    json_url = f"/{context.database}/{query}.json?{urlencode(params)}"
    status, body = context.server.get(json_url)
    if status != 200:
        return refused(url, status, body, once_ms)
    page = json.loads(body)
    if expected is not None and len(page["rows"]) != min(len(expected), max_rows):
        raise RuntimeError(f"{query} {params}: Datasette returned {len(page['rows'])} rows, sqlite3 {len(expected)}")
    html_times = context.time_http(url)
    json_times = context.time_http(json_url)
    direct = context.time_sqlite(lambda: raw.execute(sql, params).fetchall()) if expected is not None else None
    shown: dict = {"rows": len(page["rows"])}
    if page["truncated"]:
        shown |= {"truncated": True} | ({"total": len(expected)} if expected is not None else {})
    return summary(html_times, json_times, direct, **shown, url=url)


for label, words in SEARCHES.items():
    case(f"search: {label}", query="search", params={"q": words})(canned)
case("places_map", query="places_map", params={"q": ""})(canned)
case("places_map with q", query="places_map", params={"q": MAP_QUERY})(canned)


def page_case(
    context: QueryContext,
    html_path: str,
    json_path: str | None,
    run: Run,
    rows: Callable[[bytes], int] | None = None,
    error: Callable[[bytes], str | None] | None = None,
) -> dict:
    """A plugin page: HTML and its data form (JSON, CSV or Atom; None for a page without one)
    over HTTP against `run()` in sqlite3 (the SQL the page runs, every row fetched; its first
    result is the page's rows). `rows(body)`, if given, counts the rows the data form holds;
    it must equal the first result's. `error(body)`, if given, is the error a page answered
    with HTTP 200 (the search desk's "took too long"), reported instead of figures."""
    server = context.server
    result, once_ms = context.bounded(run)
    first = result[0] if result is not None else None
    for path in [p for p in (html_path, json_path) if p]:
        status, body = server.get(path)
        if status != 200:
            return error_case(html_path, status, body, once_ms)
        if error and path == json_path and error(body):
            return {"url": html_path, "error": error(body), "sqlite_once_ms": once_ms}
    shown = len(first) if first is not None else None
    if rows is not None and json_path is not None:
        shown = rows(server.get(json_path)[1])
        if first is None:
            pass  # sqlite3 took too long to compare with
        elif shown == 0 and first:  # a page that gave up quietly (the feed's search at the time limit)
            return {"url": html_path, "error": f"no rows (sqlite3: {len(first)}): cut off", "sqlite_once_ms": once_ms}
        if first is not None and shown != len(first):
            raise RuntimeError(f"{json_path}: {shown} rows, sqlite3 {len(first)}")
    html_times = context.time_http(html_path)
    data = context.time_http(json_path) if json_path else None
    direct = context.time_sqlite(run) if first is not None else None
    return summary(html_times, data, direct, rows=shown, url=html_path, sqlite_once_ms=once_ms)


def statements_run(raw: sqlite3.Connection, statements) -> Run:
    """`run` for page_case: every (sql, params) statement, all rows fetched."""
    return lambda: [raw.execute(sql, params).fetchall() for sql, params in statements]


def rows_of(raw: sqlite3.Connection):
    """An awaitable `execute(sql, params)` over sqlite3 giving rows by name, as Datasette's does."""

    async def execute(sql, values):
        cursor = raw.cursor()
        cursor.row_factory = sqlite3.Row
        return cursor.execute(sql, values).fetchall()

    return execute


def search_run(raw: sqlite3.Connection, params: dict) -> Run:
    """`run` for a search desk page: ingest/serve/search.py's `run`, its statements in sqlite3."""
    search = desk_search.Search.from_args(params)

    def run():
        found = asyncio.run(desk_search.run(rows_of(raw), search))
        return [found["rows"], found]

    return run


def desk_params(context: QueryContext, params: dict) -> dict | None:
    """The search's parameters, with the busiest outlet filled in where one is asked for
    (None: the archive names no outlet)."""
    if "outlet" not in params:
        return params
    outlet = context.busiest_outlet
    return {**params, "outlet": outlet} if outlet is not None else None


def desk_page(context: QueryContext, params: dict) -> dict | None:
    """The search desk's page and its JSON against the desk's own statements in sqlite3."""
    filled = desk_params(context, params)
    if filled is None:
        return None
    query = urlencode(filled)
    return page_case(
        context,
        f"/search?{query}",
        f"/search.json?{query}",
        search_run(context.raw, filled),
        rows=lambda body: len(json.loads(body)["rows"]),
        error=lambda body: json.loads(body).get("error"),
    )


def desk_feed(context: QueryContext, params: dict) -> dict:
    """The search's Atom feed (its first 50 entries, the feed's size)."""
    query = urlencode(params)
    return page_case(
        context,
        f"/search.atom?{query}",
        f"/search.atom?{query}",
        search_run(context.raw, {**params, "size": "50"}),
        rows=lambda body: body.count(b"<entry>"),
    )


for label, params in DESK_SEARCHES.items():
    case(f"search desk: {label}", params=params)(desk_page)
    if label == "common word":
        case("search feed (Atom)", params=params)(desk_feed)


def entity_run(context: QueryContext, entity: int) -> Run:
    """What the entity page runs: its chart's canned query and `gather` (ingest/serve/entity.py) (its
    counts and lists)."""
    raw = context.raw
    months = (context.queries["entity_months"]["sql"], {"entity": str(entity)})

    def run():
        found = asyncio.run(gather(rows_of(raw), entity))
        return [raw.execute(*months).fetchall(), found]

    return run


def entity_page(context: QueryContext, rank: float) -> dict:
    """An entity's page (its chart's JSON as the data form); `rank` places it among the
    entities ordered by mentions: 0 the most mentioned, 0.5 the median."""
    ranked = context.entities_by_mentions
    entity = ranked[int(len(ranked) * rank)]
    return page_case(
        context,
        f"/entity/{entity}",
        f"/{context.database}/entity_months.json?entity={entity}&_shape=array",
        entity_run(context, entity),
        rows=lambda body: len(json.loads(body)),
    )


case("entity page, most mentioned entity", rank=0)(entity_page)
case("entity page, median entity", rank=0.5)(entity_page)


@case("mentions_of, most mentioned entity")
def mentions_of(context: QueryContext) -> dict:
    """The `mentions_of` canned query for the most mentioned entity (capped at 2,000 rows)."""
    return canned(context, "mentions_of", {"entity": str(context.entities_by_mentions[0])}, 2000)


def timeline_page(context: QueryContext, entity: str) -> dict:
    """/timeline, for every entity or one, against its months' and its first rows' SQL."""
    queries = context.queries
    return page_case(
        context,
        f"/timeline?entity={entity}",
        f"/{context.database}/timeline_months.json?entity={entity}&_shape=array",
        statements_run(
            context.raw,
            [
                (queries["timeline_months"]["sql"], {"entity": entity}),
                (f"select * from ({queries['timeline']['sql']}) limit 100", {"entity": entity}),
            ],
        ),
        rows=lambda body: len(json.loads(body)),
    )


case("timeline page", entity="")(timeline_page)
case("timeline page for an entity", entity="Putin")(timeline_page)


@case("home page")
def home_page(context: QueryContext) -> dict:
    """The home page's counts: one per counted table."""
    counts = [f"select count(*) from [{table}]" for *_, table in PAGES if table]
    return page_case(
        context, "/", f"/{context.database}.json", statements_run(context.raw, [(sql, {}) for sql in counts])
    )


@case("article page (the longest article)")
def article_page(context: QueryContext) -> dict:
    article = context.longest_article
    statements = [
        "select * from articles where id = ?",
        article_sql.MENTIONS_SQL,
        article_sql.PLACES_SQL,
        article_sql.SHARED_SQL,
        article_sql.QUOTES_SQL,
        article_sql.SENTENCES_SQL,
        article_sql.FURNITURE_SQL,
    ]
    return page_case(
        context, f"/article/{article}", None, statements_run(context.raw, [(sql, [article]) for sql in statements])
    )


@case("CSV of an article's sentences")
def article_sentences_csv(context: QueryContext) -> dict:
    article = context.longest_article
    return page_case(
        context,
        f"/{context.database}/sentences.csv?article_id={article}&_size=max",
        None,
        statements_run(context.raw, [("select * from sentences where article_id = ? order by id", [article])]),
    )


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


def facet_statement(raw_facet, source: str, params: dict, limit: int, filtered: bool):
    """The SQL a configured facet runs: Datasette's column facet over the filtered rows, or for
    a `kept` facet on an unfiltered table its kept counts (plugins/kept_facets.py)."""
    if isinstance(raw_facet, dict) and "kept" in raw_facet and not filtered:
        return load_plugin("kept_facets").kept_sql(raw_facet["kept"], limit), {}
    (column,) = facet_names([raw_facet])
    return FACET_SQL.format(col=f"[{column}]", sql=source, limit=limit), params


def table_page(context: QueryContext, table: str, query: dict | None = None) -> dict:
    """A table page with its configured facets, optionally with a query string (`_search=`).
    The sqlite3 side runs the page query Datasette reports, the count and each facet's query."""
    raw, facets, page_size, facet_size = context.raw, context.facets(table), context.page_size, context.facet_size
    suffix = f"?{urlencode(query)}" if query else ""
    html_path = f"/{context.database}/{tilde_encode(table)}{suffix}"
    json_path = f"/{context.database}/{tilde_encode(table)}.json{suffix}"
    status, body = context.server.get(json_path)
    if status != 200:
        return error_case(html_path, status, body)
    page = json.loads(body)
    sql, params = page["query"]["sql"], page["query"]["params"]  # the page query Datasette ran
    source = re.split(r"\sorder by\s", sql, flags=re.I)[0] if query else f"select * from [{table}]"
    names = facet_names(facets)
    statements = [(sql, params), (f"select count(*) from ({source})", params)] + [
        facet_statement(facet, source, params, facet_size + 1, bool(query)) for facet in facets
    ]

    def run():
        return [raw.execute(statement, values).fetchall() for statement, values in statements]

    result, once_ms = context.bounded(run)
    if result is None:
        return summary(
            context.time_http(html_path),
            context.time_http(json_path),
            None,
            rows=len(page["rows"]),
            count_shown=page["filtered_table_rows_count"] is not None,
            facets=names,
            facets_timed_out=[name for name in names if name not in page["facet_results"]],
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
    return summary(
        context.time_http(html_path),
        context.time_http(json_path),
        context.time_sqlite(run),
        rows=shown,
        total=total,
        count_shown=counted_total is not None,
        facets=names,
        facets_timed_out=timed_out,
        suggested_facets=len(page["suggested_facets"]),
        url=html_path,
        sqlite_once_ms=once_ms,
    )


for table in TABLES:
    case(f"{table} table, faceted", table=table)(table_page)
for table, word in TABLE_SEARCHES.items():
    case(f"{table} table search, faceted", table=table, query={"_search": word})(table_page)


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


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def csv_case(context: QueryContext, table: str, repeats: int) -> dict:
    """Seconds to stream the whole table as CSV over HTTP, and to write it with the csv module,
    `repeats` times each (the median is reported).

    Datasette ends a CSV longer than `max_csv_mb` MiB with "CSV contains more than N bytes"
    (still HTTP 200); that is reported as the case's "error", without figures."""
    raw = context.raw
    columns = [row[1] for row in raw.execute(f"pragma table_info([{table}])")]
    path = f"/{context.database}/{tilde_encode(table)}.csv?_stream=on&_size=max"
    rows = raw.execute(f"select count(*) from [{table}]").fetchone()[0]

    def over_http(check: bool = False) -> Sink:
        sink = Sink(check)
        connection = http.client.HTTPConnection("127.0.0.1", context.server.port, timeout=600)
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
    assert served.hash is not None and written.hash is not None
    if (served.bytes, served.hash.digest()) != (written.bytes, written.hash.digest()):
        if b"CSV contains more than" not in served.tail:
            raise RuntimeError(f"{path}: {served.bytes} bytes, not the {written.bytes} bytes sqlite3 + csv write")
        return {
            "table": table,
            "url": path,
            "rows": rows,
            "bytes": written.bytes,
            "bytes_served": served.bytes,
            "error": f"Datasette stops the stream at max_csv_mb = {context.settings['max_csv_mb']} MiB "
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
