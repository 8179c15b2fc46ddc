"""The pages of an archive served from a directory of partitions (ingest/store/partitions.py), across
all periods: each partition runs the query a single archive runs (ingest/serve/search.py's `Search`,
the plugins' SQL, the canned queries), all partitions at once, and the rows are merged here.

- **search**: each partition runs a single archive's bounded search; counts added up (total,
  by outlet, by month, and by period), bounds where a partition's are; the page of results
  in the desk's order, newest first, undated last. Partitions of one granularity hold disjoint
  periods, so that order is the partitions' order: only the partitions the page falls in are
  asked for rows. Partitions whose periods overlap (2024.db beside 2024-06.db, put together
  by hand) are merged row by row on the publication date instead.
- **ranked search**: the best matches of each partition (bm25, the `search` canned query),
  merged by score, then date. bm25 weighs words by their frequency in each partition, so
  scores from different partitions are close to, not exactly, what one file would give.
- **entity**: found by key or id in each partition (ids are made from keys, so one id is one
  entity everywhere); counts, co-mentioned entities and mentions per month added up, the
  first mentions in date order.
- **network**: nodes are the entities most mentioned across partitions, among each
  partition's `CANDIDATES`× top (an entity mentioned a little in every period but in none's
  top can be missed); edges summed.
- **places** (the map): mentions per place added up; **timeline**: months added up, the first
  events in date order.

Every function takes the partitions as `Partition`s (a period and anything with Datasette's
`await db.execute(sql, params)`), newest first, and returns plain dicts for the templates
and JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ingest.serve.search import CAP, NO_MATCHES, Search, listed, run
from ingest.store.partitions import UNDATED, granularity_of, is_period, period_order

CANDIDATES = 4  # the network's nodes: each partition proposes this many times `top`


@dataclass(frozen=True)
class Partition:
    period: str  # "2024-06", "2024" or "undated": the database's name
    db: Any  # a datasette.database.Database, or anything with `async execute(sql, params)`


def ordered(partitions: Sequence[Partition]) -> list[Partition]:
    """Newest period first, undated last."""
    return sorted(partitions, key=lambda p: period_order(p.period))


def chosen(partitions: Sequence[Partition], periods: Sequence[str]) -> list[Partition]:
    """The partitions of `periods` (each a period, or a year taking in its months: 2024 ->
    2024-01 ... 2024-12); all of them when `periods` names none."""
    wanted = [p for p in periods if is_period(p)]
    if not wanted:
        return list(partitions)
    return [
        p for p in partitions if any(p.period == w or (w != UNDATED and p.period.startswith(f"{w}-")) for w in wanted)
    ]


def disjoint(partitions: Sequence[Partition]) -> bool:
    """Whether no two partitions' periods overlap (one granularity, or undated)."""
    kinds = {granularity_of(p.period) for p in partitions} - {None}
    return len(kinds) <= 1


async def _each(partitions: Sequence[Partition], sql: str, params=None, **options) -> list[list[dict]]:
    """`sql` run in every partition at once; the rows of each, as dicts, in partition order."""

    async def rows(partition: Partition) -> list[dict]:
        return [dict(row) for row in await partition.db.execute(sql, params, **options)]

    return list(await asyncio.gather(*(rows(p) for p in partitions)))


async def search(
    partitions: Sequence[Partition],
    search: Search,
    cap: int = CAP,
    count: Callable[[Partition], Callable[..., Awaitable[int | None]]] | None = None,
) -> dict:
    """The search desk's counts and one page of results across `partitions` (newest first):
    {"total", "total_is", "counted_among", "by_outlet", "by_month", "by_period", "rows"}; each
    row says its "period", each of "by_period" its "matches_is".

    Each partition runs a single archive's bounded search (ingest/serve/search.py's `run`, with
    `cap`; `count(partition)` is its `count`): exact counts while a partition's matches are
    few, bounds and counts among its most recent matches past that, so a common word costs
    the same in every partition whatever the archive's size. The counts are added up; the
    total is exact when every partition's is, "more than" when any partition's is, else "at
    least"."""
    if not search.active:
        return {**NO_MATCHES, "by_period": []}
    # The counts alone (a page of no rows): a partition's rows are read only if the page falls in it.
    counted = await asyncio.gather(
        *(
            run(p.db.execute, replace(search, page=1, size=0), cap, count=count(p) if count else None)
            for p in partitions
        )
    )
    by_outlet: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for part in counted:
        for row in part["by_outlet"]:
            by_outlet[row["outlet"]] = by_outlet.get(row["outlet"], 0) + row["matches"]
        for row in part["by_month"]:
            by_month[row["month"]] = by_month.get(row["month"], 0) + row["matches"]
    found = listed(by_outlet, by_month)
    bounds = {part["total_is"] for part in counted}
    among = sorted({part["counted_among"] for part in counted if part["counted_among"]})
    found |= {
        "total": sum(part["total"] for part in counted),
        "total_is": "exact" if bounds == {"exact"} else "more than" if "more than" in bounds else "at least",
        "counted_among": f"{'; '.join(among)}, in each period that has more" if among else None,
        "by_period": [
            {"period": p.period, "matches": part["total"], "matches_is": part["total_is"]}
            for p, part in zip(partitions, counted)
            if part["total"]
        ],
    }
    start = (search.page - 1) * search.size
    if disjoint(partitions):
        found["rows"] = await _slice_in_order(partitions, counted, search, start, cap)
    else:
        found["rows"] = await _slice_by_date(partitions, search, start, cap)
    return found


async def _page(partition: Partition, search: Search, cap: int) -> list[dict]:
    """One page of `search` in `partition` (its `run`, without the counts)."""
    rows = (await run(partition.db.execute, search, cap, with_counts=False))["rows"]
    return [row | {"period": partition.period} for row in rows]


async def _exact_total(partition: Partition, search: Search) -> int:
    """Every match in `partition`, counted: only for a page past what its bounded count saw."""
    return sum(row["matches"] for row in await partition.db.execute(*search.counts_sql()))


async def _slice_in_order(
    partitions: Sequence[Partition], counted: list[dict], search: Search, start: int, cap: int
) -> list[dict]:
    """Rows start .. start + size of the partitions' results one after the other: each
    partition's part read with its own page query (one or two pages of the same size). A
    partition whose total is a bound is skipped by its exact count only when the page starts
    past the bound."""
    size = search.size
    wanted: list[dict] = []
    for partition, counts in zip(partitions, counted):
        if len(wanted) == size:
            break
        total = counts["total"] if counts["total_is"] == "exact" else None
        if total is None and start >= counts["total"]:
            total = await _exact_total(partition, search)
        if total is not None and start >= total:
            start -= total
            continue
        need = size - len(wanted)
        first = start // size + 1
        rows = await _page(partition, replace(search, page=first), cap)
        skip = start - (first - 1) * size
        if skip + need > len(rows) and len(rows) == size and (total is None or first * size < total):
            rows += await _page(partition, replace(search, page=first + 1), cap)
        wanted += rows[skip : skip + need]
        start = 0
    return wanted


async def _slice_by_date(partitions: Sequence[Partition], search: Search, start: int, cap: int) -> list[dict]:
    """Overlapping partitions: the first start + size rows of each, merged by date (newest
    first, undated last; the partitions' order between equal dates)."""
    top = replace(search, page=1, size=start + search.size)
    rows = [row for p in partitions for row in await _page(p, top, cap)]
    rows.sort(key=lambda r: r["published"] or "", reverse=True)  # stable: equal dates keep partition order
    rows.sort(key=lambda r: r["published"] is None)
    return rows[start : start + search.size]


async def ranked(partitions: Sequence[Partition], sql: str, q: str, limit: int) -> list[dict]:
    """The canned `search` query (best matches by bm25) in every partition, merged by score
    (lower is better in SQLite's bm25), then newest first; the first `limit`."""
    rows = [r | {"period": p.period} for p, rs in zip(partitions, await _each(partitions, sql, {"q": q})) for r in rs]
    rows.sort(key=lambda r: r["published"] or "", reverse=True)
    rows.sort(key=lambda r: r["score"])
    return rows[:limit]


@dataclass(frozen=True)
class EntityQueries:
    """The entity page's look-ups, as plugins/entity_page.py has them (and the `entity_months` canned query)."""

    entity: str  # :key, an id or a key
    # (execute, entity id) -> {"counts", "co_mentions", "co_mentions_sampled", "sample", "mentions"}
    gather: Callable[..., Awaitable[dict]]
    months: str  # :entity


async def entity(partitions: Sequence[Partition], key: str, queries: EntityQueries, shown: int) -> dict | None:
    """One entity across partitions, or None when none knows it: {"entity", "counts",
    "co_mentions", "co_mentions_sampled", "sample", "mentions", "months", "by_period"}."""
    found = [(p, rows[0]) for p, rows in zip(partitions, await _each(partitions, queries.entity, {"key": key})) if rows]
    if not found:
        return None
    entity = max(found, key=lambda item: item[1]["mentions"] or 0)[1]

    async def one(partition: Partition, row: dict) -> dict:
        ident = row["id"]
        gathered = await queries.gather(partition.db.execute, ident)
        mentions = [dict(m) | {"period": partition.period} for m in gathered["mentions"]]
        months = [dict(r) for r in await partition.db.execute(queries.months, {"entity": str(ident)})]
        return {**gathered, "mentions": mentions, "months": months}

    parts = await asyncio.gather(*(one(p, row) for p, row in found))
    co: dict[int, dict] = {}
    for part in parts:
        for other in part["co_mentions"]:
            kept = co.setdefault(other["id"], dict(other, sentences=0))
            kept["sentences"] += other["sentences"]
    months: dict[str, int] = {}
    for part in parts:
        for row in part["months"]:
            months[row["month"]] = months.get(row["month"], 0) + row["mentions"]
    mentions = [m for part in parts for m in part["mentions"]]
    mentions.sort(  # the entity page's order: by date, undated last
        key=lambda m: (
            m["published"] is None,
            m["published"] or "",
            m["article_id"],
            m["position"],
            m["char_start"],
        )
    )
    return {
        "entity": entity,
        "counts": {name: sum(part["counts"][name] for part in parts) for name in ("mentions", "articles")},
        "co_mentions": sorted(co.values(), key=lambda o: (-o["sentences"], o["name"]))[:50],
        "co_mentions_sampled": any(part["co_mentions_sampled"] for part in parts),
        # the mentions whose sentences were counted: each partition's most recent `sample`
        "sample": sum(min(part["counts"]["mentions"], part["sample"]) for part in parts),
        "mentions": mentions[:shown],
        "months": months,
        "by_period": [
            {"period": p.period, "mentions": part["counts"]["mentions"]} for (p, _), part in zip(found, parts)
        ],
    }


async def network(
    partitions: Sequence[Partition], nodes_sql: str, edges_sql: str, top: int, types: list[str], time_limit_ms: int
) -> dict:
    """The entity network across partitions: `nodes_sql` and `edges_sql` as plugins/network_page.py
    has them ({types} and {ids} to fill in)."""
    marks = ", ".join(f":type{i}" for i in range(len(types)))
    params = {"top": top * CANDIDATES, **{f"type{i}": t for i, t in enumerate(types)}}
    proposed = await _each(partitions, nodes_sql.format(types=marks), params, custom_time_limit=time_limit_ms)
    candidates = sorted({row["id"] for rows in proposed for row in rows})
    if not candidates:
        return {"nodes": [], "edges": []}
    listed = ", ".join(str(int(i)) for i in candidates)
    counted = await _each(partitions, f"select id, name, type, mentions from entities where id in ({listed})")
    nodes: dict[int, dict] = {}
    for rows in counted:
        for row in rows:
            kept = nodes.setdefault(row["id"], dict(row, mentions=0))
            kept["mentions"] += row["mentions"]
    chosen_nodes = sorted(nodes.values(), key=lambda n: (-n["mentions"], n["id"]))[:top]
    ids = ", ".join(str(int(n["id"])) for n in chosen_nodes)
    weights: dict[tuple[int, int], int] = {}
    for rows in await _each(partitions, edges_sql.format(ids=ids), custom_time_limit=time_limit_ms):
        for row in rows:
            pair = (row["source"], row["target"])
            weights[pair] = weights.get(pair, 0) + row["weight"]
    edges = [{"source": s, "target": t, "weight": w} for (s, t), w in weights.items()]
    edges.sort(key=lambda e: (-e["weight"], e["source"], e["target"]))
    return {"nodes": chosen_nodes, "edges": edges}


async def places(partitions: Sequence[Partition], places_sql: str, q: str) -> list[dict]:
    """The map's places across partitions (the `places_map` canned query in each), mentions
    added up, the most mentioned first."""
    merged: dict[int, dict] = {}
    for rows in await _each(partitions, places_sql, {"q": q}):
        for row in rows:
            kept = merged.setdefault(row["entity_id"], dict(row, mentions=0))
            kept["mentions"] += row["mentions"]
    return sorted(merged.values(), key=lambda p: (-p["mentions"], p["name"]))


async def timeline(partitions: Sequence[Partition], months_sql: str, events_sql: str, entity: str, shown: int) -> dict:
    """Dated events across partitions: {"months": {month: events}, "events": the first `shown`
    in date order}."""
    months: dict[str, int] = {}
    for rows in await _each(partitions, months_sql, {"entity": entity}):
        for row in rows:
            months[row["month"]] = months.get(row["month"], 0) + row["events"]
    limited = f"select * from ({events_sql}) limit {int(shown)}"
    events = [r for rows in await _each(partitions, limited, {"entity": entity}) for r in rows]
    events.sort(key=lambda e: (e["date_start"], e["date_end"], e["article_id"], e["sentence"]))
    return {"months": months, "events": events[:shown]}


async def holding(partitions: Sequence[Partition], article_id: str) -> Partition | None:
    """The partition that holds the article (an article lives in one)."""
    found = await _each(partitions, "select 1 as found from articles where id = ?", [article_id])
    return next((p for p, rows in zip(partitions, found) if rows), None)


async def table_counts(partitions: Sequence[Partition], table: str) -> int:
    rows = await _each(partitions, f"select count(*) as n from [{table}]")
    return sum(r[0]["n"] for r in rows)


async def distinct(partitions: Sequence[Partition], sql: str) -> list:
    """The first column's values of `sql` in any partition, each once, sorted."""
    return sorted({row[next(iter(row))] for rows in await _each(partitions, sql) for row in rows})
