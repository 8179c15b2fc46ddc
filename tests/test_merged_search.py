"""ingest/serve/search_desk.py's `find` over the partitions of the seeds archive, with caps small enough
that each partition's search is bounded (counts of a sample, totals as bounds): every page
still lists the sentences of one file's search in the same order, and the total and counts
say what they are, never more than the whole."""

import asyncio

import pytest
from support import site_sql

from ingest.serve import search_desk
from ingest.serve.archive import Partition, ordered
from ingest.serve.search import Search

SEARCHES = [
    {"q": "Putin"},
    {"q": "pertemuan"},
    {"q": "Putin", "language": "id"},
    {"q": "Putin", "entity": "Moskow"},
    {"entity": "Moskow"},
    {"entity": "Moskow", "scope": "article"},
]


class Connection:
    """A partition's database as search_desk.py expects one: `await execute(sql, params)`."""

    def __init__(self, path):
        self.connection = site_sql(path)

    async def execute(self, sql, params=None, **options):
        return self.connection.execute(sql, params or {}).fetchall()


@pytest.fixture(scope="module")
def partitions(seeds_archive):
    return ordered([Partition(path.stem, Connection(path)) for path in seeds_archive.glob("*.db")])


@pytest.fixture(scope="module")
def one_file(seeds_db):
    return [Partition("all", Connection(seeds_db))]


def searched(partitions, search, **options):
    return asyncio.run(search_desk.find(partitions, search, **options))


@pytest.mark.parametrize("args", SEARCHES, ids=lambda a: "&".join(f"{k}={v}" for k, v in a.items()))
@pytest.mark.parametrize("cap", [1, 3])
def test_bounded_partitions_page_as_one_file_and_say_what_their_counts_are(partitions, one_file, args, cap):
    whole = searched(one_file, Search.from_args({**args, "size": "1000"}))
    order = [(r["article_id"], r["sentence"]) for r in whole["rows"]]
    assert whole["total_is"] == "exact" and whole["total"] == len(order) > 0
    paged, page = [], 1
    while True:
        found = searched(partitions, Search.from_args({**args, "size": "3", "page": str(page)}), cap=cap)
        if not found["rows"]:
            break
        paged += [(r["article_id"], r["sentence"]) for r in found["rows"]]
        page += 1
        if found["total_is"] == "exact":
            assert found["total"] == whole["total"]
        else:
            assert (
                found["total"] < whole["total"]
                if found["total_is"] == "more than"
                else found["total"] <= whole["total"]
            )
        if found["counted_among"] is None:
            assert found["by_outlet"] == whole["by_outlet"]
        else:
            assert found["counted_among"].endswith("in each period that has more")
            counts = {c["outlet"]: c["matches"] for c in whole["by_outlet"]}
            assert all(c["matches"] <= counts[c["outlet"]] for c in found["by_outlet"])
    assert paged == order


def test_a_sampled_period_says_so_and_the_others_stay_exact(partitions):
    found = searched(partitions, Search(q="Putin", language="id"), cap=3)
    kinds = {p["period"]: p["matches_is"] for p in found["by_period"]}
    assert "at least" in kinds.values() and found["total_is"] == "at least"
    exact = searched(partitions, Search(q="Putin", language="id"))
    assert found["rows"] == exact["rows"]
    assert all(p["matches_is"] == "exact" for p in exact["by_period"])
    for bounded, counted in zip(found["by_period"], exact["by_period"]):
        assert bounded["period"] == counted["period"] and bounded["matches"] <= counted["matches"]
