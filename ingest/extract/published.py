"""An article's publication date, and where it came from.

Taken from the first of these that gives one:

1. the date its source states (an HTML meta tag, a JSON key, a CSV column), unless it
   contradicts the date in the URL by a day–month swap: a spreadsheet that read
   "10/09/2019" month first stores 2019-10-09 for an article whose URL says /2019/09/10/.
   Then the URL's date is taken and the stated one is kept beside it (`Published.stated`),
   so that the correction can be seen and undone;
2. the date in its URL (/read/2019/09/10/, /20190424/, /02/07/2021/);
3. a publication line on the page: "JUMAT, 10 FEBRUARI 2023 | 09:23 WIB", "Diterbitkan 26 Des
   2023, 11:20 WIB", "Kompas.com - 19/04/2019, 10:00 WIB" (`clean` finds them);
4. the report date in the lead (the paragraph the dateline opens, and two more): the day
   name and d/m/yyyy in brackets that Indonesian news writes after what was said or done
   ("kata Ahmadi, Jumat (7/11/2025)"), or written out after who said it ("kata dia, Jumat,
   25 September 2020"). An article is written after what it reports, so the latest such date
   is taken, and only where it stands bare once: "Kamis (30/3/2023) malam", "pukul 12.30
   WIB", "kemarin", "sejak Senin (1/4/2024)" and "mendatang" date an event.

Never a date the text does not give: a day and month without a year ("Kamis sore (21/6)")
is no date, and no date is worked out from another ("kemarin" is not the day before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ingest.extract.lexicon import MONTH_ABBREVIATIONS, MONTHS, SPEAKER_CUES, SPEECH_VERBS, WEEKDAYS, alternation

if TYPE_CHECKING:
    from ingest.extract.clean import CleanPage

MONTH_NUMBERS = {**MONTHS, **MONTH_ABBREVIATIONS}
_MONTH = rf"(?P<month>{alternation(MONTH_NUMBERS)})(?![a-z])\.?"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?!\d)"
# The ways a day, a month and a year are written, in a stated date or a publication line.
DATE_SHAPES = (
    re.compile(r"(?<!\d)(?P<year>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),  # 2023-09-13
    re.compile(rf"(?<![\d/.-])(?P<day>\d{{1,2}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep){_YEAR}"),  # 13/09/2023
    re.compile(rf"(?<!\d)(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE),  # 26 Des 2023
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}", re.IGNORECASE),  # March 3, 2021
)

# "kata Ahmadi, Jumat (7/11/2025)": a day name and day/month/year in brackets, with the word
# before it and the word right after it, which may say that it dates an event. Written out
# ("kata dia, Jumat, 25 September 2020"), the same date counts only after who said it: written
# out, a date is as often an event's ("gempa terjadi pada Senin, 12 Mei 2024").
REPORT_DATE = re.compile(
    rf"(?:\b(?P<before>\w+)\s+(?:hari\s+)?)?\b(?:{alternation(WEEKDAYS)})\s*,?\s*"
    r"(?:\(\s*(?P<numeric>\d{1,2}/\d{1,2}/(?:\d{4}|\d{2}))\s*\)"
    rf"|(?P<written>\d{{1,2}}\s+(?:{alternation(MONTH_NUMBERS)})(?![a-z])\.?\s+(?:19|20)\d{{2}}(?!\d)))"
    r"(?:[ \t]+(?P<after>\w+))?",
    re.IGNORECASE,
)
ATTRIBUTION = re.compile(
    rf"\b(?:{alternation({*SPEAKER_CUES, *SPEECH_VERBS})}|dikutip|dilansir|keterangan(?:nya)?|kepada|dihubungi|ditemui)\b"
    r"[^.!?”\"]*$",
    re.IGNORECASE,
)
ATTRIBUTION_WINDOW = 100  # characters before a written-out date where who said it is looked for
EVENT_BEFORE = frozenset({"sejak", "hingga", "sampai", "mulai", "menjelang", "jelang"})
EVENT_AFTER = frozenset(
    {"malam", "sore", "pagi", "siang", "petang", "subuh", "dini", "kemarin", "lalu", "pukul", "sekitar", "jam"}
    | {"mendatang", "nanti", "besok", "lusa", "depan"}
)
REPORT_PARAGRAPHS = 3  # body paragraphs a report date is looked for in: the lead (the dateline's) and two more

# Dates in article URLs: /2024/06/19/, /read/20190424/, /02/07/2021/ (day first, as Indonesian writes).
URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:\d{2,8})?(?:/|$|[-_])"),
    re.compile(r"/(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})(?:/|$)"),
)


@dataclass(frozen=True)
class Published:
    date: str | None = None  # YYYY-MM-DD
    source: str | None = None  # "source", "url", "date_line" or "report_date"
    stated: str | None = None  # the source's own date, when the URL's replaced it (a day–month swap)


def parse_date(text: str) -> str | None:
    """The first day, month and year written in `text`, as YYYY-MM-DD, or None.

    Numbers are read day first, as Indonesian writes them ("5/9/2023" is 5 September),
    unless only the other order is a date ("09/16/2019")."""
    found = sorted((match for shape in DATE_SHAPES for match in shape.finditer(text)), key=lambda m: m.start())
    for match in found:
        year, day = int(match["year"]), int(match["day"])
        month = MONTH_NUMBERS[match["month"].lower()] if "month" in match.re.groupindex else int(match["m"])
        readings = [(month, day)] + ([(day, month)] if "sep" in match.re.groupindex else [])
        for month_, day_ in readings:
            if _valid(year, month_, day_):
                return date(year, month_, day_).isoformat()
    return None


def url_date(url: str | None) -> str | None:
    """The publication date an article's URL states, or None."""
    path = urlsplit(url).path if url else ""
    for pattern in URL_DATES:
        for found in pattern.finditer(path):
            if _valid(int(found["y"]), int(found["m"]), int(found["d"])):
                return date(int(found["y"]), int(found["m"]), int(found["d"])).isoformat()
    return None


def published(page: CleanPage, stated: str | None, url: str | None = None) -> Published:
    """The article's publication date and its provenance (see the module's docstring)."""
    from_source, from_url = parse_date(stated) if stated else None, url_date(url)
    if from_source and from_url and swapped(from_source, from_url):
        return Published(from_url, "url", stated=from_source)
    if from_source:
        return Published(from_source, "source")
    if from_url:
        return Published(from_url, "url")
    for line in page.date_lines:
        if found := parse_date(line):
            return Published(found, "date_line")
    if found := report_date(page):
        return Published(found, "report_date")
    return Published()


def swapped(stated: str, from_url: str) -> bool:
    """Whether two ISO dates are one date with its day and month swapped (2019-10-09, 2019-09-10)."""
    a, b = stated.split("-"), from_url.split("-")
    return a[0] == b[0] and a[1] == b[2] and a[2] == b[1] and a[1] != a[2]


def report_date(page: CleanPage) -> str | None:
    """The latest "Hari (d/m/yyyy)" (or, after who said it, "Hari, d Bulan yyyy") of the lead,
    if it stands bare once."""
    bare: dict[str, bool] = {}
    paragraphs = [paragraph for paragraph in page.paragraphs if paragraph.section == "body"]
    opened = next((f.raw_start for f in page.furniture if f.kind == "dateline"), 0)  # the lead, below a teaser
    lead = next((i for i, p in enumerate(paragraphs) if p.raw_start >= opened), 0)
    for paragraph in paragraphs[lead : lead + REPORT_PARAGRAPHS]:
        for match in REPORT_DATE.finditer(paragraph.text):
            if match["written"]:
                said = ATTRIBUTION.search(paragraph.text, max(0, match.start() - ATTRIBUTION_WINDOW), match.start())
                found = parse_date(match["written"]) if said else None
            else:
                found = _numeric(match["numeric"])
            if found is None:
                continue
            event = (match["before"] or "").lower() in EVENT_BEFORE or (match["after"] or "").lower() in EVENT_AFTER
            bare[found] = bare.get(found, False) or not event
    latest = max(bare, default=None)
    return latest if latest and bare[latest] else None


def _numeric(text: str) -> str | None:
    """ "7/11/2025" or "7/11/25" (this century) as YYYY-MM-DD, if it is a date."""
    day, month, year = (int(part) for part in text.split("/"))
    year += 2000 if year < 100 else 0
    return date(year, month, day).isoformat() if _valid(year, month, day) else None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
