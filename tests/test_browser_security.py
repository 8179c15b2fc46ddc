"""No page runs script injected through an article (issue 6), in a real browser.

The served archive is the test archive (seeds plus conftest's hostile article) plus more
hostile rows: markup and `javascript:` in the outlet, title and URL, a person and a place
whose names are markup (the place has coordinates, so it gets a map marker and popup), and
sentences quoting all of it. Every page a researcher reaches (tables, rows, canned queries,
the search desk, article page, entity pages, both maps and their popups) is opened; the test fails on
any dialog (every payload calls alert), any JavaScript error, any console error other than
the aborted requests for map tiles, any element the payloads would create, and any
`javascript:` link.
"""

import sys
from urllib.parse import quote

import pytest
from support import MOSCOW, article_from_sentences, copy_with_article, free_port, start_server, stop_server
from test_browser import browser, wait_for_markers  # noqa: F401  (fixture: headless chromium)

from ingest.models import Entity, Place
from ingest.serve.app import datasette_args

WORD = "zebrakuda"  # a word only the hostile sentences hold, to filter the map to them
PERSON = Entity("person:hostile", "<img src=x onerror=alert('person')>", "person")
PLACE = Entity(
    "geonames:hostile",
    "\"'><script>alert('place')</script><svg onload=alert('place2')>",
    "place",
    None,
    Place(-45.0, -120.0, "XX", "city"),
)
ARTICLE_ID = "hostile-entities"
PAYLOAD_ELEMENTS = "img[src=x], svg[onload], iframe, [onerror], [onload]"
# Executable <script> elements (not JSON data blocks) holding a payload.
INJECTED_SCRIPTS = """() => [...document.scripts].filter(s => ['', 'text/javascript', 'module'].includes(s.type)
    && s.textContent.includes('alert(')).length"""


def hostile_entities_article():
    sentences = [
        f"Tokoh {PERSON.name} tiba di {PLACE.name} untuk {WORD}.",
        f"Ia lalu terbang ke Moskow, kata {PERSON.name} <iframe src=javascript:alert('iframe')></iframe>.",
    ]
    return article_from_sentences(
        ARTICLE_ID,
        "\"><svg onload=alert('title')> {{ 7*7 }} ${7*7}",
        sentences,
        [(0, PERSON.name, PERSON), (0, PLACE.name, PLACE), (1, "Moskow", MOSCOW), (1, PERSON.name, PERSON)],
        outlet="<script>alert('outlet')</script>",
        published="2023-09-07",
        language="id",
        url="javascript:alert('url')",
    )


@pytest.fixture(scope="module")
def hostile_server(archive_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-served")
    path = folder / "archive.db"
    db = copy_with_article(archive_db, path, hostile_entities_article())
    person_id, place_id = [
        db.execute("select id from entities where key = ?", [e.key]).fetchone()[0] for e in (PERSON, PLACE)
    ]
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    port = free_port()
    process = start_server(
        [sys.executable, "-m", "datasette", *datasette_args(path, "127.0.0.1", port)], port, folder / "datasette.log"
    )
    yield f"http://127.0.0.1:{port}", person_id, place_id
    stop_server(process)


@pytest.fixture
def watched(browser, hostile_server):
    """A page whose dialogs, JavaScript errors and console errors are recorded; fails the test if any."""
    server = hostile_server[0]
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    page = context.new_page()
    dialogs, errors, console = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))

    def on_console(message):
        location = message.location.get("url", "")
        aborted_tile = message.text.startswith("Failed to load resource") and not location.startswith(server)
        if message.type == "error" and not aborted_tile:
            console.append((message.text, location))

    page.on("console", on_console)
    yield page
    context.close()
    assert dialogs == [], f"injected script ran: {dialogs}"
    assert errors == [], "JavaScript errors on the page"
    assert console == [], "console errors"


def assert_inert(page):
    page.wait_for_load_state("load")
    assert page.locator(PAYLOAD_ELEMENTS).count() == 0, page.url
    assert page.evaluate(INJECTED_SCRIPTS) == 0, page.url
    assert page.locator("a[href^='javascript:' i], [src^='javascript:' i]").count() == 0, page.url


def test_no_page_runs_script_from_hostile_articles(watched, hostile_server):
    _, person, place = hostile_server
    name = quote(PERSON.name)
    for path in [
        "/archive/articles",
        f"/archive/articles?_search={WORD}",
        f"/archive/articles/{ARTICLE_ID}",
        "/archive/articles?_facet=outlet",
        "/archive/entities",
        f"/archive/entities/{person}",
        f"/archive/entities/{place}",
        "/archive/places",
        f"/archive/sentences?_search={WORD}",
        "/archive/mentions",
        f"/archive/search?q={WORD}",
        f"/archive/search?q={quote('<script>alert(1)</script>')}",
        f"/archive/mentions_of?entity={person}",
        f"/archive/mentions_of?entity={name}",
        f"/archive/co_mentions?entity={person}",
        f"/archive/entity_timeline?entity={place}",
        f"/search?q={WORD}",
        f"/search?q={quote('<script>alert(1)</script>')}&entity={quote('<img src=x>')}",
        f"/search?entity={person}&scope=article",
        f"/search?q={WORD}&outlet={quote(chr(60) + 'script>alert(' + repr('outlet') + ')</script>')}",
        "/timeline",
        f"/timeline?entity={person}",
        f"/timeline?entity={quote('<script>alert(1)</script>')}",
        f"/article/{ARTICLE_ID}",
        f"/entity/{person}",
        f"/entity/{place}",
        f"/archive?sql={quote('select name, name as title from entities where key like ' + repr('%hostile'))}",
    ]:
        watched.goto(path)
        assert_inert(watched)
    watched.goto(f"/article/{ARTICLE_ID}")
    assert "<svg onload=alert('title')>" in watched.locator("h1").inner_text()
    assert "<script>alert('outlet')</script>" in watched.locator("body").inner_text()
    assert PERSON.name in watched.locator(".article-body").inner_text()


@pytest.mark.parametrize(
    "path",
    [f"/archive/places_map?q={WORD}", "/archive/places?entity_id={place}", "/entity/{place}", f"/article/{ARTICLE_ID}"],
)
def test_map_popup_of_a_hostile_place_shows_its_name_as_text(watched, hostile_server, path):
    path = path.replace("{place}", str(hostile_server[2]))
    watched.goto(path)
    assert wait_for_markers(watched, 1 if "article" not in path else 2) >= 1
    markers = watched.locator(".leaflet-marker-icon:not(.marker-cluster)")
    texts = []
    for i in range(markers.count()):  # open each marker's popup (the hostile place is one of them)
        markers.nth(i).click(force=True)
        popup = watched.locator(".leaflet-popup-content").last
        popup.wait_for()
        texts.append(popup.inner_text())
        assert_inert(watched)
    assert any(PLACE.name in text for text in texts), texts  # the name as text, not as markup
