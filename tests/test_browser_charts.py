"""Charts in a real browser: the entity page's mentions per month, a search's matches per month
and the timeline's events per month are drawn as SVG bars (no script, nothing from elsewhere),
with the right counts, and each chart's data is one click away as CSV."""

import csv
import io

import pytest
from test_browser import browser, page, screenshot  # noqa: F401  (fixtures: headless chromium, a watched page, screenshots)


def entity_with_dates(archive):
    return archive.execute(
        "select m.entity_id from mentions m join articles a on a.id = m.article_id where a.published is not null "
        "group by m.entity_id order by count(*) desc"
    ).fetchone()[0]


def expected_counts(archive, name):
    if name == "entity-months":
        sql = """select substr(a.published, 1, 7), count(*) from mentions m join articles a on a.id = m.article_id
                 where m.entity_id = ? and a.published is not null group by 1"""
        return dict(archive.execute(sql, [entity_with_dates(archive)]).fetchall())
    if name == "timeline-months":
        sql = "select substr(date_start, 1, 7), count(*) from dated_mentions where date_start is not null group by 1"
        return dict(archive.execute(sql).fetchall())
    return None


@pytest.mark.parametrize(
    "name, path",
    [("entity-months", "/entity/{e}"), ("search-months", "/search?q=Putin"), ("timeline-months", "/timeline")],
)
def test_chart_bars_carry_the_counts_and_link_their_csv(page, archive, http, name, path, screenshot):
    page.goto(path.format(e=entity_with_dates(archive)))
    bars = page.locator(f"figure.chart-{name} svg rect.bar")
    assert bars.count() > 0
    drawn = {
        bars.nth(i).get_attribute("data-period"): int(bars.nth(i).get_attribute("data-count"))
        for i in range(bars.count())
    }
    shown = {period: n for period, n in drawn.items() if n}
    expected = expected_counts(archive, name)
    if expected is None:  # the search: its own JSON counts the whole match set
        months = http.get("/search.json", params={"q": "Putin"}).json()["by_month"]
        expected = {m["month"]: m["matches"] for m in months if m["month"] != "(unknown)"}
    assert shown == expected
    tallest = max(drawn, key=drawn.get)
    box = page.locator(f'figure.chart-{name} rect.bar[data-period="{tallest}"]').bounding_box()
    assert box["height"] > 50  # drawn, and visibly
    assert page.locator(f'figure.chart-{name} rect.bar[data-period="{tallest}"] title').text_content() == (
        f"{tallest}: {drawn[tallest]}"
    )
    link = page.locator(f"figure.chart-{name} a.chart-data")
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text())))
    column = [c for c in rows[0] if c not in ("month", "articles")][0]
    assert {r["month"]: int(r[column]) for r in rows if r["month"] in shown} == shown
    if name == "timeline-months":
        screenshot(page, "timeline.png")
