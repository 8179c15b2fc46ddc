"""/entity/<id or key> across the partitions of an archive served from a directory (a real
Datasette process): one page for an entity mentioned in several periods, with the counts,
co-mentions and months of the same articles in one file, and its mentions from every period."""

import re

import pytest

from ingest.store.articles import entity_id

PUTIN = "Q7747"


@pytest.fixture
async def single_page(make_datasette, seeds_db):
    async def get(path):
        return (await make_datasette(seeds_db).client.get(path)).text

    return get


def test_an_entity_in_three_periods_has_one_page(archive_http):
    found = archive_http.get(f"/entity/{PUTIN}.json").json()
    assert found["entity"]["id"] == entity_id(PUTIN) and found["entity"]["name"] == "Vladimir Putin"
    assert {p["period"] for p in found["by_period"]} == {"2024-07", "2023-09", "undated"}
    assert found["counts"]["mentions"] == sum(p["mentions"] for p in found["by_period"])
    assert set(found["months"]) == {"2024-07", "2023-09"}
    by_id = archive_http.get(f"/entity/{entity_id(PUTIN)}.json").json()
    assert by_id == found
    assert archive_http.get("/entity/Q0000000").status_code == 404


def counts_of(html: str) -> tuple[str, str]:
    return re.search(r'class="mention-count">(\d+)</strong> mentions?\s+in (\d+) article', html).groups()


def co_mentions(html: str) -> list[str]:
    table = html.split('class="rows-and-columns co-mentions"')[1].split("</table>")[0]
    return re.findall(r"<tr><td><a [^>]+>([^<]+)</a></td><td>\w+</td><td>(\d+)</td>", table)


async def test_the_page_counts_what_one_file_counts(archive_http, single_page):
    across = archive_http.get(f"/entity/{PUTIN}").text
    one = await single_page(f"/entity/{PUTIN}")
    assert counts_of(across) == counts_of(one)
    assert co_mentions(across) == co_mentions(one)
    mentions = re.findall(r'href="/article/([0-9a-f]+)#s\d+"', across.split('class="entity-mentions"')[1])
    assert mentions == re.findall(r'href="/article/([0-9a-f]+)#s\d+"', one.split('class="entity-mentions"')[1])
    assert len(set(mentions)) == 5  # every period's articles


def test_links_lead_to_pages_that_span_the_partitions(archive_http):
    html = archive_http.get(f"/entity/{PUTIN}").text
    other = re.search(r'<tr><td><a href="(/entity/\d+)">', html)[1]
    assert archive_http.get(other).status_code == 200
    article = re.search(r'href="(/article/[0-9a-f]+)#s\d+"', html)[1]
    assert archive_http.get(article).status_code == 200
    data = re.search(r'href="(/(?:2024-07|2023-09|undated)/mentions_of\?entity=\d+)"', html)[1]
    assert archive_http.get(data).status_code == 200
