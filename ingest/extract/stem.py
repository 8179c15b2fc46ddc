"""Indonesian stemming for search: "pertemuan" and "bertemu" both become "temu".

PySastrawi does the stemming; its stemmer is slow per call, so words are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=500_000)
def stem_word(word: str) -> str:
    """The root of one word, lowercased; words Sastrawi does not know come back lowercased.
    Words with letters outside ASCII ("São") are not Indonesian and Sastrawi would cut them
    ("s o"): they stay whole, so that FTS folds them as it folds the text column."""
    lowered = word.lower()
    if not lowered.isalpha() or not lowered.isascii():
        return lowered
    return _stemmer().stem(lowered) or lowered


def stem_text(text: str) -> str:
    """The text as space-separated stems, for the `stemmed` column that FTS indexes."""
    return " ".join(stem_word(word) for word in WORD.findall(text))
