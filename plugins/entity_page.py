"""/entity/<id or key>: an entity, its Wikidata link, how often it is mentioned, a chart of its
mentions per month (the `entity_months` canned query, whose CSV is the chart's data), the
entities mentioned with it and the sentences that mention it (each linked to its sentence).

At 100,000 articles the most mentioned entity has about 500,000 mentions, so nothing here
reads them all: the counts and the chart come from what the ingest keeps (`entities.mentions`,
`entity_dates`, migration 0006); the co-mentions are counted exactly in the sentences of its
`SAMPLE` most recently added mentions, which is all of them for most entities and is said on
the page when it is not; its first mentions in date order are read from the articles of the
first dates `entity_dates` gives, not from every mention.
"""

import json
import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from ingest.serve.charts import bars, over_time

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


async def gather(execute, entity_id: int) -> dict:
    """The entity page's counts, co-mentions and first mentions, with `execute(sql, params)`
    (awaited, returning rows): Datasette's `db.execute` here, sqlite3 in bench/query_bench.py."""
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


async def entity(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    row = (await db.execute(ENTITY_SQL, {"key": request.url_vars["key"]})).first()
    if row is None:
        raise NotFound("No such entity")
    entity = dict(row)
    if not WIKIDATA_ID.match(entity["wikidata"] or ""):
        entity["wikidata"] = None  # only ever link to a well-formed Wikidata item
    has_coordinates = entity["latitude"] is not None and entity["longitude"] is not None
    query_urls = {
        name: datasette.urls.query(db.name, name) + f"?entity={entity['id']}"
        for name in ("mentions_of", "co_mentions", "entity_timeline", "entity_months")
    }
    query_urls["entity_months_csv"] = (
        datasette.urls.query(db.name, "entity_months", format="csv") + f"?entity={entity['id']}"
    )
    months_sql = (await datasette.get_canned_queries(db.name, request.actor))["entity_months"]["sql"]
    months = {r["month"]: r["mentions"] for r in await db.execute(months_sql, {"entity": str(entity["id"])})}
    found = await gather(db.execute, entity["id"])
    return Response.html(
        await datasette.render_template(
            "entity.html",
            {
                "database": db.name,
                "entity": entity,
                **found,
                "places": [
                    {
                        "entity_id": entity["id"],
                        "name": entity["name"],
                        "latitude": entity["latitude"],
                        "longitude": entity["longitude"],
                    }
                ]
                if has_coordinates
                else [],
                "query_urls": query_urls,
                "months": bars(over_time(months)),
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/entity/(?P<key>[^/]+)$", entity)]
