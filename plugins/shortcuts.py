"""Short, database-independent URLs: /search and /map redirect to the served database's
`search` and `places_map` canned queries, keeping the query string (e.g. /search?q=putin)."""

from datasette import hookimpl
from datasette.utils.asgi import Response

TARGETS = {"search": "search", "map": "places_map"}


async def redirect(request, datasette):
    database = datasette.get_database().name
    url = datasette.urls.query(database, TARGETS[request.url_vars["page"]])
    if request.query_string:
        url += "?" + request.query_string
    return Response.redirect(url)


@hookimpl
def register_routes():
    return [(r"^/(?P<page>search|map)$", redirect)]
