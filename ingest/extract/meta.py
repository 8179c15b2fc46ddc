"""An article's metadata: title, outlet, published date and language.

What a structured source states (HTML meta tags, JSON keys) wins; otherwise the values
are read from what cleaning found in the text: the headline, a date line in the page
header, the dateline ("JAKARTA, DISWAY.ID –"), or a bare domain line.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import py3langid

from ingest.extract.clean import CleanPage
from ingest.extract.published import published

TITLE_MAX_CHARS = 120
LANGUAGE_SAMPLE_CHARS = 1500  # enough text to tell the language; the classifier's cost grows with length


def published_date(page: CleanPage, stated: str | None, url: str | None = None) -> str | None:
    """The publication date alone (`published.published` says where it came from)."""
    return published(page, stated, url).date


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
    """The outlet as stated, else the dateline's outlet, else the URL's domain, else what the
    page says of itself: a reporter's credit ("Laporan Wartawan Tribunnews.com, Nama"), a
    domain line, its own reporting ("saat dihubungi Kompas.com"), a byline's outlet ("Yovanda -
    detikNews"), its follow-us line, its copyright, a "Sumber: Kompas TV" line. A
    dateline part counts as the outlet only when it looks like one (a domain) or names the
    URL's domain; "SEMARANG" in "LENTERAJATENG, SEMARANG –" is the place.

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
    outlet = stated or dateline or from_url or _credited(page, "credit", REPORTER_CREDIT) or page.domain
    outlet = outlet or _own_reporting(page) or _credited(page, "byline", BYLINE_OUTLET)
    outlet = outlet or _credited(page, "follow", FOLLOW_DOMAIN) or _credited(page, "widget", COPYRIGHT)
    outlet = outlet or _credited(page, "credit", SOURCE_LINE)
    if not outlet:
        return None
    outlet = outlet.strip().rstrip(".")
    return outlet.lower() if "." in outlet and " " not in outlet else outlet


# Furniture that names the outlet: "Laporan Wartawan Tribunnews.com, Nama", "Yovanda - detikNews"
# (a name, then a one-word brand written in camel case or as a domain), "Sumber : Kompas TV".
REPORTER_CREDIT = re.compile(
    r"^laporan\s+(?:wartawan|reporter|koresponden|kontributor)\s+"
    r"(?P<outlet>[\w\-]+(?:\.[a-z]{2,})+(?![\w.])|[^,|]+?(?=\s*(?:[,|]|$)))",
    re.IGNORECASE,
)
BYLINE_OUTLET = re.compile(r"\s[-–|]\s(?P<outlet>[a-z]+[A-Z]\w*|[\w\-]+(?:\.[a-z]{2,})+)$")
SOURCE_LINE = re.compile(r"^sumber\s*[:：]\s*(?P<outlet>[^\W\d][\w.\- ]{1,30}?)\s*$", re.IGNORECASE)


# The outlet's own reporting in the body: "kata dia saat dihubungi Kompas.com", "berdasarkan
# pantauan wartaplus.com", "kepada Murianews.com"; the domain its follow-us line invites to
# ("Simak berita Kompas.com lainnya di Google News"); and its copyright: "Copyright © ANTARA
# 2024", "© 2023 Tribunnews.com" (a company, "PT Dynamo Media Network", is no outlet's name).
OWN_REPORTING = re.compile(
    r"\b(?:pantauan|kepada|dihubungi|dikonfirmasi|ditemui|diterima|wawancara(?:\s+dengan)?)\s+"
    r"(?P<outlet>[\w\-]+(?:\.[a-z]{2,})+)(?![\w.])",
    re.IGNORECASE,
)
FOLLOW_DOMAIN = re.compile(r"(?<![\w.@/])(?P<outlet>[A-Za-z][\w\-]*(?:\.[a-z]{2,})+)(?![\w./])", re.IGNORECASE)
COPYRIGHT = re.compile(
    r"(?:©|\bcopyright\b)\s*(?:©\s*)?(?:(?:19|20)\d{2}\s*)?(?P<outlet>(?!PT\b|CV\b)[A-Za-z][\w.\-]*(?: [A-Za-z][\w.\-]*){0,2}?)"
    r"\s*(?:(?:19|20)\d{2})?\s*\.?(?:\s*all rights reserved\.?)?$",
    re.IGNORECASE,
)


def _own_reporting(page: CleanPage) -> str | None:
    for paragraph in page.paragraphs:
        if found := OWN_REPORTING.search(paragraph.text):
            return found["outlet"]
    return None


def _credited(page: CleanPage, kind: str, pattern: re.Pattern) -> str | None:
    """The outlet the first furniture line of `kind` names by `pattern`, or None."""
    for item in page.furniture:
        if item.kind == kind and (found := pattern.search(item.text)):
            return found["outlet"]
    return None


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
