"""The entity page (/entity/<id or key>, and .json) over an archive's partitions
(ingest/serve/archive.py): an entity, how often it is mentioned, its mentions per month (the
`entity_months` canned query), the entities mentioned with it and its first mentions.

At 100,000 articles the most mentioned entity has about 500,000 mentions, so nothing here
reads them all: the counts and the chart come from what the ingest keeps (`entities.mentions`,
`entity_dates`, migration 0006); the co-mentions are counted exactly in the sentences of its
`SAMPLE` most recently added mentions, which is all of them for most entities and is said on
the page when it is not; its first mentions in date order are read from the articles of the
first dates `entity_dates` gives, not from every mention.

Across partitions the entity is found by key or id in each (ids are made from keys, so one id
is one entity everywhere); counts, co-mentioned entities and mentions per month are added up,
the first mentions taken in date order.
"""

import asyncio
import json
import re
from collections.abc import Sequence

from ingest.serve.archive import Partition, each, spans_periods

ENTITY_SQL = """
select e.*, p.latitude, p.longitude, p.kind, p.country_code
from entities e left join places p on p.entity_id = e.id
where cast(e.id as text) = :key or e.key = :key
"""
COUNTS_SQL = """
select e.mentions, (select coalesce(sum(d.articles), 0) from entity_dates d where d.entity_id = e.id) as articles
from entities e where e.id = ?
"""
SAMPLE = 10_000  # mentions whose sentences the co-mentions are counted in
CO_MENTIONS_SQL = """
with own as (select sentence_id from mentions where entity_id = :entity order by id desc limit :sample)
select other.id, other.name, other.type, count(distinct m2.sentence_id) as sentences
from own
cross join mentions m2 on m2.sentence_id = own.sentence_id and m2.entity_id != :entity
join entities other on other.id = m2.entity_id
group by other.id order by sentences desc, other.name limit 50
"""
SHOWN_MENTIONS = 100
# Its dates in order, undated last: the first ones holding SHOWN_MENTIONS mentions are read.
DATES_SQL = """
select published, mentions from entity_dates where entity_id = ? and mentions > 0
order by published = '', published
"""
MENTIONS_COLUMNS = "s.text, s.position, m.char_start, m.char_end, m.article_id, a.title, a.published"
MENTIONS_ORDER = "order by a.published is null, a.published, m.article_id, s.position, m.char_start limit :limit"
# An entity with few mentions: all of them, sorted.
MENTIONS_SQL = f"""
select {MENTIONS_COLUMNS}
from mentions m join sentences s on s.id = m.sentence_id join articles a on a.id = m.article_id
where m.entity_id = :entity {MENTIONS_ORDER}
"""
# Many: the articles of the chosen dates (the published index), then their mentions of it.
DATED_MENTIONS_SQL = f"""
select {MENTIONS_COLUMNS}
from (
  select id from articles where published in (select value from json_each(:dates))
  union all
  select id from articles where :undated and published is null
) chosen
cross join articles a on a.id = chosen.id
cross join mentions m on m.article_id = a.id
cross join sentences s on s.id = m.sentence_id
where +m.entity_id = :entity  -- through each article's mentions, not all of the entity's
{MENTIONS_ORDER}
"""
DIRECT = 2_000  # up to this many mentions are sorted directly
WIKIDATA_ID = re.compile(r"^Q[0-9]+$")
QUERIES = ("mentions_of", "co_mentions", "entity_timeline", "entity_months")  # canned queries the page links to


async def gather(execute, entity_id: int) -> dict:
    """The entity page's counts, co-mentions and first mentions in one database, with
    `execute(sql, params)` (awaited, returning rows): Datasette's `db.execute` here, sqlite3 in
    bench/query_bench.py."""
    mentions, articles = list(await execute(COUNTS_SQL, [entity_id]))[0]
    co_mentions = [dict(r) for r in await execute(CO_MENTIONS_SQL, {"entity": entity_id, "sample": SAMPLE})]
    if mentions <= DIRECT:
        listed = await execute(MENTIONS_SQL, {"entity": entity_id, "limit": SHOWN_MENTIONS})
    else:
        dates, undated, seen = [], 0, 0
        for published, count in await execute(DATES_SQL, [entity_id]):
            if published:
                dates.append(published)
            else:
                undated = 1
            seen += count
            if seen >= SHOWN_MENTIONS:
                break
        listed = await execute(
            DATED_MENTIONS_SQL,
            {"entity": entity_id, "dates": json.dumps(dates), "undated": undated, "limit": SHOWN_MENTIONS},
        )
    return {
        "counts": {"mentions": mentions, "articles": articles},
        "co_mentions": co_mentions,
        "co_mentions_sampled": mentions > SAMPLE,
        "sample": SAMPLE,
        "mentions": [dict(r) for r in listed],
    }


async def entity(partitions: Sequence[Partition], key: str, months_sql: str) -> dict | None:
    """One entity across `partitions`, or None when none knows it: {"entity", "counts",
    "co_mentions", "co_mentions_sampled", "sample", "mentions", "months", "home"} (`home`: the
    partition that mentions it most, where the page's links to canned queries go), and when
    there are periods "by_period". `months_sql` is the `entity_months` canned query."""
    found = [(p, rows[0]) for p, rows in zip(partitions, await each(partitions, ENTITY_SQL, {"key": key})) if rows]
    if not found:
        return None
    home, entity = max(found, key=lambda item: item[1]["mentions"] or 0)
    if not WIKIDATA_ID.match(entity["wikidata"] or ""):
        entity["wikidata"] = None  # only ever link to a well-formed Wikidata item

    async def one(partition: Partition, row: dict) -> dict:
        ident = row["id"]
        gathered = await gather(partition.db.execute, ident)
        months = [dict(r) for r in await partition.db.execute(months_sql, {"entity": str(ident)})]
        return {**gathered, "months": months}

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
    merged = {
        "entity": entity,
        "home": home.period,
        "counts": {name: sum(part["counts"][name] for part in parts) for name in ("mentions", "articles")},
        "co_mentions": sorted(co.values(), key=lambda o: (-o["sentences"], o["name"]))[:50],
        "co_mentions_sampled": any(part["co_mentions_sampled"] for part in parts),
        # the mentions whose sentences were counted: each partition's most recent `sample`
        "sample": sum(min(part["counts"]["mentions"], part["sample"]) for part in parts),
        "mentions": mentions[:SHOWN_MENTIONS],
        "months": months,
    }
    if spans_periods(partitions):
        merged["by_period"] = [
            {"period": p.period, "mentions": part["counts"]["mentions"]} for (p, _), part in zip(found, parts)
        ]
    return merged
