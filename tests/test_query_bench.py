"""bench/query_bench.py against a real server on the seeds archive: every case answers, with
the rows the same SQL gives in sqlite3. No timing assertions: only that timings were taken."""

import functools
import sqlite3
from pathlib import Path

import pytest
from support import copy_archive

from bench import query_bench, query_cases


@pytest.fixture
def db(seeds_db, tmp_path) -> Path:
    """A copy of the seeds archive: serving checkpoints the file, and the session's copy is shared."""
    return copy_archive(seeds_db, tmp_path / "archive.db")


@pytest.mark.slow  # a server process, the benchmark's queries
def test_every_case_answers_with_the_raw_rows(db):
    results = query_bench.measure_queries(db, repeats=3, csv_repeats=1)
    with sqlite3.connect(db) as c:
        sentences = c.execute("select count(*) from sentences").fetchone()[0]
        totals = {t: c.execute(f"select count(*) from {t}").fetchone()[0] for t in query_bench.TABLES}

    names = set(results["cases"])
    assert {f"search: {label}" for label in query_bench.SEARCHES} <= names
    assert {"places_map", "places_map with q"} <= names
    desk = {f"search desk: {label}" for label in query_bench.DESK_SEARCHES}
    pages = {"search feed (Atom)", "entity page, most mentioned entity", "timeline page", "home page"}
    assert desk | pages | {"article page (the longest article)", "CSV of an article's sentences"} <= names
    assert {f"{table} table search, faceted" for table in query_bench.TABLE_SEARCHES} <= names
    empty = {"search desk: date range", "search desk: page 50", "entity page, median entity"}  # none in the seeds
    for name, case in results["cases"].items():
        assert "error" not in case, (name, case)
        assert case["url"].startswith("/"), name
        assert case["rows"] > 0 or name in empty, name  # every other fixed query finds something in the seeds
        for key in ("http_ms", "json_ms", "sqlite_ms"):
            if case[key] is None:
                assert key == "json_ms", name  # a page without a data form
                continue
            assert set(case[key]) == {"p50", "p95", "p99"}
            assert all(value > 0 for value in case[key].values()), (name, key)
        assert case["ratio_p50"] > 0 and case["ratio_p95"] > 0
    for table in query_bench.TABLES:
        case = results["cases"][f"{table} table, faceted"]
        assert case["total"] == totals[table]
        assert case["rows"] == min(totals[table], results["server"]["settings"]["default_page_size"])
        assert case["facets_timed_out"] == []
    # The places_map case without q lists every place with coordinates and a mention.
    with sqlite3.connect(db) as c:
        places = c.execute(
            "select count(distinct p.entity_id) from places p join mentions m "
            "on m.entity_id = p.entity_id where p.latitude is not null "
            "and p.longitude is not null"
        ).fetchone()[0]
    assert results["cases"]["places_map"]["rows"] == places

    streamed = results["csv"]
    assert streamed["rows"] == sentences
    assert streamed["bytes"] > 0 and streamed["http_mb_s"] > 0 and streamed["sqlite_mb_s"] > 0

    lines = query_bench.markdown(results)
    assert len([line for line in lines if line.startswith("| ")]) == 1 + len(results["cases"])
    assert any("MB/s" in line for line in lines)


@pytest.mark.slow  # a server process, the benchmark's queries
def test_an_error_page_stops_the_benchmark(db):
    missing = {"no_such_table table, faceted": functools.partial(query_cases.table_page, table="no_such_table")}
    with pytest.raises(RuntimeError, match="HTTP 404"):
        query_bench.measure_queries(db, repeats=2, csv_repeats=1, cases=missing)


def test_markdown_says_when_the_csv_was_cut_off():
    ms = {"p50": 1.0, "p95": 2.0, "p99": 3.0}
    results = {
        "articles": 9000,
        "sentences": 300000,
        "repeats": 20,
        "server": {"datasette": "0.65.5", "sqlite": "3.40.1"},
        "cases": {
            "places_map": {
                "rows": 2000,
                "total": 2500,
                "truncated": True,
                "http_ms": ms,
                "json_ms": ms,
                "sqlite_ms": ms,
                "ratio_p50": 1.0,
                "ratio_p95": 1.0,
                "json_ratio_p50": 1.0,
            }
        },
        "csv": {
            "table": "sentences",
            "url": "/archive/sentences.csv",
            "rows": 300000,
            "bytes": 110_000_000,
            "bytes_served": 104_857_700,
            "error": "Datasette stops the stream at max_csv_mb = 100 MiB",
        },
    }
    text = "\n".join(query_bench.markdown(results))
    assert "| places_map |  | 2,000 of 2,500 (truncated) |" in text
    assert "**Datasette stops the stream at max_csv_mb = 100 MiB**" in text


def test_markdown_shows_a_refused_canned_query_beside_its_sqlite3_time():
    """A canned query Datasette refuses (e.g. "SQL Interrupted" at the time limit) is a row of
    its own, not the end of the run."""
    case = {"url": "/archive/places_map?q=", "error": "HTTP 400: SQL Interrupted", "sqlite_once_ms": 4210.5}
    text = "\n".join(
        query_bench.markdown(
            {
                "articles": 5,
                "sentences": 70,
                "repeats": 2,
                "server": {"datasette": "0.65.5", "sqlite": "3.40.1"},
                "cases": {"places_map": case},
                "csv": {"table": "sentences", "url": "/x.csv", "rows": 70, "bytes": 1000, "error": "not measured"},
            }
        )
    )
    assert "| places_map | `/archive/places_map?q=` | – | **HTTP 400: SQL Interrupted** | | once: 4210.5 | | |" in text
