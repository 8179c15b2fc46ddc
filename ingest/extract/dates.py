"""Dates the text mentions ("13 September", "Juli lalu", "pekan lalu"), resolved to calendar spans.

Each expression becomes a span [date_start, date_end] and a granularity (day, week,
month, year). An expression without a year, or relative to the report ("pekan lalu",
"hari Senin"), is resolved against the article's published date; without one it is kept
with no dates, so the words are still there to read.

Conventions, as Indonesian news uses them: a bare weekday ("pada hari Senin") is the
latest such day on or before publication; "Juli lalu" is the latest July before it;
"pekan lalu" is the previous Monday-to-Sunday week.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Any

from ingest.extract.lexicon import MONTHS, WEEKDAYS, alternation
from ingest.models import DatedMention, Sentence

MONTH = alternation(MONTHS)
WEEKDAY = "|".join(WEEKDAYS)
YEAR = r"(?:19|20)\d{2}"

PATTERNS = [  # most specific first; a span already taken is not matched again
    ("numeric", re.compile(r"\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>(?:19|20)?\d{2})\b")),
    (
        "day_month",
        re.compile(
            rf"\b(?P<day>\d{{1,2}})(?:\s*[-–]\s*(?P<day_end>\d{{1,2}}))?\s+(?P<month_name>{MONTH})(?:\s+(?P<year>{YEAR}))?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "month_relative",
        re.compile(rf"\b(?:bulan\s+)?(?P<month_name>{MONTH})\s+(?P<direction>lalu|depan|mendatang)\b", re.IGNORECASE),
    ),
    ("month_year", re.compile(rf"\b(?P<month_name>{MONTH})\s+(?P<year>{YEAR})\b", re.IGNORECASE)),
    ("month", re.compile(rf"\b(?:bulan|pada|sejak|hingga|akhir|awal)\s+(?P<month_name>{MONTH})\b", re.IGNORECASE)),
    (
        "relative",
        re.compile(
            r"\b(?P<unit>pekan|minggu|bulan|tahun)\s+(?P<direction>lalu|depan|ini|mendatang|kemarin)\b"
            r"|\b(?P<day_word>hari ini|kemarin|besok)\b",
            re.IGNORECASE,
        ),
    ),
    ("weekday", re.compile(rf"\b(?:hari|pada|pada hari)\s+(?P<weekday>{WEEKDAY})\b", re.IGNORECASE)),
    (
        "year",
        re.compile(rf"\b(?:pada|sejak|tahun|hingga|sampai|awal|akhir|pertengahan)\s+(?P<year>{YEAR})\b", re.IGNORECASE),
    ),
]


def find_dates(sentences: list[Sentence], published: str | None) -> list[DatedMention]:
    base = date.fromisoformat(published) if published else None
    found = []
    for sentence in sentences:
        taken: list[tuple[int, int]] = []
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(sentence.text):
                if any(start < match.end() and match.start() < end for start, end in taken):
                    continue
                resolved = _resolve(kind, match, base)
                if resolved is None:
                    continue
                taken.append(match.span())
                start, end, granularity, relative = resolved
                found.append(
                    DatedMention(
                        sentence.position, match.start(), match.end(), match.group(), start, end, granularity, relative
                    )
                )
    return sorted(found, key=lambda d: (d.sentence_position, d.char_start))


def _resolve(kind: str, match: re.Match, base: date | None):
    """(date_start, date_end, granularity, relative) as ISO strings, or None if not a date.

    Dates that need the published date and have none come back as (None, None, ...)."""
    groups: dict[str, Any] = match.groupdict()
    month = MONTHS.get((groups.get("month_name") or "").lower()) or (
        int(groups["month"]) if groups.get("month") else None
    )
    year: Any = groups.get("year")
    if kind == "numeric":
        year = int(year) + (2000 if len(year) == 2 else 0)
        return _day_span(year, month, int(groups["day"]), None, relative=False)
    if kind == "day_month":
        if year is None:
            if base is None:
                return None, None, "day", True
            year = base.year
        return _day_span(
            int(year),
            month,
            int(groups["day"]),
            int(groups["day_end"]) if groups.get("day_end") else None,
            relative=groups["year"] is None,
        )
    if kind == "month_year":
        return _month_span(int(year), month, relative=False)
    if base is None:
        return None, None, _granularity(kind, groups), True
    if kind == "month_relative":
        assert month is not None, "the pattern has a month name"
        if groups["direction"].lower() == "lalu":  # the latest such month before publication
            year = base.year if month < base.month else base.year - 1
        else:  # the next such month after it
            year = base.year if month > base.month else base.year + 1
        return _month_span(year, month, relative=True)
    if kind == "month":
        return _month_span(base.year, month, relative=True)
    if kind == "relative":
        return _relative_span(groups, base)
    if kind == "weekday":
        day = base - timedelta(days=(base.weekday() - WEEKDAYS[groups["weekday"].lower()]) % 7)
        return day.isoformat(), day.isoformat(), "day", True
    if kind == "year":
        return f"{year}-01-01", f"{year}-12-31", "year", False
    return None


def _granularity(kind: str, groups: dict) -> str:
    if kind == "relative":
        unit = (groups.get("unit") or "").lower()
        return {"pekan": "week", "minggu": "week", "bulan": "month", "tahun": "year"}.get(unit, "day")
    return {"weekday": "day", "year": "year"}.get(kind, "month")


def _day_span(year, month, day, day_end, relative):
    try:
        start = date(year, month, day)
        end = date(year, month, day_end) if day_end else start
    except (TypeError, ValueError):
        return None  # "31 Februari", "45/13/2023": not a date
    if end < start:
        return None
    return start.isoformat(), end.isoformat(), "day", relative


def _month_span(year, month, relative):
    last = calendar.monthrange(year, month)[1]
    return date(year, month, 1).isoformat(), date(year, month, last).isoformat(), "month", relative


def _relative_span(groups, base: date):
    word = (groups.get("day_word") or "").lower()
    if word:
        day = base + timedelta(days={"hari ini": 0, "kemarin": -1, "besok": 1}[word])
        return day.isoformat(), day.isoformat(), "day", True
    unit, direction = groups["unit"].lower(), groups["direction"].lower()
    step = {"lalu": -1, "kemarin": -1, "ini": 0}.get(direction, 1)
    if unit in ("pekan", "minggu"):
        monday = base - timedelta(days=base.weekday()) + timedelta(weeks=step)
        return monday.isoformat(), (monday + timedelta(days=6)).isoformat(), "week", True
    if unit == "bulan":
        month_index = base.year * 12 + base.month - 1 + step
        return _month_span(month_index // 12, month_index % 12 + 1, relative=True)
    year = base.year + step
    return f"{year}-01-01", f"{year}-12-31", "year", True
