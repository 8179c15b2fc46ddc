"""The entity network (/network, and .json) over an archive's partitions (ingest/serve/archive.py).
People, organisations and places are nodes (the `top` most mentioned, default 50); two
entities mentioned in the same sentence are joined by an edge weighted by the number of such
sentences.

The queries are bounded whatever the archive's size: the nodes are read from the counts the
ingest keeps (entities.mentions), and the edges are counted among the newest SAMPLE_MENTIONS
mentions of each partition (ids grow as articles are written; about 850 articles' worth at
the bench corpus's 120 mentions an article); the page says so when a partition holds more.
Counting every mention of the top entities passed Datasette's 3 s limit at 10,000 articles
(1.2 M mentions), and a plugin cannot raise that limit.

Across partitions the nodes are the entities most mentioned in all of them, among each
partition's `CANDIDATES`× top (an entity mentioned a little in every period but in none's top
can be missed), their mentions added up; edges are summed.
"""

from collections.abc import Sequence

from datasette.database import QueryInterrupted

from ingest.models import ENTITY_TYPES
from ingest.serve.archive import Partition, each, spans_periods

DEFAULT_TOP = 50
SAMPLE_MENTIONS = 100_000
TIME_LIMIT_MS = 30_000  # asked for, but Datasette only ever lowers sql_time_limit_ms
MAX_TOP = 300
TYPES = ENTITY_TYPES
CANDIDATES = 4  # across partitions, each partition proposes this many times `top` nodes
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
SAMPLED_SQL = f"select coalesce(max(id), 0) > {SAMPLE_MENTIONS} as sampled from mentions"


def parse_top(value: str | None) -> int:
    """`top` as given, within 1..MAX_TOP; the default for anything that is not a number."""
    try:
        return min(max(int(value or ""), 1), MAX_TOP)
    except ValueError:
        return DEFAULT_TOP


def parse_types(value: str | None) -> list[str]:
    """`type` as a comma-separated subset of person, organization, place; all by default."""
    chosen = [t for t in (value or "").replace(" ", "").split(",") if t in TYPES]
    return chosen or list(TYPES)


async def network(partitions: Sequence[Partition], top: int, types: list[str]) -> dict:
    """{"nodes", "edges", "sampled"} across `partitions`; an empty network with the reason
    ("error") when a query was cut off at the time limit: a page the server could not
    finish is said so, never a 500."""
    try:
        return await _count(partitions, top, types)
    except QueryInterrupted:
        return {"nodes": [], "edges": [], "error": INTERRUPTED}


async def _count(partitions: Sequence[Partition], top: int, types: list[str]) -> dict:
    marks = ", ".join(f":type{i}" for i in range(len(types)))
    proposed = top * CANDIDATES if spans_periods(partitions) else top  # one partition: its top are the top
    params = {"top": proposed, **{f"type{i}": t for i, t in enumerate(types)}}
    sampled = any(rows[0]["sampled"] for rows in await each(partitions, SAMPLED_SQL))
    found = await each(partitions, NODES_SQL.format(types=marks), params, custom_time_limit=TIME_LIMIT_MS)
    candidates = sorted({row["id"] for rows in found for row in rows})
    if not candidates:
        return {"nodes": [], "edges": [], "sampled": sampled}
    if spans_periods(partitions):
        listed = ", ".join(str(int(i)) for i in candidates)
        found = await each(partitions, f"select id, name, type, mentions from entities where id in ({listed})")
    nodes: dict[int, dict] = {}
    for rows in found:
        for row in rows:
            kept = nodes.setdefault(row["id"], dict(row, mentions=0))
            kept["mentions"] += row["mentions"]
    chosen = sorted(nodes.values(), key=lambda n: (-n["mentions"], n["id"]))[:top]
    ids = ", ".join(str(int(n["id"])) for n in chosen)
    weights: dict[tuple[int, int], int] = {}
    for rows in await each(partitions, EDGES_SQL.format(ids=ids), custom_time_limit=TIME_LIMIT_MS):
        for row in rows:
            pair = (row["source"], row["target"])
            weights[pair] = weights.get(pair, 0) + row["weight"]
    edges = [{"source": s, "target": t, "weight": w} for (s, t), w in weights.items()]
    edges.sort(key=lambda e: (-e["weight"], e["source"], e["target"]))
    return {"nodes": chosen, "edges": edges, "sampled": sampled}
