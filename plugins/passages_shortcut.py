"""/passages: shortcut to the served database's `shared_passages` canned query (passages
that several articles share), keeping the query string, like /search and /map."""

from datasette import hookimpl
from datasette.utils.asgi import Response


async def redirect(request, datasette):
    url = datasette.urls.query(datasette.get_database().name, "shared_passages")
    if request.query_string:
        url += "?" + request.query_string
    return Response.redirect(url)


@hookimpl
def register_routes():
    return [(r"^/passages$", redirect)]
