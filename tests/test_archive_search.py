"""/search across the partitions of an archive served from a directory (a real Datasette
process): the same total, counts and rows, in the same order, as the same articles in one
file; the period filter narrows them; its choice stays in every link."""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest


@pytest.fixture
async def single(make_datasette, seeds_db):
    """The same seeds in one file, served in process as `newsarchive serve --db` serves it."""

    async def get(path, **params):
        return (await make_datasette(seeds_db).client.get(path, params=params)).json()

    return get


@pytest.mark.parametrize("q", ["Putin", "pertemuan", '"Kim Jong Un"'])
async def test_counts_and_every_page_are_those_of_one_file(archive_http, single, q):
    one = await single("/search.json", q=q, size="1000")
    across = archive_http.get("/search.json", params={"q": q, "size": 1000}).json()
    assert across["total"] == one["total"] > 0
    assert across["by_outlet"] == one["by_outlet"] and across["by_month"] == one["by_month"]
    order = [(r["article_id"], r["sentence"]) for r in one["rows"]]
    assert [(r["article_id"], r["sentence"]) for r in across["rows"]] == order
    paged = []
    for page in range(1, -(-across["total"] // 4) + 1):  # pages of 4 cut across the partitions' boundaries
        rows = archive_http.get("/search.json", params={"q": q, "size": 4, "page": page}).json()["rows"]
        paged += [(r["article_id"], r["sentence"]) for r in rows]
    assert paged == order


def test_results_come_newest_first_from_every_period(archive_http):
    rows = archive_http.get("/search.json", params={"q": "Putin", "size": 100}).json()["rows"]
    periods = [r["period"] for r in rows]
    assert list(dict.fromkeys(periods)) == ["2024-07", "2023-09", "undated"]
    assert all((r["published"] or "").startswith(r["period"]) or r["period"] == "undated" for r in rows)


def test_the_period_filter_narrows_to_a_month_a_year_or_several(archive_http):
    def found(*periods):
        return archive_http.get("/search.json", params={"q": "Putin", "period": list(periods), "size": 100}).json()

    everything = found()
    by_period = {c["period"]: c["matches"] for c in everything["by_period"]}
    assert by_period == {"2024-07": 3, "2023-09": 3, "undated": 16} and sum(by_period.values()) == everything["total"]
    september = found("2023-09")
    assert september["total"] == 3 and {r["period"] for r in september["rows"]} == {"2023-09"}
    assert found("2023")["total"] == 3  # a year takes in its months
    assert found("2023-09", "2024-07")["total"] == 6
    assert found("undated")["by_month"] == [{"month": "(unknown)", "matches": 16}]
    assert found("1999")["total"] == 0
    assert found("not-a-period")["total"] == everything["total"]  # ignored, as any malformed filter is
    assert september["search"] == {"q": "Putin", "size": 100, "period": ["2023-09"]}


def test_links_keep_the_period(archive_http):
    page = archive_http.get("/search.json", params={"q": "Putin", "period": "undated", "size": 5}).json()
    assert parse_qs(urlparse(page["next"]).query)["period"] == ["undated"]
    html = archive_http.get("/search", params={"q": "Putin", "period": "undated", "size": 5}).text
    assert '<select name="period">' in html and "<option selected>undated</option>" in html
    assert "period=undated" in html.split('rel="next"')[1].split(">")[0]
    assert 'data-period="undated"' in html


def test_csv_by_period_and_rows(archive_http):
    by_period = archive_http.get("/search.csv", params={"q": "Putin", "by": "period"}).text
    assert list(csv.DictReader(io.StringIO(by_period))) == [
        {"period": "2024-07", "matches": "3"},
        {"period": "2023-09", "matches": "3"},
        {"period": "undated", "matches": "16"},
    ]
    rows = list(csv.DictReader(io.StringIO(archive_http.get("/search.csv", params={"q": "Putin"}).text)))
    assert len(rows) == 20 and rows[0]["period"] == "2024-07"


def test_ranked_by_relevance_across_partitions(archive_http):
    ranked = archive_http.get("/search.json", params={"q": "Putin", "order": "rank", "size": 10}).json()
    assert ranked["order"] == "rank" and len(ranked["rows"]) == 10
    scores = [r["score"] for r in ranked["rows"]]
    assert scores == sorted(scores) and len({r["period"] for r in ranked["rows"]}) > 1


def test_the_feed_spans_the_partitions(archive_http):
    feed = archive_http.get("/search.atom", params={"q": "Putin"})
    assert feed.status_code == 200 and feed.text.count("<entry>") == 22
    assert archive_http.get("/search.atom", params={"q": "Putin", "period": "2023-09"}).text.count("<entry>") == 3
