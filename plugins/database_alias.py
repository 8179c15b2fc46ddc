"""Apply metadata.yml's `archive` section to whatever database file is being served.

Datasette names a database after its file, so `newsarchive serve --db news.db` would
otherwise serve `news` without the descriptions, facets and canned queries.

The `archive` section is read through Datasette's public `metadata()`, which asks every
plugin's `get_metadata`, this one included: while this hook is asking, it answers nothing.
"""

from contextvars import ContextVar

from datasette import hookimpl

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
    names = [name for name in datasette.databases if name != "_internal"]
    return {"databases": {name: described for name in names}}
