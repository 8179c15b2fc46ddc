"""/passages: a short, database-independent URL for the `shared_passages` canned query, keeping
the query string (e.g. /passages?cluster=4). In an archive of partitions it is the newest
partition's (shared passages are found within a partition). /search, /map, /network and
/timeline are pages of their own."""

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.serve.archive import served


async def passages(request, datasette):
    url = datasette.urls.query(served(datasette)[0].period, "shared_passages")
    return Response.redirect(url + (f"?{request.query_string}" if request.query_string else ""))


@hookimpl
def register_routes():
    return [(r"^/passages$", passages)]
