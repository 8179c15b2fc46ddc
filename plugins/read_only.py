"""The archive is read-only: every request that is not a read is refused with 405.

Datasette 0.65 answers a POST to a table or a read-only canned query with a 500 error
(nothing is written, but a server error is the wrong answer); this says so plainly.
"""

from datasette import hookimpl

READS = {"GET", "HEAD", "OPTIONS"}


def refuse_writes(app):
    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in READS:
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")],
                }
            )
            await send({"type": "http.response.body", "body": b"This archive is read-only.\n"})
            return
        await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper():
    return refuse_writes
