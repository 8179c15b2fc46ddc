"""/entity/<id or key>: an entity, its Wikidata link, how often it is mentioned, a chart of its
mentions per month (the `entity_months` canned query, whose CSV is the chart's data), the
entities mentioned with it and the sentences that mention it (each linked to its sentence);
/entity/<id or key>.json gives the entity, its counts, co-mentions and months as data. The
query layer, over one file or the partitions of an archive, is ingest/serve/entity.py."""

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from ingest.serve import entity as entity_queries
from ingest.serve.archive import canned_sql, readable
from ingest.serve.charts import bars, over_time

JSON_KEYS = ("entity", "counts", "co_mentions", "months", "by_period")


async def entity(request, datasette):
    parts = await readable(datasette, request.actor)
    months_sql = await canned_sql(datasette, parts, "entity_months", request.actor)
    found = await entity_queries.entity(parts, request.url_vars["key"], months_sql)
    if found is None:
        raise NotFound("No such entity")
    if request.url_vars.get("format") == "json":
        return Response.json({k: found[k] for k in JSON_KEYS if k in found})
    entity, home = found["entity"], found["home"]
    query_urls = {name: datasette.urls.query(home, name) + f"?entity={entity['id']}" for name in entity_queries.QUERIES}
    query_urls["entity_months_csv"] = (
        datasette.urls.query(home, "entity_months", format="csv") + f"?entity={entity['id']}"
    )
    has_coordinates = entity["latitude"] is not None and entity["longitude"] is not None
    return Response.html(
        await datasette.render_template(
            "entity.html",
            {
                "database": home,
                "entity": entity,
                **{k: found[k] for k in ("counts", "co_mentions", "co_mentions_sampled", "sample", "mentions")},
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
                "months": bars(over_time(found["months"])),
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/entity/(?P<key>[^/]+?)(\.(?P<format>json))?$", entity)]
