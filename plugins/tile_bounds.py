"""A map tile outside any map answers 404, not 500: datasette-tiles computes the row of
`/-/tiles/basemap/99/0/0.png` as 2**99 - 1, which SQLite cannot take as an integer
(OverflowError, a 500). Tile addresses are checked here first: zoom at most `MAX_ZOOM`
(OpenStreetMap's deepest is 19-20), and x and y inside the 2**zoom tiles of that zoom.
"""

import re

from datasette import hookimpl

MAX_ZOOM = 30
TILE = re.compile(r"^/-/tiles(?:-tms|-stack|-stack-tms)?/(?:[^/]+/)?(\d+)/(\d+)/(\d+)\.png$")


def outside(path: str) -> bool:
    """Whether `path` is a tile address no map holds."""
    found = TILE.match(path)
    if found is None:
        return False
    if any(len(n) > 10 for n in found.groups()):  # also spares int() a number of 5,000 digits
        return True
    z, x, y = (int(n) for n in found.groups())
    return z > MAX_ZOOM or x >= 2**z or y >= 2**z


def bounded_tiles(app):
    async def wrapped(scope, receive, send):
        if scope["type"] == "http" and outside(scope["path"]):
            await send(
                {
                    "type": "http.response.start",
                    "status": 404,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send(
                {"type": "http.response.body", "body": b"No such tile: outside the map's zoom levels or its tiles.\n"}
            )
            return
        await app(scope, receive, send)

    return wrapped


@hookimpl
def asgi_wrapper():
    return bounded_tiles
