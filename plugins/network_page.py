"""/network: the entity network. People, organisations and places are nodes (the `top` most
mentioned, default 50), two entities mentioned in the same sentence are joined by an edge
weighted by the number of such sentences. The page draws it as SVG with its own few lines
of JavaScript (a force layout; nothing loaded from elsewhere); each node links to
/entity/<id>. /network.json gives the same nodes and edges as data.
"""

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

from ingest.models import ENTITY_TYPES

DEFAULT_TOP = 50
# The page's queries are bounded whatever the archive's size: the nodes are read from the counts
# the ingest keeps (entities.mentions), and the edges are counted among the newest
# SAMPLE_MENTIONS mentions (ids grow as articles are written; about 850 articles' worth at the
# bench corpus's 120 mentions an article); the page says so when the archive holds more. Counting every mention of the top entities passed Datasette's 3 s
# limit at 10,000 articles (1.2 M mentions), and a plugin cannot raise that limit.
SAMPLE_MENTIONS = 100_000
TIME_LIMIT_MS = 30_000  # asked for, but Datasette only ever lowers sql_time_limit_ms
MAX_TOP = 300
TYPES = ENTITY_TYPES
INTERRUPTED = (
    "The network took longer to count than the server allows for one query, so it is not drawn. "
    "Try fewer entities, or one type."
)

NODES_SQL = """
select e.id, e.name, e.type, e.mentions
from entities e
where e.type in ({types}) and e.mentions > 0
order by e.mentions desc, e.id limit :top
"""
EDGES_SQL = f"""
select m1.entity_id as source, m2.entity_id as target, count(distinct m1.sentence_id) as weight
from mentions m1
join mentions m2 on m2.sentence_id = m1.sentence_id and m2.entity_id > m1.entity_id
where m1.entity_id in ({{ids}}) and m2.entity_id in ({{ids}})
  and m1.id > (select max(id) from mentions) - {SAMPLE_MENTIONS}
group by m1.entity_id, m2.entity_id
order by weight desc, source, target
"""
SAMPLED_SQL = f"select coalesce(max(id), 0) > {SAMPLE_MENTIONS} from mentions"


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
    sampled = bool((await db.execute(SAMPLED_SQL)).first()[0])
    return {"nodes": nodes, "edges": edges, "sampled": sampled}


async def interruptible(count) -> dict:
    """`await count()`, or an empty network with the reason when a query was cut off at the
    time limit: a page the server could not finish is said so, never a 500."""
    try:
        return await count()
    except QueryInterrupted:
        return {"nodes": [], "edges": [], "error": INTERRUPTED}


async def network(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    top, types = parse_top(request.args.get("top")), parse_types(request.args.get("type"))
    data = await interruptible(lambda: network_data(db, top, types))
    return await network_response(request, datasette, db.name, top, types, data)


async def network_response(request, datasette, database: str, top: int, types: list[str], data: dict) -> Response:
    """The network page (or its JSON) for `data`: one archive's (here) or the partitions'
    (plugins/partitions.py), whose links go to /entity pages."""
    for node in data["nodes"]:
        node["url"] = datasette.urls.path(f"/entity/{node['id']}")
    if request.url_vars.get("format") == "json":
        return Response.json({"top": top, "types": types, "sample_mentions": SAMPLE_MENTIONS, **data})
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
                "sample_mentions": SAMPLE_MENTIONS,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/network(\.(?P<format>json))?$", network)]
