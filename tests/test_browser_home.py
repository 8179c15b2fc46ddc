"""The home and database pages in a real browser lead with what researchers use (plugins/desk.py,
templates/index.html, templates/database.html): articles, search, the map, entities, quotes,
passages, each with a line on what it holds, above Datasette's tables; the index tables are
hidden there but still answer queries."""

import pytest
from test_browser import browser, page  # noqa: F401  (fixtures: headless chromium, a watched page)

DESK = ["Articles", "Search", "Map", "Entities", "Quotes", "Passages", "Network", "Timeline"]
INDEX_TABLES = ["passage_bands", "article_bands", "passage_wordings", "passage_progress"]


@pytest.mark.parametrize("path", ["/", "/{db}"])
def test_the_desk_comes_first_in_order_with_what_each_holds(page, db_name, archive, path):
    page.goto(path.format(db=db_name))
    entries = page.locator("ul.desk > li")
    assert [entries.nth(i).locator("a").inner_text() for i in range(entries.count())] == DESK
    articles = entries.nth(0).inner_text()
    assert f"({archive['articles'].count} articles)" in articles and "outlet, date and source" in articles
    assert all(len(text.split("—", 1)[1].strip()) > 20 for text in entries.all_inner_texts())
    first_database_or_table = page.locator("h2").filter(has_text=db_name).or_(page.locator("h2#queries")).first
    assert entries.first.bounding_box()["y"] < first_database_or_table.bounding_box()["y"]


def test_every_desk_link_opens_a_page(page, db_name):
    page.goto(f"/{db_name}")
    links = page.eval_on_selector_all("ul.desk a", "links => links.map(link => link.getAttribute('href'))")
    for href in links:
        response = page.goto(href)
        assert response.status == 200, href
        assert page.locator("h1").count() == 1, href


def test_index_tables_are_hidden_but_still_queryable(page, db_name, archive):
    page.goto(f"/{db_name}")
    listed = page.eval_on_selector_all(".db-table h3 a", "links => links.map(link => link.textContent)")
    assert "articles" in listed and "sentences" in listed
    assert not set(INDEX_TABLES) & set(listed)
    page.goto("/")
    assert not set(INDEX_TABLES) & set(page.eval_on_selector_all("a", "links => links.map(link => link.textContent)"))
    for table in INDEX_TABLES:
        assert page.goto(f"/{db_name}/{table}").status == 200
        rows = page.locator("table.rows-and-columns tbody tr").count()
        assert rows == min(archive[table].count, 100), table


def test_the_basemap_database_has_no_desk(page):
    page.goto("/basemap")
    assert page.locator("ul.desk").count() == 0
