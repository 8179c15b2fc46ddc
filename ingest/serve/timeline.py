"""The timeline (/timeline) over an archive's partitions (ingest/serve/archive.py): the dates the
articles mention (13 September, Juli lalu, pekan lalu), as events per month (the
`timeline_months` canned query) and the first events in date order (the `timeline` canned
query); with an entity (a name, spelling, id or Wikidata id), those in sentences that mention
it. Months are added up across partitions, the first events taken in date order."""

from collections.abc import Sequence

from ingest.serve.archive import Partition, each

SHOWN = 100  # events listed on the page; the `timeline` canned query lists them all


async def timeline(partitions: Sequence[Partition], months_sql: str, events_sql: str, entity: str) -> dict:
    """{"months": {month: events}, "events": the first SHOWN in date order}."""
    months: dict[str, int] = {}
    for rows in await each(partitions, months_sql, {"entity": entity}):
        for row in rows:
            months[row["month"]] = months.get(row["month"], 0) + row["events"]
    limited = f"select * from ({events_sql}) limit {int(SHOWN)}"
    events = [r for rows in await each(partitions, limited, {"entity": entity}) for r in rows]
    events.sort(key=lambda e: (e["date_start"], e["date_end"], e["article_id"], e["sentence"]))
    return {"months": months, "events": events[:SHOWN]}
