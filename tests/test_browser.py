"""The site in a real browser: Playwright driving Debian's headless chromium (never
`playwright install`), with every request that leaves the machine aborted, so the maps
prove their markers render offline. The screenshots in docs/ are taken here by
`make screenshots`; other runs write them to a temporary folder.

Every test also fails if a page raises a JavaScript error or opens a dialog (an `alert`
from the hostile article's markup would).
"""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Markers on a Leaflet map: single markers count 1, markercluster icons show their count.
MARKER_TOTAL = """() => [...document.querySelectorAll('.leaflet-marker-icon')].reduce(
    (total, icon) => total + (icon.classList.contains('marker-cluster') ? parseInt(icon.textContent, 10) : 1), 0)"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert dialogs == [], "a page opened a dialog: markup from an article ran"
    assert errors == [], "JavaScript errors on the page"


def wait_for_markers(page, expected: int) -> int:
    """The number of markers on the map once it reaches `expected` (or after 15 s)."""
    try:
        page.wait_for_function(f"expected => ({MARKER_TOTAL})() === expected", arg=expected, timeout=15_000)
    except PlaywrightTimeout:
        pass
    return page.evaluate(MARKER_TOTAL)


@pytest.fixture(scope="module")
def screenshot(screenshots):
    def take(page, name: str) -> None:
        page.screenshot(path=screenshots / name)
        assert (screenshots / name).stat().st_size > 0

    return take


def test_typing_into_the_sentences_search_box_shows_the_matching_row(page, db_name, archive):
    expected = [
        r["text"]
        for r in archive.query(
            "select text from sentences where rowid in (select rowid from sentences_fts where sentences_fts match ?)",
            ['"Vostochny"'],
        )
    ]
    assert expected
    page.goto(f"/{db_name}/sentences")
    page.fill("#_search", "Vostochny")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=Vostochny**")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == len(expected)
    for i in range(rows.count()):
        assert "Vostochny" in rows.nth(i).inner_text()


def test_stemmed_search_shows_marked_snippets(page, db_name):
    page.goto(f"/{db_name}/search")
    page.fill("input[name=q]", "pertemuan")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=pertemuan**")
    marks = page.locator("table.rows-and-columns td.col-snippet mark")
    assert marks.count() > 0
    assert {text.lower() for text in marks.all_inner_texts()} >= {"bertemu"}


@pytest.mark.parametrize(
    "path, sql",
    [
        ("places", "select count(*) from places where latitude is not null and longitude is not null"),
        (
            "places_map",
            """select count(distinct p.entity_id) from places p join mentions m on m.entity_id = p.entity_id
                      where latitude is not null and longitude is not null""",
        ),
    ],
)
def test_map_shows_a_marker_for_every_place_with_coordinates(page, db_name, archive, path, sql, screenshot):
    expected = archive.execute(sql).fetchone()[0]
    assert expected
    page.goto(f"/{db_name}/{path}")
    assert wait_for_markers(page, expected) == expected
    if path == "places_map":
        page.wait_for_load_state("networkidle")  # the basemap's tiles, served locally
        screenshot(page, "map.png")


def test_map_popup_names_the_place_and_links_to_its_mentions(page, db_name, archive):
    page.goto(f"/{db_name}/places_map")
    wait_for_markers(page, 1)
    page.locator(".leaflet-marker-icon:not(.marker-cluster)").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    names = {name for (name,) in archive.execute("select name from places")}
    assert popup.locator("strong").inner_text() in names and "mention" in popup.inner_text()
    # Followed by its address, not clicked: the map may pan to show the popup and re-cluster,
    # which on a busy machine closes the popup under the click.
    link = popup.locator("a").get_attribute("href")
    assert "/entity/" in link
    page.goto(link)
    assert page.locator("h1").inner_text() in names


def test_article_page_highlights_every_mention(page, archive, screenshot):
    article_id = archive.execute(
        "select article_id from mentions group by article_id order by count(*) desc"
    ).fetchone()[0]
    mentions = archive.execute("select count(*) from mentions where article_id = ?", [article_id]).fetchone()[0]
    places = archive.execute(
        """select count(distinct p.entity_id) from places p join mentions m on m.entity_id = p.entity_id
           where m.article_id = ? and latitude is not null and longitude is not null""",
        [article_id],
    ).fetchone()[0]
    page.goto(f"/article/{article_id}")
    marks = page.locator(".article-body a.mention mark")
    assert marks.count() == mentions
    background = marks.first.evaluate("mark => getComputedStyle(mark).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    assert wait_for_markers(page, places) == places
    page.wait_for_load_state("networkidle")
    screenshot(page, "article.png")
    marks.first.click()
    page.wait_for_url("**/mentions_of?entity=*")
    assert page.locator("table.rows-and-columns tbody tr").count() > 0


def test_script_in_an_article_never_runs(page, db_name, archive, hostile):
    moscow = archive.execute("select entity_id from mentions where article_id = ? limit 1", [hostile.id]).fetchone()[0]
    surface = hostile.mentions[0].surface
    for path in [
        f"/article/{hostile.id}",
        f"/{db_name}/articles",
        f"/{db_name}/articles/{hostile.id}",
        f"/{db_name}/search?q={surface}",
        f"/{db_name}/sentences?_search=script",
        f"/{db_name}/mentions_of?entity={surface}",
        f"/entity/{moscow}",
        f"/{db_name}/places_map",
    ]:
        page.goto(path)
        page.wait_for_load_state("load")
    page.goto(f"/article/{hostile.id}")
    assert "<script>alert(1)</script>" in page.locator("h1").inner_text()
    assert "<img src=x onerror=alert(1)>" in page.locator(".article-body").inner_text()
    assert page.locator(".article-body script, .article-body img, h1 script").count() == 0
