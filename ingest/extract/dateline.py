"""The dateline: where an article was filed from and which outlet filed it.

Indonesian news opens its lead with one: "JAKARTA, DISWAY.ID –", "Makassar, IDN Times -",
"TEMPO.CO, Palu -", "Jakarta (ANTARA) -", "Medan(MedanPunya) Sidang", "Palu,-", "JAKARTA -", and
with the date it was filed, "Kupang, 12 Januari 2024 –". Wire copy writes
"JAKARTA, Feb 10 (Reuters) -" and "VOSTOCHNY SPACEPORT /Amur Region/, September 13. /TASS/.".

`read` takes one apart (`clean` calls it on the first paragraphs). Which part is the place
and which the outlet is told by a domain ending ("TEMPO.CO") and, when `clean` is given
one, by a test that knows places (the gazetteer's, `filed_from.place_test`): "LENTERAJATENG,
SEMARANG", "Murianews, Pati". With that test a lone name is a dateline too ("Samarinda -
Proses belajar ...") when it is a place, and a lone word in capitals is the outlet
("CARAPANDANG -") when it is no place the gazetteer knows and the article never names again.
Without a known place, the part the page also writes as a web domain is the outlet
("Murianews, Pati –" ... "kepada Murianews.com").

The place goes on as a sentence of its own in the `dateline` section (`filed_from.py`); the
whole dateline stays in the furniture, as it stood.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.extract.lexicon import MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS, alternation

SECTION = "dateline"
_NAME = r"[A-Z][\w.'’\-]+(?: [A-Z][\w.'’\-]*){0,3}?"  # up to four capitalised words, the first of two letters or more
_MONTH_DAY = rf"(?i:{alternation({**MONTHS, **MONTH_ABBREVIATIONS})})\.? \d{{1,2}}"
_WHEN = (  # "Senin (5/9/2023)", "12 Januari 2024", "5/9/2023", the weekday optional
    rf"(?:(?i:{alternation(WEEKDAYS)})\s*,?\s*)?"
    rf"(?:\(\s*\d{{1,2}}/\d{{1,2}}/\d{{4}}\s*\)|\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}}\s+(?i:{alternation(MONTHS)})\s+\d{{4}})"
)
_DOMAIN = r"[\w\-]+(?:\.[A-Za-z]{2,})+"
_REGION = r"(?:/[^/\n]{2,40}/\s*)?"  # "/Amur Region/"
DATELINE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})"
    rf"|(?P<first>{_NAME})\s*{_REGION}"
    rf"(?:,\s*(?:(?P<when>{_WHEN})|(?P<date>{_MONTH_DAY})|(?P<second>{_DOMAIN}|{_NAME})))?"
    r"\s*(?:\((?P<agency>[^)]{2,30})\))?)"
    r"(?:\s*(?P<comma>,)?\s*[-–—]{1,2}\s+(?=\S)|\s*(?P<glued>[-–—]{1,2})(?=[A-Z\"“])|(?<=\))(?P<bare>\s*)(?=[A-Z]))"
    rf"|^(?P<wire_place>{_NAME})\s*{_REGION},\s*{_MONTH_DAY}\.\s*/(?P<wire>[A-Z]{{2,10}})/\.\s+(?=\S)"
)
DOMAIN_ENDING = re.compile(r"\.[A-Za-z]{2,}$")

PlaceTest = Callable[[str], bool]


@dataclass(frozen=True)
class Dateline:
    end: int  # where the lead's own text begins, in the paragraph
    place: tuple[int, int] | None  # the place's span in the paragraph
    outlet: str | None  # the outlet's name or domain, or the agency in brackets
    when: str | None = None  # the date it states: "Kupang, 12 Januari 2024 –"


def read(text: str, is_place: PlaceTest | None = None, page_text: str = "") -> Dateline | None:
    """The dateline `text` (a paragraph) opens with, or None. `page_text`: the whole page,
    where a lone unknown word in capitals is looked for again (a place is named twice)."""
    match = DATELINE.match(text)
    if match is None:
        return None
    if match["wire"]:
        place = match.span("wire_place") if match["wire_place"] else None
        return Dateline(match.end(), place, match["wire"])
    if match["domain"]:
        return Dateline(match.end(), None, match["domain"])
    first, second = match.span("first"), match.span("second") if match["second"] else None
    if not _looks_like_dateline(match, is_place):
        return None
    place, outlet = _place_and_outlet(text, first, second, is_place, page_text)
    named = text[outlet[0] : outlet[1]] if outlet else None
    return Dateline(match.end(), place, named or match["agency"], match["when"])


def _looks_like_dateline(match: re.Match, is_place: PlaceTest | None) -> bool:
    """Whether a capitalised opening before a dash is a dateline and not the lead's first words
    ("Prabowo - Gibran unggul", "Ketua DPR, Puan Maharani - yang", "KPK-Polri")."""
    first, second = match["first"], match["second"]
    if first.lower() in WEEKDAYS:
        return False  # "Senin, 5 September 2023 - ...": a date, not a place
    known = is_place is not None and (is_place(first) or (second is not None and is_place(second)))
    if match["glued"] == "-" and not (second or known):
        return False  # a hyphenated pair, unless a comma or a known place says otherwise
    if match["bare"] is not None and not (second is None and is_place is not None and is_place(first)):
        return (
            False  # "Medan(MedanPunya) Sidang ...", not "PT PLN (Persero) Unit ..." nor "PT , Indonesia (Persero) Tbk"
        )
    if match["agency"] or match["date"] or match["when"] or known:
        return True
    if second is not None:
        parts = (first, second)
        return any(DOMAIN_ENDING.search(p) or p.isupper() for p in parts) or not any(" " in p for p in parts)
    return (first.isupper() and len(first) >= 3) or match["comma"] is not None


def _place_and_outlet(text, first, second, is_place, page_text):
    """(place span, outlet span) of "FIRST, SECOND" or a lone "FIRST"; most write PLACE, OUTLET."""
    part = lambda span: text[span[0] : span[1]]  # noqa: E731
    if second is None:
        name = part(first)
        if is_place is not None and not is_place(name) and name.isupper() and not _named_again(name, page_text):
            return None, first  # "CARAPANDANG -": an outlet's name, not a place
        return first, None
    if DOMAIN_ENDING.search(part(first)) and not DOMAIN_ENDING.search(part(second)):
        return second, first  # "TEMPO.CO, Palu"
    if is_place is not None and is_place(part(second)) and not is_place(part(first)):
        return second, first  # "LENTERAJATENG, SEMARANG"
    if _domain_elsewhere(part(first), page_text) and not _domain_elsewhere(part(second), page_text):
        return second, first  # "Murianews, Pati", and "Murianews.com" further on
    return first, second


def _domain_elsewhere(name: str, page_text: str) -> bool:
    """Whether the page writes `name` as a web domain somewhere ("IDN Times": "idntimes.com")."""
    return (
        re.search(rf"(?<![\w.]){re.escape(name.replace(' ', ''))}\.[a-z]{{2,}}", page_text, re.IGNORECASE) is not None
    )


def _named_again(name: str, page_text: str) -> bool:
    return len(re.findall(rf"(?<!\w){re.escape(name)}(?!\w)", page_text, re.IGNORECASE)) > 1
