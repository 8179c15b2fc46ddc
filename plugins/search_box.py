"""The table pages' search box accepts any input without an error page.

Datasette 0.65 passes `_search` through its `escape_fts()` SQL function into FTS5 MATCH,
which quotes words but still fails on a blank box (the filter form submits it with every
filter), on input that escapes to nothing, such as a lone `"`, and on a NUL character
(SQLite ends the query string there). A blank `_search` is dropped from the request, so it
means "no search"; `escape_fts` is replaced by one that reads NUL as a space and falls back
to `""`, a query that matches nothing.
"""

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.utils import escape_fts

MATCH_NOTHING = '""'


def safe_escape_fts(query):
    return escape_fts((query or "").replace("\x00", " ")) or MATCH_NOTHING


def without_blank_search(query_string: bytes) -> bytes:
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [
        (key, value)
        for key, value in pairs
        if not (key.startswith("_search") and key != "_searchmode" and not value.strip())
    ]
    return query_string if len(kept) == len(pairs) else urlencode(kept).encode()


@hookimpl
def asgi_wrapper():
    def wrap(app):
        async def app_without_blank_search(scope, receive, send):
            if scope["type"] == "http" and b"_search" in scope.get("query_string", b""):
                scope = dict(scope, query_string=without_blank_search(scope["query_string"]))
            await app(scope, receive, send)

        return app_without_blank_search

    return wrap


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so this definition wins
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, safe_escape_fts, deterministic=True)
