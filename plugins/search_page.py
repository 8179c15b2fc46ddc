"""/search: the search desk. Sentences matching the words (ingest/serve/search.py), narrowed by
outlet, date from/to, language and an entity mentioned in the same sentence or article; the
total, counts by outlet and by month, a page of results newest first (headline linked to the
article at that sentence, outlet, date, marked snippet) and links to the next pages, and a
chart of the matches per month (its data: /search.csv?...&by=month). Every choice is in the
URL; /search.json gives the same as data, /search.csv the page's rows (`?by=outlet` or
`?by=month`: the counts instead).

Where the match set is larger than ingest/serve/search.py's CAP (10,000 sentences), the counts are
those of its matches among the 10,000 most recently added sentences and the total may be a
bound ("more than", "at least"): the page says so wherever it shows them (`total_is`,
`counted_among` in the JSON).
"""

import csv
import io

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup

from ingest.serve.charts import bars, over_time
from ingest.serve.search import NO_MATCHES, UNKNOWN, Search, run

OUTLETS_SQL = "select distinct outlet from articles where outlet is not null order by outlet"
LANGUAGES_SQL = "select distinct language from articles where language is not null order by language"
TOO_LONG = {**NO_MATCHES, "error": "The search took too long."}  # what a search past the time limit shows


COUNT_TIME_LIMIT_MS = 1000  # for the exact total of a common word (1.8M sentences at 100,000 articles: 0.2 s)


def counter(db):
    """`run`'s `count` for `db`: the exact total of a common word, within COUNT_TIME_LIMIT_MS."""

    async def count(sql, params):
        try:
            return (await db.execute(sql, params, custom_time_limit=COUNT_TIME_LIMIT_MS)).first()[0]
        except QueryInterrupted:
            return None  # said as "more than 10,000"

    return count


def paging(found: dict, search: Search) -> tuple[int | None, bool]:
    """The number of pages (None when the total is a bound) and whether a page follows this one
    (with a bound: when this page is full)."""
    if found["total_is"] == "exact":
        pages = -(-found["total"] // search.size)
        return pages, search.page < pages
    return None, len(found["rows"]) == search.size


async def run_search(db, search: Search) -> dict:
    """The counts and one page of `search`; {"error": ...} when it exceeds the time limit."""
    try:
        return await run(db.execute, search, count=counter(db))
    except QueryInterrupted:
        return dict(TOO_LONG)


CHOICES: dict[tuple[str, str], list[str]] = {}  # (database file, sql) -> values, for immutable files


async def choices(db, sql: str) -> list[str]:
    """The form's outlets or languages: read once from an immutable archive, every time from a live one."""
    if db.is_mutable or (db.path, sql) not in CHOICES:
        CHOICES[(db.path, sql)] = [r[0] for r in await db.execute(sql)]
    return CHOICES[(db.path, sql)]


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
    pages, more = paging(found, search)
    links = {
        "next": f"?{search.query_string(page=search.page + 1)}" if more else None,
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
                "outlets": await choices(db, OUTLETS_SQL),
                "languages": await choices(db, LANGUAGES_SQL),
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/search(\.(?P<format>json|csv))?$", search_page)]
