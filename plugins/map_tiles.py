"""Template variable `tiles`: the tile layer configured for datasette-cluster-map
(`tile_layer`, `tile_layer_options` in metadata.yml), so the small maps on article and
entity pages use the same, possibly local, tiles as the big map."""

from datasette import hookimpl
from datasette_cluster_map import TILE_LAYER, TILE_LAYER_OPTIONS


@hookimpl
def extra_template_vars(datasette):
    config = datasette.plugin_config("datasette-cluster-map") or {}
    return {
        "tiles": {
            "url": config.get("tile_layer") or TILE_LAYER,
            "options": config.get("tile_layer_options") or TILE_LAYER_OPTIONS,
        }
    }
