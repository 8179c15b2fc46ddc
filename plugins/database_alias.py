"""Apply metadata.yml's `archive` section to whatever database file is being served.

Datasette names a database after its file, so `newsarchive serve --db news.db` would
otherwise serve `news` without the descriptions, facets and canned queries.
"""

from datasette import hookimpl

DESCRIBED_AS = "archive"


@hookimpl
def get_metadata(datasette):
    # The local metadata (metadata.yml) is merged after plugins' and wins for `archive` itself.
    described = (datasette._metadata_local.get("databases") or {}).get(DESCRIBED_AS)
    if not described:
        return {}
    names = [name for name in datasette.databases if name != "_internal"]
    return {"databases": {name: described for name in names}}
