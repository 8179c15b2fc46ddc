"""ingest/serve/search.py's `run` on the served test archive: whichever plan it picks (driven by the
words, the entity, the filtered articles or a scan of the articles newest first), a page lists
the same sentences in the same order as the plain query, and when the match set is larger
than the cap the total and the counts say what they are (exact, "more than", "at least",
counted among which sentences)."""

import asyncio

import pytest

from ingest.serve.search import Search, run, tally

SEARCHES = [
    {"q": "Putin"},
    {"q": "Putin", "outlet": "(unknown)"},
    {"q": "Putin", "from": "2023-09-01", "to": "2024-12"},
    {"q": "Putin", "language": "id"},
    {"q": "Putin", "entity": "Moskow"},
    {"q": "Putin", "entity": "Moskow", "scope": "article"},
    {"q": "Korea Utara", "entity": "Q7747", "scope": "article", "from": "2023"},
    {"entity": "Moskow"},
    {"entity": "Moskow", "scope": "article"},
    {"q": "pertemuan"},
    {"q": "xyzzy"},
]


def searched(archive_sql, search, **options):
    async def execute(sql, params):
        return archive_sql.execute(sql, params).fetchall()

    return asyncio.run(run(execute, search, **options))


def plainly(archive_sql, search):
    """Every match in order, and the counts, by the default plan (exact, whatever it costs)."""
    everything = Search.from_args({**search.params(), "size": "1000", "page": "1"})
    rows = [r["sentence_id"] for r in archive_sql.execute(*everything.page_sql()).fetchall()]
    return rows, tally(archive_sql.execute(*search.counts_sql()).fetchall())


@pytest.mark.parametrize("args", SEARCHES, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
@pytest.mark.parametrize("cap", [10_000, 3])
def test_every_plan_lists_the_same_page_and_says_what_its_counts_are(archive_sql, args, cap):
    for page in (1, 2):
        search = Search.from_args({**args, "size": "4", "page": str(page)})
        order, counts = plainly(archive_sql, search)
        found = searched(archive_sql, search, cap=cap)
        assert [r["sentence_id"] for r in found["rows"]] == order[(page - 1) * 4 : page * 4], found["plan"]
        if found["total_is"] == "exact":
            assert found["total"] == counts["total"] == len(order)
        elif found["total_is"] == "more than":
            assert len(order) > found["total"] == cap
        else:
            assert found["total_is"] == "at least" and len(order) >= found["total"] >= len(found["rows"])
        if found["counted_among"] is None:
            assert (found["by_outlet"], found["by_month"]) == (counts["by_outlet"], counts["by_month"])
        else:  # a sample: never more than the whole
            assert cap < 10_000 and found["plan"] == "scan"
            whole = {c["outlet"]: c["matches"] for c in counts["by_outlet"]}
            assert all(c["matches"] <= whole[c["outlet"]] for c in found["by_outlet"])


def test_a_small_match_set_is_counted_exactly_and_a_large_one_says_it_is_sampled(archive_sql):
    exact = searched(archive_sql, Search(q="Putin"))
    assert exact["total_is"] == "exact" and exact["counted_among"] is None and exact["plan"] == "words"
    sampled = searched(archive_sql, Search(q="Putin"), cap=3)
    assert sampled["plan"] == "scan" and sampled["total"] == exact["total"]  # the words alone: FTS counts them
    assert sampled["counted_among"] == "the 3 most recently added sentences containing the words"
    assert sum(c["matches"] for c in sampled["by_month"]) == 3
    uncounted = searched(archive_sql, Search(q="Putin"), cap=3, count=lambda sql, params: _none())
    assert (uncounted["total_is"], uncounted["total"]) == ("more than", 3)
    narrowed = searched(archive_sql, Search(q="Putin", language="id"), cap=3)
    assert narrowed["total_is"] == "at least"


async def _none():
    return None


def test_the_search_page_says_when_counts_are_sampled(http):
    page = http.get("/search", params={"q": "Putin"}).text
    assert 'class="counted-among"' not in page and 'class="total-is"' not in page


@pytest.mark.parametrize("args", SEARCHES, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
def test_every_driver_finds_the_same_matches(archive_sql, args):
    search = Search.from_args(args)
    drivers = ["articles", "scan"] + (["words"] if search.q else []) + (["entity"] if search.entity else [])
    expected = {r[0] for r in archive_sql.execute(f"{search.sql()[0]} select id from hits", search.sql()[1])}
    for driver in drivers:
        for few in (False, True):
            cte, params = search.sql(driver, few=few)
            assert {r[0] for r in archive_sql.execute(f"{cte} select id from hits", params)} == expected, (driver, few)
