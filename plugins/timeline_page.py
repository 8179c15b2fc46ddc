"""/timeline: the dates the articles mention (13 September, Juli lalu, pekan lalu), as a chart
of events per month (the `timeline_months` canned query, whose CSV is the chart's data) and
the first events in date order, each linked to its sentence; `?entity=` (a name, spelling, id
or Wikidata id) keeps those in sentences that mention it. The `timeline` canned query lists
them all."""

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.serve.charts import bars, over_time

SHOWN = 100


async def timeline(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    entity = (request.args.get("entity") or "").replace("\x00", " ").strip()
    queries = await datasette.get_canned_queries(db.name, request.actor)
    months = {r["month"]: r["events"] for r in await db.execute(queries["timeline_months"]["sql"], {"entity": entity})}
    events = await db.execute(f"select * from ({queries['timeline']['sql']}) limit {SHOWN}", {"entity": entity})
    suffix = f"?entity={entity}" if entity else "?entity="
    return Response.html(
        await datasette.render_template(
            "timeline.html",
            {
                "database": db.name,
                "entity": entity,
                "chart": bars(over_time(months)),
                "events": [
                    dict(r) | {"url": datasette.urls.path(f"/article/{r['article_id']}") + f"#s{r['sentence']}"}
                    for r in events
                ],
                "shown": SHOWN,
                "csv_url": datasette.urls.query(db.name, "timeline_months", format="csv") + suffix,
                "all_url": datasette.urls.query(db.name, "timeline") + suffix,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/timeline$", timeline)]
