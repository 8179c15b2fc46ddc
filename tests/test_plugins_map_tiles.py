"""plugins/map_tiles.py: the small maps use the tile layer configured for the big one."""

import json
import re

from datasette_cluster_map import TILE_LAYER


def map_config(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="places-data">(.*?)</script>', page).group(1))


async def test_small_maps_use_the_configured_tiles(ds, metadata, archive):
    article_id = archive.execute(
        "select m.article_id from mentions m join places p on p.entity_id = m.entity_id where p.latitude is not null"
    ).fetchone()[0]
    tiles = map_config((await ds.client.get(f"/article/{article_id}")).text)["tiles"]
    assert tiles["url"] == metadata["plugins"]["datasette-cluster-map"]["tile_layer"]


async def test_tiles_follow_the_configuration(make_datasette, archive_db, metadata, archive):
    local = {**metadata, "plugins": {"datasette-cluster-map": {"tile_layer": "/tiles/{z}/{x}/{y}.png"}}}
    entity_id = archive.execute("select entity_id from places where latitude is not null").fetchone()[0]
    page = (await make_datasette(archive_db, local).client.get(f"/entity/{entity_id}")).text
    assert map_config(page)["tiles"]["url"] == "/tiles/{z}/{x}/{y}.png"
    bare = {key: value for key, value in metadata.items() if key != "plugins"}
    page = (await make_datasette(archive_db, bare).client.get(f"/entity/{entity_id}")).text
    assert map_config(page)["tiles"]["url"] == TILE_LAYER
