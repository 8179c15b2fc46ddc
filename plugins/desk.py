"""Template variable `desk`: what a researcher comes for (articles, search, the map, entities,
quotes, passages, the network, the timeline), each with its link, a line on what it holds and,
where one count says it, how many. The home and database pages (templates/index.html,
templates/database.html) lead with it, before Datasette's list of tables."""

from datasette import hookimpl

# (title, path under the site or under the database when it starts with "table:", what it holds, counted table)
PAGES = [
    (
        "Articles",
        "table:articles",
        "each article's text, outlet, date and source; open one to read it with its people, places and quotes marked",
        "articles",
    ),
    (
        "Search",
        "/search",
        "every sentence by word or Indonesian stem (pertemuan also finds bertemu), narrowed by outlet, date, language or an entity mentioned, with counts by outlet and month, CSV, JSON and an Atom feed",
        "sentences",
    ),
    ("Map", "/map", "the places the articles mention, on a map that works offline", "places"),
    (
        "Entities",
        "table:entities",
        "people, organisations and places, the most mentioned first; each has a page with its mentions and who is mentioned with it",
        "entities",
    ),
    ("Quotes", "table:quotes", "who said what: quoted words and reported speech, with the speaker", "quotes"),
    (
        "Passages",
        "/passages",
        "sentences that several articles share nearly word for word (wire copy, the same quote)",
        "passage_clusters",
    ),
    ("Network", "/network", "who is mentioned with whom, drawn as a graph", None),
    (
        "Timeline",
        "/timeline",
        "the dates the articles mention, as a chart of events per month and in date order",
        "dated_mentions",
    ),
]


COUNTED: dict[str, dict[str, int | None]] = {}  # database file -> counts, for immutable files


async def table_count(archive, table: str) -> int | None:
    """Rows in `table`: counted once for an immutable archive (it cannot change while served;
    at 100,000 articles `sentences` alone takes a second to count), every time for a live one."""
    if archive.is_mutable:
        return (await archive.execute(f"select count(*) from [{table}]")).first()[0]
    counts = COUNTED.setdefault(archive.path, {})
    if table not in counts:
        counts[table] = (await archive.execute(f"select count(*) from [{table}]")).first()[0]
    return counts[table]


@hookimpl
def extra_template_vars(view_name, database, datasette):
    if view_name not in ("index", "database"):
        return {}
    archive = datasette.get_database()
    if view_name == "database" and database != archive.name:
        return {}  # the basemap's page

    async def desk():
        entries = []
        for title, path, holds, table in PAGES:
            url = (
                datasette.urls.table(archive.name, path.removeprefix("table:"))
                if path.startswith("table:")
                else datasette.urls.path(path)
            )
            count = None
            if table and await archive.table_exists(table):
                count = await table_count(archive, table)
            entries.append({"title": title, "url": url, "holds": holds, "count": count, "table": table})
        return {"desk": entries}

    return desk
