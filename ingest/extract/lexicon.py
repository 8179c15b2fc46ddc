"""The words every stage reads: the Indonesian (and English) calendar, speech cues, and
whether a capitalised word is a common Indonesian word or probably a name.

Defined once here, so that cleaning (date lines), metadata (report dates), entities
(speaker cues), quotes and dates agree on what a month, a weekday or a speech verb is.

Common words come from the root-word dictionary that PySastrawi ships (about 30,000
roots) and its stemmer for affixed forms ("Keamanan" -> "aman"). Organisation names are
mostly built of common words ("Dewan Keamanan Nasional"); foreign personal names mostly
are not ("Adrienne Watson"): the extractor leans on that difference.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from ingest.extract.stem import stem_word

QUOTE_MARKS = '“”"„«»'  # news mixes curly and straight quotes, and guillemets

# The calendar: month names (Indonesian and English) and Indonesian weekdays, lowercase.
MONTHS = {
    "januari": 1,
    "februari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "desember": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "october": 10,
    "december": 12,
}
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5, "minggu": 6}
ENGLISH_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Abbreviated months as publication lines write them ("26 Des 2023", "14 Apr 2024", "Sept. 3").
MONTH_ABBREVIATIONS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "des": 12,
    "dec": 12,
}
# Words a page's date line carries besides the date: time zones, "pukul", "updated".
DATE_LINE_WORDS = (
    "wib",
    "wita",
    "wit",
    "utc",
    "gmt",
    "pukul",
    "diperbarui",
    "dipublikasikan",
    "diterbitkan",
    "terbit",
    "published",
    "updated",
    "update",
    "am",
    "pm",
)

# Speech cues. After a quotation, a root alone or with "-nya" ("kata", "tambahnya"):
SPEECH_CUE_ROOTS = (
    "kata",
    "ujar",
    "tambah",
    "ungkap",
    "jelas",
    "tutur",
    "imbuh",
    "tegas",
    "sebut",
    "lanjut",
    "papar",
    "terang",
    "ucap",
)
# Before a quotation or a reported clause ("Kirby mengatakan bahwa ..."):
SPEECH_VERBS = (
    "berkata",
    "mengatakan",
    "menyatakan",
    "menambahkan",
    "menegaskan",
    "menjelaskan",
    "mengungkapkan",
    "menyebutkan",
    "mencatat",
    "menuturkan",
    "memperingatkan",
    "mengklaim",
    "menyampaikan",
    "mengumumkan",
    "membantah",
    "mengonfirmasi",
    "melaporkan",
    "mengaku",
)
# Words right before a speaker's name: the name after them is a person ("kata Watson", "menurut Adrienne").
SPEAKER_CUES = frozenset(
    {
        *SPEECH_CUE_ROOTS,
        "katanya",
        "ujarnya",
        "ungkapnya",
        "tambahnya",
        "jelasnya",
        "tuturnya",
        "imbuhnya",
        "tegasnya",
        "lanjutnya",
        "paparnya",
        "menurut",
        "berkata",
        "said",
    }
)


def alternation(words) -> str:
    """A regex alternation of `words`, longest first, so that "jum'at" is tried before "jumat"."""
    return "|".join(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    text = files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=200_000)
def is_common_word(word: str) -> bool:
    """True for dictionary words and their affixed forms, in any case."""
    lowered = word.lower()
    if "-" in lowered:  # reduplication and compounds: "Bangsa-Bangsa", "kerja-sama"
        return all(is_common_word(part) for part in lowered.split("-") if part)
    roots = root_words()
    return lowered in roots or stem_word(lowered) in roots
