"""The desk on the home and database pages (templates/_desk.html): what a researcher comes for
(articles, search, the map, entities, quotes, passages, the network, the timeline), each with
its link, a line on what it holds and, where one count says it, how many, counted over an
archive's partitions (ingest/serve/archive.py): the home page counts every partition, a
database page its own."""

from collections.abc import Sequence

from ingest.serve.archive import Partition

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
    """Rows in `table` of one database, None when it has no such table: counted once for an
    immutable database (it cannot change while served; at 100,000 articles `sentences` alone
    takes a second to count), every time for a live one."""
    if not await archive.table_exists(table):
        return None
    if archive.is_mutable:
        return (await archive.execute(f"select count(*) from [{table}]")).first()[0]
    counts = COUNTED.setdefault(archive.path, {})
    if table not in counts:
        counts[table] = (await archive.execute(f"select count(*) from [{table}]")).first()[0]
    return counts[table]


async def total(partitions: Sequence[Partition], table: str) -> int | None:
    """Rows in `table` across `partitions`; None when none of them has it."""
    counts = [await table_count(p.db, table) for p in partitions]
    known = [c for c in counts if c is not None]
    return sum(known) if known else None
