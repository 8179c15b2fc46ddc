"""An article's metadata: title, outlet, published date and language.

What a structured source states (HTML meta tags, JSON keys) wins; otherwise the values
are read from what cleaning found in the text: the headline, a date line in the page
header, the dateline ("JAKARTA, DISWAY.ID –"), or a bare domain line.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

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
DAY_NAME_DATE = re.compile(rf"\b(?:{alternation(WEEKDAYS)})\s*,?\s*\((\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\)", re.IGNORECASE)
LEAD_PARAGRAPHS = 3  # where a report date is looked for in the body
TITLE_MAX_CHARS = 120
LANGUAGE_SAMPLE_CHARS = 1500  # enough text to tell the language; the classifier's cost grows with length


# The shapes most pages use, read without dateparser (which costs about a millisecond a call).
COMMON_DATE = re.compile(
    rf"^(?:(?:{'|'.join(WEEKDAYS)}),?\s*)?(?:(?P<iso>(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}}))(?:[T ].*)?"
    rf"|(?P<day>\d{{1,2}})(?:/(?P<month>\d{{1,2}})/|\s+(?P<month_name>{'|'.join(MONTHS)})\s+)(?P<year>\d{{4}}))$",
    re.IGNORECASE,
)


@lru_cache(maxsize=50_000)
def parse_date(text: str) -> str | None:
    """An ISO date (YYYY-MM-DD) from a stated date in Indonesian or English, or None."""
    common = COMMON_DATE.match(text.strip())
    if common:
        year, month, day = (
            (common["y"], common["m"], common["d"])
            if common["iso"]
            else (common["year"], common["month"] or MONTHS[common["month_name"].lower()], common["day"])
        )
        try:
            return date(int(year), int(month), int(day)).isoformat()
        except ValueError:
            return None
    try:
        parsed = dateparser.parse(text.strip(), languages=["id", "en"], settings=DATEPARSER_SETTINGS)
    except (ValueError, OverflowError):
        return None
    return parsed.date().isoformat() if parsed else None


# Dates in article URLs: /2024/06/19/, /read/20190424/, /02/07/2021/ (day first, as Indonesian writes).
URL_DATES = [
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/|$)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>\d{2})(?P<d>\d{2})(?:\d{2,8})?(?:/|$|[-_])"),
    re.compile(r"/(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>(?:19|20)\d{2})(?:/|$)"),
]


def url_date(url: str | None) -> str | None:
    """The publication date an article's URL states, or None."""
    path = urlsplit(url).path if url else ""
    for pattern in URL_DATES:
        for found in pattern.finditer(path):
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"])).isoformat()
            except ValueError:
                continue
    return None


def published_date(page: CleanPage, stated: str | None, url: str | None = None) -> str | None:
    """The date the source states, else the URL's, else a date line, else a report date in the lead."""
    candidates = [stated] if stated else []
    from_url = url_date(url)
    if from_url:
        candidates.append(from_url)
    candidates += page.date_lines
    for paragraph in page.paragraphs[:LEAD_PARAGRAPHS]:
        candidates += DAY_NAME_DATE.findall(paragraph.text)
    for candidate in candidates:
        date = parse_date(candidate)
        if date:
            return date
    return None


# Second-level labels under which a country's registrants sit: kompas.co.id, bernama.com.my.
_SECOND_LEVEL = frozenset({"co", "ac", "or", "go", "my", "web", "sch", "net", "com", "org", "gov", "ne"})


def url_outlet(url: str | None) -> str | None:
    """The registered domain of an article's URL ("sulsel.idntimes.com" -> "idntimes.com")."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.lower().split(".") if label]
    if len(labels) < 2:
        return None
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def _brand(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower().split(".")[0])


def outlet_name(page: CleanPage, stated: str | None, url: str | None = None) -> str | None:
    """The outlet as stated, else the dateline's outlet, else the URL's domain, else the page's
    domain line. A dateline part counts as the outlet only when it looks like one (a domain)
    or names the URL's domain; "SEMARANG" in "LENTERAJATENG, SEMARANG –" is the place.

    Domains are lowercased so that "DISWAY.ID" and "disway.id" are one outlet.
    """
    from_url = url_outlet(url)
    dateline = page.dateline_outlet
    if dateline and from_url and "." not in dateline:
        brand = _brand(from_url)
        if page.dateline_place and _brand(page.dateline_place) == brand:
            dateline = page.dateline_place  # "OUTLET, PLACE –" without a domain ending
        elif _brand(dateline) != brand:
            dateline = None
    outlet = stated or dateline or from_url or page.domain
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
