"""/network: the entity network. People, organisations and places are nodes (the `top` most
mentioned, default 50), two entities mentioned in the same sentence are joined by an edge
weighted by the number of such sentences. The page draws it as SVG with its own few lines
of JavaScript (a force layout; nothing loaded from elsewhere); each node links to
/entity/<id>. /network.json gives the same nodes and edges as data.
"""

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.models import ENTITY_TYPES

DEFAULT_TOP = 50
# The edges read every mention of the chosen entities: about 4 s for 3 M mentions, so the
# page allows more than the site's limit for researchers' SQL.
TIME_LIMIT_MS = 30_000
MAX_TOP = 300
TYPES = ENTITY_TYPES

NODES_SQL = """
select e.id, e.name, e.type, counted.mentions
from (select entity_id, count(*) as mentions from mentions group by entity_id) counted
join entities e on e.id = counted.entity_id
where e.type in ({types})
order by counted.mentions desc, e.id limit :top
"""
EDGES_SQL = """
select m1.entity_id as source, m2.entity_id as target, count(distinct m1.sentence_id) as weight
from mentions m1
join mentions m2 on m2.sentence_id = m1.sentence_id and m2.entity_id > m1.entity_id
where m1.entity_id in ({ids}) and m2.entity_id in ({ids})
group by m1.entity_id, m2.entity_id
order by weight desc, source, target
"""


def parse_top(value: str | None) -> int:
    """`top` as given, within 1..MAX_TOP; the default for anything that is not a number."""
    try:
        return min(max(int(value), 1), MAX_TOP)
    except (TypeError, ValueError):
        return DEFAULT_TOP


def parse_types(value: str | None) -> list[str]:
    """`type` as a comma-separated subset of person, organization, place; all by default."""
    chosen = [t for t in (value or "").replace(" ", "").split(",") if t in TYPES]
    return chosen or list(TYPES)


async def network_data(db, top: int, types: list[str]) -> dict:
    marks = ", ".join(f":type{i}" for i in range(len(types)))
    params = {"top": top, **{f"type{i}": t for i, t in enumerate(types)}}
    nodes = [dict(r) for r in await db.execute(NODES_SQL.format(types=marks), params, custom_time_limit=TIME_LIMIT_MS)]
    edges = []
    if nodes:
        ids = ", ".join(str(int(node["id"])) for node in nodes)
        edges = [dict(r) for r in await db.execute(EDGES_SQL.format(ids=ids), custom_time_limit=TIME_LIMIT_MS)]
    return {"nodes": nodes, "edges": edges}


async def network(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    top, types = parse_top(request.args.get("top")), parse_types(request.args.get("type"))
    data = await network_data(db, top, types)
    return await network_response(request, datasette, db.name, top, types, data)


async def network_response(request, datasette, database: str, top: int, types: list[str], data: dict) -> Response:
    """The network page (or its JSON) for `data`: one archive's (here) or the partitions'
    (plugins/partitions.py), whose links go to /entity pages."""
    for node in data["nodes"]:
        node["url"] = datasette.urls.path(f"/entity/{node['id']}")
    if request.url_vars.get("format") == "json":
        return Response.json({"top": top, "types": types, **data})
    return Response.html(
        await datasette.render_template(
            "network.html",
            {
                "database": database,
                "top": top,
                "types": types,
                "all_types": TYPES,
                "max_top": MAX_TOP,
                "network": data,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/network(\.(?P<format>json))?$", network)]
