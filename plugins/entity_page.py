"""/entity/<id or key>: an entity, its Wikidata link, how often it is mentioned, a chart of its
mentions per month (the `entity_months` canned query, whose CSV is the chart's data), the
entities mentioned with it and the sentences that mention it (each linked to its sentence)."""

import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from ingest.charts import bars, over_time

ENTITY_SQL = """
select e.*, p.latitude, p.longitude, p.kind, p.country_code
from entities e left join places p on p.entity_id = e.id
where cast(e.id as text) = :key or e.key = :key
"""
COUNTS_SQL = "select count(*) as mentions, count(distinct article_id) as articles from mentions where entity_id = ?"
CO_MENTIONS_SQL = """
select other.id, other.name, other.type, count(distinct m2.sentence_id) as sentences
from mentions m1
join mentions m2 on m2.sentence_id = m1.sentence_id and m2.entity_id != m1.entity_id
join entities other on other.id = m2.entity_id
where m1.entity_id = ?
group by other.id order by sentences desc, other.name limit 50
"""
MENTIONS_SQL = """
select s.text, s.position, m.char_start, m.char_end, m.article_id, a.title, a.published
from mentions m join sentences s on s.id = m.sentence_id join articles a on a.id = m.article_id
where m.entity_id = ? order by a.published, m.article_id, s.position, m.char_start limit ?
"""
SHOWN_MENTIONS = 100
WIKIDATA_ID = re.compile(r"^Q[0-9]+$")


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
    return Response.html(
        await datasette.render_template(
            "entity.html",
            {
                "database": db.name,
                "entity": entity,
                "counts": dict((await db.execute(COUNTS_SQL, [entity["id"]])).first()),
                "co_mentions": [dict(r) for r in await db.execute(CO_MENTIONS_SQL, [entity["id"]])],
                "mentions": [dict(r) for r in await db.execute(MENTIONS_SQL, [entity["id"], SHOWN_MENTIONS])],
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
