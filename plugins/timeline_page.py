"""/timeline: the dates the articles mention, as a chart of events per month (the
`timeline_months` canned query, whose CSV is the chart's data) and the first events in date
order, each linked to its sentence; `?entity=` (a name, spelling, id or Wikidata id) keeps
those in sentences that mention it. The `timeline` canned query lists them all. The query
layer, over one file or the partitions of an archive, is ingest/serve/timeline.py."""

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.serve import timeline as timeline_queries
from ingest.serve.archive import canned_sql, readable
from ingest.serve.charts import bars, over_time


async def timeline(request, datasette):
    parts = await readable(datasette, request.actor)
    entity = (request.args.get("entity") or "").replace("\x00", " ").strip()
    found = await timeline_queries.timeline(
        parts,
        await canned_sql(datasette, parts, "timeline_months", request.actor),
        await canned_sql(datasette, parts, "timeline", request.actor),
        entity,
    )
    newest = parts[0].period  # the canned queries' links: the newest partition's
    suffix = f"?entity={entity}"
    return Response.html(
        await datasette.render_template(
            "timeline.html",
            {
                "database": newest,
                "entity": entity,
                "chart": bars(over_time(found["months"])),
                "events": [
                    e | {"url": datasette.urls.path(f"/article/{e['article_id']}") + f"#s{e['sentence']}"}
                    for e in found["events"]
                ],
                "shown": timeline_queries.SHOWN,
                "csv_url": datasette.urls.query(newest, "timeline_months", format="csv") + suffix,
                "all_url": datasette.urls.query(newest, "timeline") + suffix,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/timeline$", timeline)]
