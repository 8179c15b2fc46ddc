"""/search: the search desk. Sentences matching the words (ingest/serve/search.py), narrowed by
outlet, date from/to, language and an entity mentioned in the same sentence or article; the
total, counts by outlet and by month, a page of results newest first (headline linked to the
article at that sentence, outlet, date, marked snippet) and links to the next pages, and a
chart of the matches per month (its data: /search.csv?...&by=month). `?order=rank` lists the
best matches first (bm25, the `search` canned query). Every choice is in the URL;
/search.json gives the same as data, /search.csv the page's rows (`?by=outlet` or
`?by=month`: the counts instead).

An archive of partitions adds `?period=` (repeatable: a period, or a year taking in its
months), the counts by period and each row's period. The query layer is
ingest/serve/search_desk.py.
"""

import csv
import io

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from ingest.serve import search_desk
from ingest.serve.archive import canned_sql, chosen, periods_asked, readable, spans_periods
from ingest.serve.charts import bars, over_time
from ingest.serve.search import UNKNOWN, Search


def as_csv(rows: list[dict], columns: list[str]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8")


async def search_page(request, datasette):
    parts = await readable(datasette, request.actor)
    periods = periods_asked(parts, request.args.getlist("period"))
    plain = Search.from_args(request.args)
    search = search_desk.PeriodSearch(plain, periods)
    by_period = spans_periods(parts)
    order = "rank" if request.args.get("order") == "rank" and plain.q else "date"
    ranked_sql = await canned_sql(datasette, parts, "search", request.actor) if order == "rank" else ""
    found = await search_desk.results(chosen(parts, periods), plain, order, ranked_sql, by_period)
    for row in found["rows"]:
        row["article_url"] = datasette.urls.path(f"/article/{row['article_id']}") + f"#s{row['sentence']}"
    pages, more = search_desk.paging(found, plain)
    links = {
        "next": f"?{search.query_string(page=plain.page + 1)}" if more and order == "date" else None,
        "previous": f"?{search.query_string(page=plain.page - 1)}" if plain.page > 1 and order == "date" else None,
    }
    fmt = request.url_vars.get("format")
    if fmt == "csv":
        by = request.args.get("by")
        if by in search_desk.counted_by(by_period):
            return as_csv(found[f"by_{by}"], [by, "matches"])
        return as_csv(found["rows"], search_desk.csv_columns(by_period))
    if fmt == "json":
        return Response.json(
            {"search": search.params(), "order": order, "page": plain.page, "pages": pages, **found}
            | {name: datasette.urls.path(f"/search.json{link}") if link else None for name, link in links.items()}
        )
    for row in found["rows"]:
        row["snippet"] = Markup(row["snippet"] or "")  # mark_words escaped the text; its only tags are <mark>
    return Response.html(
        await datasette.render_template(
            "search.html",
            {
                "database": parts[0].period,
                "search": search,
                "found": found,
                "pages": pages,
                "links": links,
                "chart": bars(over_time({c["month"]: c["matches"] for c in found["by_month"]})),
                "undated": sum(c["matches"] for c in found["by_month"] if c["month"] == UNKNOWN),
                "outlets": await search_desk.choices(parts, search_desk.OUTLETS_SQL),
                "languages": await search_desk.choices(parts, search_desk.LANGUAGES_SQL),
                "periods": [p.period for p in parts] if by_period else [],
                "order": order,
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/search(\.(?P<format>json|csv))?$", search_page)]
