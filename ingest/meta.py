"""An article's metadata: title, outlet, published date and language.

What a structured source states (HTML meta tags, JSON keys) wins; otherwise the values
are read from what cleaning found in the text: the headline, a date line in the page
header, the dateline ("JAKARTA, DISWAY.ID –"), or a bare domain line.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import dateparser
import py3langid

from .clean import CleanPage
from .lexicon import MONTHS, WEEKDAYS, alternation

DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",  # Indonesian writes day/month: "(5/9/2023)" is 5 September 2023
    "REQUIRE_PARTS": ["day", "month", "year"],  # a date without a year is an event, not a publication date
    "PREFER_DAY_OF_MONTH": "first",
}
# "Selasa (5/9/2023)": Indonesian news states its report date as a day name and d/m/y in brackets.
DAY_NAME_DATE = re.compile(
    rf"\b(?:{alternation(WEEKDAYS)})\s*,?\s*\((\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\)", re.IGNORECASE)
LEAD_PARAGRAPHS = 3  # where a report date is looked for in the body
TITLE_MAX_CHARS = 120
LANGUAGE_SAMPLE_CHARS = 1500  # enough text to tell the language; the classifier's cost grows with length


# The shapes most pages use, read without dateparser (which costs about a millisecond a call).
COMMON_DATE = re.compile(
    rf"^(?:(?:{'|'.join(WEEKDAYS)}),?\s*)?(?:(?P<iso>(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}))(?:[T ].*)?"
    rf"|(?P<day>\d{{1,2}})(?:/(?P<month>\d{{1,2}})/|\s+(?P<month_name>{'|'.join(MONTHS)})\s+)(?P<year>\d{{4}}))$",
    re.IGNORECASE)


@lru_cache(maxsize=50_000)
def parse_date(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from a stated date in Indonesian or English, or None."""
    common = COMMON_DATE.match(text.strip())
    if common:
        year, month, day = (common["y"], common["m"], common["d"]) if common["iso"] else (
            common["year"], common["month"] or MONTHS[common["month_name"].lower()], common["day"])
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return None
    try:
        parsed = dateparser.parse(text.strip(), languages=["id", "en"], settings=DATEPARSER_SETTINGS)
    except (ValueError, OverflowError):
        return None
    return parsed.date().isoformat() if parsed else None


def published_date(page: CleanPage, stated: str | None) -> str | None:
    candidates = [stated] if stated else []
    candidates += page.date_lines
    for paragraph in page.paragraphs[:LEAD_PARAGRAPHS]:
        candidates += DAY_NAME_DATE.findall(paragraph.text)
    for candidate in candidates:
        date = parse_date(candidate)
        if date:
            return date
    return None


def outlet_name(page: CleanPage, stated: str | None) -> str | None:
    """The outlet as stated, else the dateline's outlet, else the page's domain line.

    Domains are lowercased so that "DISWAY.ID" and "disway.id" are one outlet.
    """
    outlet = stated or page.dateline_outlet or page.domain
    if not outlet:
        return None
    outlet = outlet.strip()
    return outlet.lower() if "." in outlet and " " not in outlet else outlet


def title_of(page: CleanPage, first_sentence: str | None, stated: str | None = None) -> tuple[str | None, str | None]:
    """(title, where it came from): the title the source stated, the headline, or for a page
    without one, its lead sentence."""
    if stated:
        return page.headline, "source"  # cleaning took the stated title as the page's headline
    if page.headline:
        return page.headline, "headline"
    if not first_sentence:
        return None, None
    if len(first_sentence) <= TITLE_MAX_CHARS:
        return first_sentence, "lead"
    cut = first_sentence[:TITLE_MAX_CHARS].rsplit(" ", 1)[0]
    return cut + "…", "lead"


def language_of(body: str, stated: str | None) -> str | None:
    if stated:
        return stated.split("-")[0].split("_")[0].lower()
    if not body.strip():
        return None
    language, _ = py3langid.classify(body[:LANGUAGE_SAMPLE_CHARS])
    return language
