"""The map (/map, and .json) over an archive's partitions (ingest/serve/archive.py): the places
the articles mention (the `places_map` canned query in each partition; with `q`, only the
mentions in sentences matching it), mentions added up across partitions."""

from collections.abc import Sequence

from ingest.serve.archive import Partition, each

SHOWN_PLACES = 100  # rows in the table under the map; the map has them all
MAPPED = ("entity_id", "name", "latitude", "longitude")  # what the map draws of each place


async def places(partitions: Sequence[Partition], places_sql: str, q: str) -> list[dict]:
    """Every place with coordinates, mentions added up, the most mentioned first (then by name)."""
    merged: dict[int, dict] = {}
    for rows in await each(partitions, places_sql, {"q": q}):
        for row in rows:
            kept = merged.setdefault(row["entity_id"], dict(row, mentions=0))
            kept["mentions"] += row["mentions"]
    return sorted(merged.values(), key=lambda p: (-p["mentions"], p["name"]))
