"""The query benchmark's registry of cases (bench/query_context.py): every case the report
carries is registered once, in the report's order, and one case runs alone on a tiny archive."""

import pytest
from support import copy_archive

from bench import query_bench
from bench.query_context import CASES, case

REPORTED = [  # bench/results.json's case names, in the order of the report
    "search: common word",
    "search: rare name",
    "search: phrase",
    "search: stemmed form",
    "places_map",
    "places_map with q",
    "search desk: common word",
    "search feed (Atom)",
    "search desk: rare word",
    "search desk: outlet",
    "search desk: date range",
    "search desk: language",
    "search desk: entity in the sentence",
    "search desk: entity in the article",
    "search desk: filtered",
    "search desk: entity alone",
    "search desk: page 2",
    "search desk: page 50",
    "entity page, most mentioned entity",
    "entity page, median entity",
    "mentions_of, most mentioned entity",
    "timeline page",
    "timeline page for an entity",
    "home page",
    "article page (the longest article)",
    "CSV of an article's sentences",
    "articles table, faceted",
    "entities table, faceted",
    "mentions table, faceted",
    "sentences table, faceted",
    "articles table search, faceted",
    "sentences table search, faceted",
]


def test_the_registry_lists_every_case_in_the_report_order():
    assert list(CASES) == REPORTED


def test_a_name_is_registered_once():
    with pytest.raises(ValueError, match="two cases named"):
        case("home page")(lambda context: {})


@pytest.fixture
def tiny(seeds_db, tmp_path):
    """A copy of the seeds archive (five articles): serving checkpoints the file."""
    return copy_archive(seeds_db, tmp_path / "tiny.db")


def test_one_case_runs_alone_and_gives_figures(tiny):
    results = query_bench.measure_queries(tiny, repeats=2, csv_repeats=0, only="^search: rare name$")
    assert list(results["cases"]) == ["search: rare name"] and results["csv"] is None
    figures = results["cases"]["search: rare name"]
    assert figures["rows"] == 1  # "Vostochny": one sentence of the seeds
    assert all(figures[key]["p50"] > 0 for key in ("http_ms", "json_ms", "sqlite_ms"))
    assert figures["ratio_p50"] > 0
