"""Short, database-independent URLs: /map and /passages redirect to the served database's
`places_map` and `shared_passages` canned queries, keeping the query string (e.g.
/map?q=putin). /search is a page of its own (plugins/search_page.py)."""

from datasette import hookimpl
from datasette.utils.asgi import Response

TARGETS = {"map": "places_map", "passages": "shared_passages"}


async def redirect(request, datasette):
    database = datasette.get_database().name
    url = datasette.urls.query(database, TARGETS[request.url_vars["page"]])
    if request.query_string:
        url += "?" + request.query_string
    return Response.redirect(url)


@hookimpl
def register_routes():
    return [(r"^/(?P<page>map|passages)$", redirect)]
