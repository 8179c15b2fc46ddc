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

The cases are functions of one `QueryContext` (the server, sqlite3 on the same file, the
settings, the repeats), registered by name in bench/query_cases.py with `@case`
(bench/query_context.py); this module runs them, in the order of the report, and writes it.

    python -m bench.query_bench DB [--repeats 20] [--csv-repeats 3] [--only REGEX]
    python -m bench.query_bench --list
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path

import yaml
from datasette.utils import tilde_encode

from bench.fixed_queries import SEARCHES
from bench.query_cases import CSV_TABLE, DESK_SEARCHES, TABLE_SEARCHES, TABLES, csv_case
from bench.query_context import CASES, RAW_LIMIT_S, Case, QueryContext, connect_raw
from bench.serving import Server

__all__ = ["CASES", "DESK_SEARCHES", "SEARCHES", "TABLES", "TABLE_SEARCHES", "markdown", "measure_queries"]
ROOT = Path(__file__).resolve().parent.parent


def measure_queries(
    db_path: Path, repeats: int = 20, csv_repeats: int = 3, only: str | None = None, cases: dict[str, Case] = CASES
) -> dict:
    """Serve `db_path` as `newsarchive serve` does and time every case against sqlite3.

    Returns {"cases": {name: {"url", "rows", "http_ms", "json_ms", "sqlite_ms" (each
    {"p50", "p95", "p99"} in ms; http_ms is the HTML page), "ratio_p50", "ratio_p95",
    "json_ratio_p50", ...}}, "csv": {"rows", "bytes", "http_mb_s", "sqlite_mb_s", "ratio", ...},
    "server": {"datasette", "settings"}, "articles", "sentences", "repeats"}; JSON-serialisable.
    The CSV is streamed once untimed and `csv_repeats` times timed (the median is reported);
    `csv_repeats` 0 leaves it out. `only` (a regular expression) keeps the cases whose name it
    finds; `cases` is the registry (bench/query_context.py) they are taken from.
    """
    if repeats < 2:
        raise ValueError("repeats must be at least 2 for percentiles")
    chosen = {name: run for name, run in cases.items() if only is None or re.search(only, name)}
    db_path = Path(db_path).resolve()
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    described = metadata["databases"]["archive"]  # plugins/database_alias.py applies it to any file
    with tempfile.TemporaryDirectory(prefix="newsarchive-query-bench-") as work:
        server = Server(db_path, Path(work) / "datasette.log")
        raw = None
        try:
            server.start()
            names = [d["name"] for d in json.loads(server.get("/-/databases.json")[1]) if d["name"] != "_internal"]
            settings = json.loads(server.get("/-/settings.json")[1])
            versions = json.loads(server.get("/-/versions.json")[1])
            raw = connect_raw(db_path)
            context = QueryContext(server, raw, tilde_encode(names[0]), described, settings, repeats)
            results = {}
            for name, run in chosen.items():
                result = run(context)
                if result is not None:  # None: the archive has nothing for this case to ask
                    results[name] = result
            streamed = csv_case(context, CSV_TABLE, csv_repeats) if csv_repeats else None
            articles, sentences = (
                raw.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "sentences")
            )
        finally:
            if raw:
                raw.close()
            server.stop()
    return {
        "failed_requests": list(context.failed),
        "articles": articles,
        "sentences": sentences,
        "repeats": repeats,
        "cases": results,
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
    parser.add_argument("db", type=Path, nargs="?", help="archive database (e.g. built from bench/corpus/N)")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per case (at least 2)")
    parser.add_argument("--csv-repeats", type=int, default=3, help="timed CSV streams (0: none)")
    parser.add_argument("--only", help="only the cases whose name this regular expression finds (for tuning)")
    parser.add_argument("--doc", type=Path, help="also write the markdown here, under a heading naming the file")
    parser.add_argument("--list", action="store_true", help="print the cases' names and stop")
    args = parser.parse_args()
    if args.list:
        print("\n".join(CASES))
        return 0
    if args.db is None:
        parser.error("the archive database is required (or --list)")
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
