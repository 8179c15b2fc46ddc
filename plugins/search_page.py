"""/search: the search desk. Sentences matching the words (ingest/search.py), narrowed by
outlet, date from/to, language and an entity mentioned in the same sentence or article; the
total, counts by outlet and by month for the whole match set, a page of results newest first
(headline linked to the article at that sentence, outlet, date, marked snippet) and links to
the next pages, and a chart of the matches per month (its data: /search.csv?...&by=month). Every choice is in the URL; /search.json gives the same as data, /search.csv
the page's rows (`?by=outlet` or `?by=month`: the counts instead).
"""

import csv
import io

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup

from ingest.charts import bars, over_time
from ingest.search import UNKNOWN, Search, tally

OUTLETS_SQL = "select distinct outlet from articles where outlet is not null order by outlet"
LANGUAGES_SQL = "select distinct language from articles where language is not null order by language"


async def run_search(db, search: Search) -> dict:
    """The counts and one page of `search`; {"error": ...} when it exceeds the time limit."""
    if not search.active:
        return {"total": 0, "by_outlet": [], "by_month": [], "rows": []}
    try:
        counts = tally(await db.execute(*search.counts_sql()))
        rows = [dict(r) for r in await db.execute(*search.page_sql())]
    except QueryInterrupted:
        return {"total": 0, "by_outlet": [], "by_month": [], "rows": [], "error": "The search took too long."}
    return {**counts, "rows": rows}


def as_csv(rows: list[dict], columns: list[str]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8")


async def search_page(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    search = Search.from_args(request.args)
    found = await run_search(db, search)
    for row in found["rows"]:
        row["article_url"] = datasette.urls.path(f"/article/{row['article_id']}") + f"#s{row['sentence']}"
    pages = -(-found["total"] // search.size)
    links = {
        "next": f"?{search.query_string(page=search.page + 1)}" if search.page < pages else None,
        "previous": f"?{search.query_string(page=search.page - 1)}" if search.page > 1 else None,
    }
    fmt = request.url_vars.get("format")
    if fmt == "csv":
        by = request.args.get("by")
        if by in ("outlet", "month"):
            return as_csv(found[f"by_{by}"], [by, "matches"])
        return as_csv(found["rows"], ["published", "outlet", "title", "article_url", "sentence_id", "snippet"])
    if fmt == "json":
        return Response.json(
            {"search": search.params(), "page": search.page, "pages": pages, **found}
            | {name: datasette.urls.path(f"/search.json{link}") if link else None for name, link in links.items()}
        )
    for row in found["rows"]:
        row["snippet"] = Markup(row["snippet"] or "")  # mark_words escaped the text; its only tags are <mark>
    return Response.html(
        await datasette.render_template(
            "search.html",
            {
                "database": db.name,
                "search": search,
                "found": found,
                "pages": pages,
                "links": links,
                "chart": bars(over_time({c["month"]: c["matches"] for c in found["by_month"]})),
                "undated": sum(c["matches"] for c in found["by_month"] if c["month"] == UNKNOWN),
                "outlets": [r[0] for r in await db.execute(OUTLETS_SQL)],
                "languages": [r[0] for r in await db.execute(LANGUAGES_SQL)],
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/search(\.(?P<format>json|csv))?$", search_page)]
