"""Is a capitalised word a common Indonesian word, or probably a name?

Uses the root-word dictionary that PySastrawi ships (about 30,000 roots) and its
stemmer for affixed forms ("Keamanan" -> "aman"). Organisation names are mostly built
of common words ("Dewan Keamanan Nasional"); foreign personal names mostly are not
("Adrienne Watson"): the extractor leans on that difference.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from .stem import stem_word


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
