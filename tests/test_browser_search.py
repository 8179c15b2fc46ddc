"""The search desk in a real browser: type words, see the total and the counts, narrow by
outlet, date and an entity with the form, page on, and follow a headline to its sentence."""

from test_browser import browser, page, screenshot  # noqa: F401  (fixtures: headless chromium, a watched page, screenshots)


def total(page) -> int:
    return int(page.locator(".search-total .total").inner_text().replace(",", ""))


def counts(page, table: str) -> dict:
    return {
        row.locator("td").nth(0).inner_text(): int(row.locator("td").nth(1).inner_text())
        for row in page.locator(f"table.{table} tr").all()
    }


def test_filters_narrow_the_results_and_the_counts_add_up(page, http, screenshot):
    page.goto("/search")
    page.fill("input[name=q]", "Putin")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=Putin**")
    everything = total(page)
    expected = http.get("/search.json", params={"q": "Putin"}).json()
    assert everything == expected["total"] > 0
    by_outlet = counts(page, "by-outlet")
    assert sum(by_outlet.values()) == everything == sum(counts(page, "by-month").values())
    assert page.locator(".search-results li.result").count() == min(everything, 20)
    screenshot(page, "search.png")

    outlet = max((o for o in by_outlet if o != "(unknown)"), key=by_outlet.get)
    page.select_option("select[name=outlet]", outlet)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**outlet=**")
    assert total(page) == by_outlet[outlet] < everything
    assert set(page.locator(".search-results .outlet").all_inner_texts()) == {outlet}
    assert counts(page, "by-outlet") == {outlet: by_outlet[outlet]}

    page.select_option("select[name=outlet]", "")
    page.fill("input[name=from]", "2024-01-01")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**from=2024-01-01**")
    dates = page.locator(".search-results .published").all_inner_texts()
    assert dates and all(date >= "2024-01-01" for date in dates) and total(page) < everything


def test_an_entity_in_the_same_sentence_narrows_more_than_in_the_same_article(page):
    page.goto("/search?q=Putin&entity=Moskow")
    in_sentence = total(page)
    page.check("input[name=scope][value=article]")
    page.locator("input[type=submit]").click()
    page.wait_for_url("**scope=article**")
    assert 0 < in_sentence < total(page)


def test_paging_and_a_headline_lead_to_the_sentence(page, http):
    page.goto("/search?q=Putin&size=5")
    first = page.locator(".search-results li.result").all_inner_texts()
    page.locator("a[rel=next]").click()
    page.wait_for_url("**page=2**")
    second = page.locator(".search-results li.result").all_inner_texts()
    assert second and not set(first) & set(second)
    snippet = page.locator(".search-results li.result .snippet").first.inner_text()
    page.locator(".search-results li.result a.headline").first.click()
    page.wait_for_url("**/article/*#s*")
    assert page.locator(".article-body .sentence:target").inner_text() == snippet
