"""A partitioned archive end to end in a real browser: seeds/ (real articles) ingested by month
with `ingest --archive`, served with `serve DIR`; the search shows results from two periods and
the period filter narrows them; the map and an entity page span the periods."""

import pytest
from test_browser import browser, screenshot, wait_for_markers  # noqa: F401  (fixtures: headless chromium, screenshots)


@pytest.fixture
def page(browser, archive_server):
    base = archive_server.url
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (errors.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()
    assert errors == []


def total(page) -> int:
    return int(page.locator(".search-total .total").inner_text().replace(",", ""))


def periods_shown(page) -> set[str]:
    return {
        date[:7] if date[:4].isdigit() else "undated"
        for date in page.locator(".search-results .published").all_inner_texts()
    }


def test_results_from_two_periods_and_the_period_filter_narrows_them(page, screenshot):
    page.goto("/search")
    page.fill("input[name=q]", "Kim Jong Un")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Kim**")
    everything = total(page)
    page.goto(page.url + "&size=50")
    assert {"2024-07", "2023-09"} <= periods_shown(page)
    by_period = {
        row.locator("td").nth(0).inner_text(): int(row.locator("td").nth(1).inner_text())
        for row in page.locator("table.by-period tr").all()
    }
    assert set(by_period) == {"2024-07", "2023-09", "undated"} and sum(by_period.values()) == everything
    screenshot(page, "archive-search.png")

    page.select_option("select[name=period]", "2023-09")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**period=2023-09**")
    assert total(page) == by_period["2023-09"] < everything
    assert periods_shown(page) == {"2023-09"}
    assert page.locator("select[name=period]").input_value() == "2023-09"

    page.locator(".search-results li.result a.headline").first.click()
    page.wait_for_url("**/article/*#s*")
    assert "2023-09-05" in page.locator("body").inner_text()


def test_the_map_and_an_entity_page_span_the_periods(page, screenshot):
    page.goto("/map")
    places = int(page.locator(".map-total .total").inner_text())
    assert places > 0 and wait_for_markers(page, places) == places  # the offline basemap, no request leaves
    page.select_option("select[name=period]", "2024-07")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**period=2024-07**")
    assert 0 < int(page.locator(".map-total .total").inner_text()) < places

    page.goto("/entity/Q7747")
    assert page.locator("h1").inner_text() == "Vladimir Putin"
    titles = page.locator(".entity-mentions li").all_inner_texts()
    assert any("2024-07-27" in t for t in titles) and any("2023-09-05" in t for t in titles)
    screenshot(page, "archive-entity.png")
