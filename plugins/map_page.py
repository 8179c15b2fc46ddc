"""/map: the places the articles mention, on a map that works offline, with the most mentioned
in a table under it; `?q=` keeps the mentions in sentences matching the words (as /search
reads them), and in an archive of partitions `?period=` (repeatable) narrows to some.
/map.json gives the same places as data. An archive of one partition links to its
`places_map` canned query (its SQL, CSV and JSON). The query layer, over one file or the
partitions of an archive, is ingest/serve/places.py."""

from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.serve.archive import canned_sql, chosen, periods_asked, readable, spans_periods
from ingest.serve.places import MAPPED, SHOWN_PLACES, places


async def places_map(request, datasette):
    parts = await readable(datasette, request.actor)
    q = (request.args.get("q") or "").replace("\x00", " ").strip()
    periods = periods_asked(parts, request.args.getlist("period"))
    found = await places(chosen(parts, periods), await canned_sql(datasette, parts, "places_map", request.actor), q)
    if request.url_vars.get("format") == "json":
        return Response.json({"q": q, "periods": periods, "places": found})
    query_url = None
    if not spans_periods(parts):
        query_url = datasette.urls.query(parts[0].period, "places_map") + (f"?{urlencode({'q': q})}" if q else "")
    return Response.html(
        await datasette.render_template(
            "map.html",
            {
                "database": parts[0].period,
                "q": q,
                "periods": [p.period for p in parts] if spans_periods(parts) else [],
                "chosen": periods,
                "places": [{k: p[k] for k in MAPPED} for p in found],
                "rows": found[:SHOWN_PLACES],
                "total": len(found),
                "json_url": datasette.urls.path("/map.json") + "?" + urlencode({"q": q, "period": periods}, doseq=True),
                "query_url": query_url,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/map(\.(?P<format>json))?$", places_map)]
