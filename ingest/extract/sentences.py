"""Split a cleaned article body into sentences, with rules tuned for Indonesian news.

A sentence ends at . ! ? or … (plus any closing quotes or brackets right after it)
when whitespace and then an uppercase letter, a digit or an opening quote/bracket
follow. Requiring whitespace keeps numbers ("1.679 personel", "pukul 10.30 WIB")
whole; requiring what a sentence starts with keeps a mid-sentence ellipsis
("... kemajuan") and a quote's lowercase attribution ("!” kata dia") whole. Four
things veto an end:

* the period closes an abbreviation or an initial ("Dr.", "Jl.", "dll.", "S.H.",
  "Dmitry S. Peskov"), unless a closing quote or bracket follows it ("... dll.)
  Kemudian"): nothing that continues a name comes after those;
* the period closes a list item's number ("1. Beasiswa prestasi ..."), all the
  sentence holds so far;
* it falls inside brackets, such as a source note "(Menurut AFP. Reuters)";
* it falls inside a quotation that closes later in the same paragraph. Indonesian
  news quotes several sentences and then names the speaker ("... Mari kita lihat,"
  kata Putin.), and the quote with its attribution is one statement.

A sentence never crosses a line break, so paragraphs (blank-line separated) and
single lines are split independently; brackets and quotes left open at the end of a
line are ignored rather than allowed to swallow the rest of it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ingest.extract.stem import stem_text
from ingest.extract.timing import UNTIMED, StageTimer, Untimed
from ingest.models import Sentence, Span

if TYPE_CHECKING:
    from ingest.extract.clean import CleanPage

# Tokens that end in a period without ending the sentence, written without that final
# period and case-sensitively ("dr." is a doctor, "CO." is carbon monoxide and may end
# one). Dotted runs of single letters (U.S., a.n., s.d., e.g., i.e., a.m., p.m., S.H.,
# S.E., J.K.) and single capital initials are recognised by shape, not listed here.
ABBREVIATIONS = frozenset(
    """
    dll dsb dst tsb yth Yth sbb dkk hlm Hlm No no Telp Vol
    Jl Jln Gg Kp Ds Kel Kec Kab Prov
    Tn Ny Nn Sdr Sdri Bpk Dr dr Prof Ir Drs Dra Hj KH Ust Pdt St
    Kol Letkol Letjen Mayjen Brigjen Jend Kapt Laksda Marsda
    Mr Mrs Ms Jr Sr Lt Col Capt Sgt Mt
    Inc Ltd Co Corp vs etc Rp
    M.Si M.Sc B.Sc M.Hum M.Kes M.Ag M.Pd M.Psi S.Sos S.Pd S.Kom S.Ag S.Psi S.Ked S.Kep
    S.IP S.Farm Ph.D Sp.PD Sp.OG Sp.A Sp.B Lc
    """.split()
)

_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() breaks on
# A line, already trimmed: from its first non-space character to its last.
_LINE = re.compile(rf"\S(?:[^{_BREAKS}]*\S)?")
# A candidate end: terminal punctuation, closing quotes/brackets, then whitespace.
_END = re.compile(r"([.!?…]+)([”’\"'»)\]}]*)\s+")
# Characters that may open a sentence besides letters and digits. After whitespace
# every quote glyph is an opening one, including ”, which some sites use to open.
_OPENERS = "“”‘\"'«„([{"
_LONGEST = max(map(len, ABBREVIATIONS)) + 2  # room for an opener such as "(" or "“"
_WORD_BEFORE = re.compile(rf"(?<!\S)\S{{1,{_LONGEST}}}\Z")
_DOTTED = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_PAIRED = re.compile(r"[“”„\"()\[\]{}]")
_ITEM_DIGITS = 3  # "12." opening a sentence numbers an item; "2019." is a year
_CLOSES_BRACKET = {")": "(", "]": "[", "}": "{"}


def split_sentences(text: str) -> list[Span]:
    """The sentences of `text` as trimmed, non-empty, ordered, non-overlapping spans."""
    spans = []
    for line in _LINE.finditer(text):
        start, end = line.span()
        sentence_start = start
        protected = None  # computed only for lines that have a candidate end
        region = 0
        for match in _END.finditer(text, start, end):
            following = text[match.end()]  # the line is trimmed, so this exists
            if not (following.isupper() or following.isdigit() or following in _OPENERS):
                continue
            bare_period = match.group(1) == "." and not match.group(2)
            if bare_period and (ends_abbreviation(text, match.start()) or _is_item_number(text, sentence_start, match)):
                continue
            split = match.end(2)
            if protected is None:
                protected = _protected_regions(text, start, end)
            while region < len(protected) and protected[region][1] < split:
                region += 1
            if region < len(protected) and protected[region][0] < split:
                continue
            spans.append(Span(sentence_start, split))
            sentence_start = match.end()
        spans.append(Span(sentence_start, end))
    return spans


def _is_item_number(text: str, sentence_start: int, match: re.Match) -> bool:
    """Whether the period closes a list item's number, all the sentence holds so far: "1. Beasiswa ..."."""
    number = text[sentence_start : match.start()]
    return len(number) <= _ITEM_DIGITS and number.isdigit()


def ends_abbreviation(text: str, period: int) -> bool:
    """Whether the word right before the period at `period` is an abbreviation or initial."""
    word = _WORD_BEFORE.search(text, max(0, period - _LONGEST), period)
    if word is None:
        return False
    token = word.group().lstrip(_OPENERS)
    return token in ABBREVIATIONS or (len(token) == 1 and token.isupper()) or _DOTTED.fullmatch(token) is not None


def _protected_regions(text: str, start: int, end: int) -> list[list[int]]:
    """Bracketed and quoted stretches of text[start:end] as sorted, merged [open, close].

    A split point p is inside one when open < p <= close. Only pairs closed within
    the line count. Straight quotes and misused curly ones (Indonesian sites often
    open with ”) are read by context: a quote after a space and before a word opens,
    one after a word and before a space or punctuation closes; only when the context
    says neither does the glyph decide. A quote that opens while another is still
    open abandons the earlier one, so one stray quote cannot pair with a distant one.
    """
    regions = []
    brackets: list[int] = []
    quote = None
    for match in _PAIRED.finditer(text, start, end):
        i = match.start()
        char = text[i]
        if char in "([{":
            brackets.append(i)
        elif char in _CLOSES_BRACKET:
            if brackets and text[brackets[-1]] == _CLOSES_BRACKET[char]:
                regions.append([brackets.pop(), i])
        else:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            opens = not after.isspace() and (before.isspace() or before in "([{-–—/")
            closes = not before.isspace() and (after.isspace() or after in ",.;:!?)]}…")
            if opens == closes:
                opens = char in "“„" or (char == '"' and quote is None)
            if opens:
                quote = i
            elif quote is not None:
                regions.append([quote, i])
                quote = None
    regions.sort()
    merged: list[list[int]] = []
    for region in regions:
        if merged and region[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], region[1])
        else:
            merged.append(region)
    return merged


def sentences_of(page: CleanPage, timer: StageTimer | Untimed = UNTIMED) -> list[Sentence]:
    """The page's sentences, with offsets into its body and their stems; none crosses a paragraph.

    The stems are timed as the stage "stem" (ingest/extract/timing.py) when a timer is given."""
    sentences: list[Sentence] = []
    for offset, paragraph in page.paragraph_offsets():
        for span in split_sentences(paragraph.text):
            text = paragraph.text[span.start : span.end]
            with timer.stage("stem"):
                stems = stem_text(text)
            sentences.append(
                Sentence(len(sentences), offset + span.start, offset + span.end, text, paragraph.section, stems)
            )
    return sentences
