"""/network: the entity network, drawn as SVG with its own few lines of JavaScript (a force
layout; nothing loaded from elsewhere); each node links to /entity/<id>. /network.json gives
the same nodes and edges as data. The query layer, over one file or the partitions of an
archive, is ingest/serve/network.py."""

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.serve import network as network_queries
from ingest.serve.archive import readable
from ingest.serve.network import (
    MAX_TOP,
    SAMPLE_MENTIONS,
    TYPES,
    parse_top,
    parse_types,
)


async def network(request, datasette):
    parts = await readable(datasette, request.actor)
    top, types = parse_top(request.args.get("top")), parse_types(request.args.get("type"))
    data = await network_queries.network(parts, top, types)
    for node in data["nodes"]:
        node["url"] = datasette.urls.path(f"/entity/{node['id']}")
    if request.url_vars.get("format") == "json":
        return Response.json({"top": top, "types": types, "sample_mentions": SAMPLE_MENTIONS, **data})
    return Response.html(
        await datasette.render_template(
            "network.html",
            {
                "database": parts[0].period,
                "top": top,
                "types": types,
                "all_types": TYPES,
                "max_top": MAX_TOP,
                "network": data,
                "sample_mentions": SAMPLE_MENTIONS,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/network(\.(?P<format>json))?$", network)]
