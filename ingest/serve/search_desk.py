"""The search desk (/search, .json, .csv, and the feed /search.atom) over an archive's
partitions (ingest/serve/archive.py): a single file's one partition runs ingest/serve/search.py's
`run`; several are each run at once and their rows merged here.

- **search**: each partition runs a single archive's bounded search; counts added up (total,
  by outlet, by month, and by period), bounds where a partition's are; the page of results
  in the desk's order, newest first, undated last. Partitions of one granularity hold disjoint
  periods, so that order is the partitions' order: only the partitions the page falls in are
  asked for rows. Partitions whose periods overlap (2024.db beside 2024-06.db, put together
  by hand) are merged row by row on the publication date instead.
- **ranked search** (`?order=rank`): the best matches of each partition (bm25, the `search`
  canned query), merged by score, then date. bm25 weighs words by their frequency in each
  partition, so scores from different partitions are close to, not exactly, what one file
  would give.

Where the match set is larger than ingest/serve/search.py's CAP (10,000 sentences), the counts are
those of its matches among the 10,000 most recently added sentences and the total may be a
bound ("more than", "at least"): the page says so wherever it shows them (`total_is`,
`counted_among` in the JSON).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from urllib.parse import urlencode

from datasette.database import QueryInterrupted

from ingest.serve.archive import Partition, disjoint, each, spans_periods
from ingest.serve.search import CAP, NO_MATCHES, Search, listed, run

OUTLETS_SQL = "select distinct outlet from articles where outlet is not null order by outlet"
LANGUAGES_SQL = "select distinct language from articles where language is not null order by language"
TOO_LONG = {**NO_MATCHES, "error": "The search took too long."}  # what a search past the time limit shows
COUNT_TIME_LIMIT_MS = 1000  # for the exact total of a common word (1.8M sentences at 100,000 articles: 0.2 s)
ROW_COLUMNS = ["published", "outlet", "title", "article_url", "sentence_id", "snippet"]  # the CSV of a page of rows

Counter = Callable[[Partition], Callable[..., Awaitable[int | None]]]


def counter(partition: Partition):
    """`run`'s `count` for `partition`: the exact total of a common word, within COUNT_TIME_LIMIT_MS."""

    async def count(sql, params):
        try:
            return (await partition.db.execute(sql, params, custom_time_limit=COUNT_TIME_LIMIT_MS)).first()[0]
        except QueryInterrupted:
            return None  # said as "more than 10,000"

    return count


class PeriodSearch:
    """A `Search` whose query strings keep the chosen periods, so the template's links
    (pages, outlets, JSON, CSV, feed) stay inside them."""

    def __init__(self, search: Search, periods: list[str]):
        self._search, self.periods = search, periods

    def __getattr__(self, name):
        return getattr(self._search, name)

    def params(self, **changes) -> dict:
        return self._search.params(**changes) | ({"period": self.periods} if self.periods else {})

    def query_string(self, **changes) -> str:
        return urlencode(self.params(**changes), doseq=True)

    def only(self, period: str) -> str:
        """The query string of this search in `period` alone, from its first page."""
        return urlencode(self._search.params(page=1) | {"period": period})


def paging(found: dict, search: Search) -> tuple[int | None, bool]:
    """The number of pages (None when the total is a bound) and whether a page follows this one
    (with a bound: when this page is full)."""
    if found["total_is"] == "exact":
        pages = -(-found["total"] // search.size)
        return pages, search.page < pages
    return None, len(found["rows"]) == search.size


def csv_columns(by_period: bool) -> list[str]:
    """The columns of a page of rows as CSV: with the period each comes from, when there are periods."""
    return ["published", "period", *ROW_COLUMNS[1:]] if by_period else ROW_COLUMNS


def counted_by(by_period: bool) -> tuple[str, ...]:
    """What `/search.csv?by=` may count by."""
    return ("outlet", "month", "period") if by_period else ("outlet", "month")


async def results(
    partitions: Sequence[Partition], search: Search, order: str, ranked_sql: str, by_period: bool
) -> dict:
    """The desk's counts and one page of rows, in `order` ("date", or "rank": `ranked_sql`,
    the `search` canned query); what a search past the time limit shows when it is one."""
    try:
        found = await find(partitions, search, count=counter, by_period=by_period)
        if order == "rank":
            found["rows"] = await ranked(partitions, ranked_sql, search.q, search.size, by_period)
    except QueryInterrupted:
        found = dict(TOO_LONG) | ({"by_period": []} if by_period else {})
    return found


async def newest(partitions: Sequence[Partition], search: Search, by_period: bool) -> list[dict]:
    """The first page of `search`'s rows (the feed); none past the time limit. One partition
    reads its page alone, without the counts."""
    if not search.active:
        return []
    try:
        if not by_period:
            (only,) = partitions
            return (await run(only.db.execute, search, with_counts=False))["rows"]
        return (await find(partitions, search, by_period=True))["rows"]
    except QueryInterrupted:
        return []


async def find(
    partitions: Sequence[Partition],
    search: Search,
    cap: int = CAP,
    count: Counter | None = None,
    by_period: bool | None = None,
) -> dict:
    """The search desk's counts and one page of results across `partitions` (newest first):
    {"total", "total_is", "counted_among", "by_outlet", "by_month", "rows"}, and `by_period`
    (by default: when there are several partitions) "by_period" (each with its "matches_is")
    and each row's "period". Those chosen from an archive of periods (`?period=`) may be one
    partition, or none, and still say their periods.

    One partition runs a single archive's bounded search (ingest/serve/search.py's `run`, with
    `cap`; `count(partition)` is its `count`). Several each run it: exact counts while a
    partition's matches are few, bounds and counts among its most recent matches past that,
    so a common word costs the same in every partition whatever the archive's size. The
    counts are added up; the total is exact when every partition's is, "more than" when any
    partition's is, else "at least"."""
    if by_period is None:
        by_period = spans_periods(partitions)
    if not by_period:
        if not search.active:
            return dict(NO_MATCHES)
        (only,) = partitions
        return await run(only.db.execute, search, cap, count=count(only) if count else None)
    if not search.active:
        return {**NO_MATCHES, "by_period": []}
    # The counts alone (a page of no rows): a partition's rows are read only if the page falls in it.
    counted = await asyncio.gather(
        *(
            run(p.db.execute, replace(search, page=1, size=0), cap, count=count(p) if count else None)
            for p in partitions
        )
    )
    by_outlet: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for part in counted:
        for row in part["by_outlet"]:
            by_outlet[row["outlet"]] = by_outlet.get(row["outlet"], 0) + row["matches"]
        for row in part["by_month"]:
            by_month[row["month"]] = by_month.get(row["month"], 0) + row["matches"]
    found = listed(by_outlet, by_month)
    bounds = {part["total_is"] for part in counted}
    among = sorted({part["counted_among"] for part in counted if part["counted_among"]})
    found |= {
        "total": sum(part["total"] for part in counted),
        "total_is": "exact" if bounds == {"exact"} else "more than" if "more than" in bounds else "at least",
        "counted_among": f"{'; '.join(among)}, in each period that has more" if among else None,
        "by_period": [
            {"period": p.period, "matches": part["total"], "matches_is": part["total_is"]}
            for p, part in zip(partitions, counted)
            if part["total"]
        ],
    }
    start = (search.page - 1) * search.size
    if disjoint(partitions):
        found["rows"] = await _slice_in_order(partitions, counted, search, start, cap)
    else:
        found["rows"] = await _slice_by_date(partitions, search, start, cap)
    return found


async def _page(partition: Partition, search: Search, cap: int) -> list[dict]:
    """One page of `search` in `partition` (its `run`, without the counts)."""
    rows = (await run(partition.db.execute, search, cap, with_counts=False))["rows"]
    return [row | {"period": partition.period} for row in rows]


async def _exact_total(partition: Partition, search: Search) -> int:
    """Every match in `partition`, counted: only for a page past what its bounded count saw."""
    return sum(row["matches"] for row in await partition.db.execute(*search.counts_sql()))


async def _slice_in_order(
    partitions: Sequence[Partition], counted: list[dict], search: Search, start: int, cap: int
) -> list[dict]:
    """Rows start .. start + size of the partitions' results one after the other: each
    partition's part read with its own page query (one or two pages of the same size). A
    partition whose total is a bound is skipped by its exact count only when the page starts
    past the bound."""
    size = search.size
    wanted: list[dict] = []
    for partition, counts in zip(partitions, counted):
        if len(wanted) == size:
            break
        total = counts["total"] if counts["total_is"] == "exact" else None
        if total is None and start >= counts["total"]:
            total = await _exact_total(partition, search)
        if total is not None and start >= total:
            start -= total
            continue
        need = size - len(wanted)
        first = start // size + 1
        rows = await _page(partition, replace(search, page=first), cap)
        skip = start - (first - 1) * size
        if skip + need > len(rows) and len(rows) == size and (total is None or first * size < total):
            rows += await _page(partition, replace(search, page=first + 1), cap)
        wanted += rows[skip : skip + need]
        start = 0
    return wanted


async def _slice_by_date(partitions: Sequence[Partition], search: Search, start: int, cap: int) -> list[dict]:
    """Overlapping partitions: the first start + size rows of each, merged by date (newest
    first, undated last; the partitions' order between equal dates)."""
    top = replace(search, page=1, size=start + search.size)
    rows = [row for p in partitions for row in await _page(p, top, cap)]
    rows.sort(key=lambda r: r["published"] or "", reverse=True)  # stable: equal dates keep partition order
    rows.sort(key=lambda r: r["published"] is None)
    return rows[start : start + search.size]


async def ranked(partitions: Sequence[Partition], sql: str, q: str, limit: int, by_period: bool) -> list[dict]:
    """The canned `search` query (best matches by bm25) in every partition, merged by score
    (lower is better in SQLite's bm25), then newest first; the first `limit`. With `by_period`
    each row says its period."""
    found = await each(partitions, sql, {"q": q})
    rows = [r | ({"period": p.period} if by_period else {}) for p, rs in zip(partitions, found) for r in rs]
    rows.sort(key=lambda r: r["published"] or "", reverse=True)
    rows.sort(key=lambda r: r["score"])
    return rows[:limit]


CHOICES: dict[tuple[str, str], list[str]] = {}  # (database file, sql) -> values, for immutable files


async def choices(partitions: Sequence[Partition], sql: str) -> list[str]:
    """The form's outlets or languages in any partition, each once, sorted: read once from an
    immutable database, every time from a live one."""
    values: set[str] = set()
    for partition in partitions:
        db = partition.db
        if db.is_mutable or (db.path, sql) not in CHOICES:
            CHOICES[(db.path, sql)] = [r[0] for r in await db.execute(sql)]
        values.update(CHOICES[(db.path, sql)])
    return sorted(values)
