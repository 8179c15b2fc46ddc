"""Template variable `desk`: what a researcher comes for, each with its link, a line on what it
holds and, where one count says it, how many (ingest/serve/desk.py). The home and database pages
(templates/index.html, templates/database.html) lead with it, before Datasette's list of
tables: the home page counts every partition of the archive, a partition's page its own."""

from datasette import hookimpl

from ingest.serve.archive import served
from ingest.serve.desk import PAGES, total


@hookimpl
def extra_template_vars(view_name, database, datasette):
    if view_name not in ("index", "database"):
        return {}
    parts = served(datasette)
    counted = [p for p in parts if p.period == database] if view_name == "database" else parts
    if not counted:
        return {}  # the basemap's page, or _memory's

    async def desk():
        entries = []
        for title, path, holds, table in PAGES:
            url = (
                datasette.urls.table(counted[0].period, path.removeprefix("table:"))
                if path.startswith("table:")
                else datasette.urls.path(path)
            )
            count = await total(counted, table) if table else None
            entries.append({"title": title, "url": url, "holds": holds, "count": count, "table": table})
        return {"desk": entries}

    return desk
