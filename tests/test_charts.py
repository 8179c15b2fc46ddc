"""Charts (ingest/serve/charts.py, templates/_chart.html): the layout, and on each page the bars
carry the same counts as the CSV the chart links to."""

import csv
import io
import re

from ingest.serve.charts import MAX_MONTHS, bars, over_time


def test_months_are_filled_in_and_long_spans_counted_by_year():
    assert over_time({"2023-11": 2, "2024-02": 5, "(unknown)": 9, "": 1}) == [
        ("2023-11", 2),
        ("2023-12", 0),
        ("2024-01", 0),
        ("2024-02", 5),
    ]
    long = over_time({"1990-05": 1, "2023-09": 3, "2023-10": 4})
    assert len(long) == 2023 - 1990 + 1 > MAX_MONTHS / 12 and long[0] == ("1990", 1) and long[-1] == ("2023", 7)
    assert over_time({}) == [] and bars([])["bars"] == []


def test_the_tallest_bar_is_full_height_and_heights_are_proportional():
    layout = bars([("2023-09", 4), ("2023-10", 0), ("2023-11", 2)])
    heights = [bar["height"] for bar in layout["bars"]]
    assert heights[0] == 160 and heights[1] == 0 and heights[2] == 80
    assert layout["total"] == 6 and all(b["y"] + b["height"] == 160 for b in layout["bars"])


def drawn(page: str, name: str) -> dict:
    figure = re.search(rf'<figure class="chart chart-{name}".*?</figure>', page, re.S).group(0)
    counts = dict(re.findall(r'data-period="([^"]+)" data-count="(\d+)"', figure))
    csv_url = re.search(r'class="chart-data" href="([^"]+)"', figure).group(1).replace("&amp;", "&")
    return {period: int(n) for period, n in counts.items() if int(n)}, csv_url


def from_csv(site, url, column) -> dict:
    rows = csv.DictReader(io.StringIO(site.get(url).text))
    return {row["month"]: int(row[column]) for row in rows if re.match(r"^\d{4}-\d{2}$", row["month"] or "")}


def test_entity_chart_is_its_csv(site, archive):
    entity_id = archive.execute(
        "select m.entity_id from mentions m join articles a on a.id = m.article_id where a.published is not null "
        "group by m.entity_id order by count(*) desc"
    ).fetchone()[0]
    counts, url = drawn(site.get(f"/entity/{entity_id}").text, "entity-months")
    assert counts and counts == from_csv(site, url, "mentions")
    expected = archive.execute(
        "select count(*) from mentions m join articles a on a.id = m.article_id where m.entity_id = ? and a.published is not null",
        [entity_id],
    ).fetchone()[0]
    assert sum(counts.values()) == expected


def test_search_chart_is_its_csv(site):
    counts, url = drawn(site.get("/search", params={"q": "Putin"}).text, "search-months")
    assert counts and counts == from_csv(site, url, "matches")
    months = site.get("/search.json", params={"q": "Putin"}).json()["by_month"]
    assert counts == {m["month"]: m["matches"] for m in months if m["month"] != "(unknown)"}


def test_timeline_chart_is_its_csv(site, archive):
    counts, url = drawn(site.get("/timeline").text, "timeline-months")
    assert counts and counts == from_csv(site, url, "events")
    assert (
        sum(counts.values())
        == archive.execute("select count(*) from dated_mentions where date_start is not null").fetchone()[0]
    )
    narrowed, _ = drawn(site.get("/timeline", params={"entity": "Putin"}).text, "timeline-months")
    assert sum(narrowed.values()) < sum(counts.values())
