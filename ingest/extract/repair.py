"""What scrapers and exports broke in an article's text, repaired in a *reading* of it.

Cleaning (`clean.clean`) works on `read(raw)`, never on the raw text itself: the raw text is
stored as it came (`articles.raw`), and every offset cleaning records into it (furniture,
paragraphs) is mapped back through `Reading.raw_offset`. Two things are repaired:

**Mis-decoded characters** ("daerah¬†", "‚Äì" for a dash, "‚Äù" for a quote: UTF-8 that a
spreadsheet or a scraper read as Mac Roman or Windows-1252). ftfy repairs them, in every
document of every format, because a file that decodes cleanly can still carry text mis-decoded
before it was written (an export re-saved on a Mac). It changes only what its badness heuristic
finds mis-decoded, and only its encoding fixes are switched on: correctly decoded text, curly
quotes, character widths, ligatures, HTML entities and control characters pass unchanged, so
text that was right stays what it was. What ftfy leaves of UTF-8 read as Mac Roman, in shapes
no real text holds, is decoded after it (`_LEFT_BY_FTFY`: "‚Äé" for an invisible mark). ftfy
fixes a line at a time (good and mis-decoded characters in one line are fixed together), and
the fixed text is aligned with the raw word by word, each repaired character with the bytes
it was read from.

**Paragraphs glued by commas.** Scrapers that join a page's text nodes with "," turn
"...di tepi sungai.</p><p>Taman itu..." into "di tepi sungai.,Taman itu", a link inside a
paragraph into a hole ("Dinas Lingkungan Hidup ( ,)"), and the dateline they drop into a
scrap before the lead (" -  , Pemerintah kota ..."). Outside such exports a comma hardly ever follows
a sentence's final punctuation, so one that does (or a run of them, with spaces or no-break
spaces between) becomes a line break: a paragraph break for cleaning and the sentence splitter.
It stays where it may be real: a comma right after the punctuation and then a space, as a
writer puts it, after an abbreviation ("S.H., M.H.") and before a word that starts no sentence
("Salem, Ore., officials said") unless the text is glued elsewhere; and a comma before a closing
quote ("bagaimana?," kata dia). Between digits it is glue too: all 40 "2019.,1." of the
CLICK-ID exports start numbered items. Empty brackets holding only commas are dropped, and so is
a scrap of dashes, commas and periods before the first word of the text. A comma hole inside a
sentence ("Wali Kota  , meresmikan") stays: the words that were there are lost, and
the comma marks where.
"""

from __future__ import annotations

import bisect
import re

import ftfy

from ingest.extract.sentences import ends_abbreviation

# ftfy's encoding repairs only (see the module's docstring).
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=False,
    remove_control_chars=False,
    explain=False,
)


def _mac_roman(low: int, high: int) -> str:
    """The characters Mac Roman reads bytes low to high - 1 as, as a regular expression class."""
    return "[" + re.escape(bytes(range(low, high)).decode("mac_roman")) + "]"


# What ftfy leaves as it is, its heuristic seeing nothing wrong: UTF-8 read as Mac Roman for an
# invisible mark ("‚Äé", U+200E), a symbol ("‚ù§") or an emoji (after the Apple logo, U+F8FF).
# Only shapes no real text holds: three or four bytes, or two after "¬" or "√" (C2, C3).
_CONTINUATION = _mac_roman(0x80, 0xC0)
_LEFT_BY_FTFY = re.compile(
    f"[¬√]{_CONTINUATION}|{_mac_roman(0xE0, 0xF0)}{_CONTINUATION}{{2}}|{_mac_roman(0xF0, 0xF5)}{_CONTINUATION}{{3}}"
)
_WORDS = re.compile(r"([ \t\n\r\f\v]+)")  # ASCII whitespace, which ftfy's encoding fixes never touch

_SPACE = r"[^\S\n]"  # whitespace within a line, a no-break space included
# A comma glue: sentence-final punctuation (with its closing quotes), then one or more commas
# with spaces around them; only the commas and spaces are replaced.
_GLUE = rf"(?P<end>[.!?…:;][\"”’'»]*)(?P<glue>{_SPACE}*,(?:{_SPACE}*,)*{_SPACE}*)"
_HOLE = rf"(?P<hole>{_SPACE}?\({_SPACE}*,(?:{_SPACE}*,)*{_SPACE}*\))"
_EXPORT_MARKS = re.compile(f"{_HOLE}|{_GLUE}")
# What a dropped dateline leaves before the first word: dashes (not a minus: "-5 derajat"), commas, periods.
# ... up to the first word or quote ("-->" left by a comment is no scrap).
_HEAD_SCRAP = re.compile(rf"^{_SPACE}*(?:[-–—,.](?!\d){_SPACE}*)+(?=[\w\"“‘'(]|\n)")
_DOTTED_WORD = re.compile(r"[^\W\d_]\.[^\W\d_]+\Z")  # a degree or a code with a period inside: "S.Si", "Dit.Reskrimum"
_WORD_REACH = 40  # how far back a word before a period is looked for
_OPENS = re.compile(rf"{_SPACE}*,|\S")  # after a quote: it opens (a hole may follow it) rather than closes
_OPENING = "\"“‘'«("  # what may open a paragraph besides a letter or a digit
_QUOTES = "\"”’'"


class Reading:
    """`text`: `source` with `edits` made, each (start, end, replacement) in `source`'s offsets,
    sorted and not overlapping. `under` is the reading `source` is the text of, if any, so
    readings stack and `raw_offset` maps through all of them to the raw text."""

    def __init__(self, source: str, edits: list[tuple[int, int, str]], under: Reading | None = None):
        self.under = under
        pieces: list[str] = []
        self._starts: list[int] = []  # where each edit's replacement starts in `text`
        self._edits: list[tuple[int, int, int]] = []  # (source start, source end, replacement length)
        position = length = 0
        for start, end, replacement in edits:
            pieces.append(source[position:start])
            length += start - position
            self._starts.append(length)
            self._edits.append((start, end, len(replacement)))
            pieces.append(replacement)
            length += len(replacement)
            position = end
        pieces.append(source[position:])
        self.text = "".join(pieces)

    def raw_offset(self, offset: int) -> int:
        """The raw text's offset for `offset` into `text`. An offset inside a replacement longer
        than one character (a run ftfy could not align) maps to the start of what it replaced."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index < 0:
            source = offset
        else:
            start, end, length = self._edits[index]
            inside = offset - self._starts[index]
            source = end + inside - length if inside >= length else start
        return self.under.raw_offset(source) if self.under else source

    def text_of(self, raw_start: int, raw_end: int) -> str:
        """What the raw stretch [raw_start, raw_end) reads as (the inverse of `raw_offset`, for
        checking offsets); the stretch must start and end outside replaced text."""
        offsets = range(len(self.text) + 1)
        start = bisect.bisect_left(offsets, raw_start, key=self.raw_offset)
        return self.text[start : bisect.bisect_left(offsets, raw_end, lo=start, key=self.raw_offset)]


def read(raw: str) -> Reading:
    """`raw` with mis-decoded characters repaired and an export's comma glue made line breaks."""
    characters = repaired_characters(raw)
    return Reading(characters.text, _export_edits(characters.text), characters)


def repaired(text: str | None) -> str | None:
    """A short field (a title) with its mis-decoded characters repaired."""
    return repaired_characters(text).text if text else text


def repaired_characters(raw: str) -> Reading:
    """`raw` with what ftfy finds mis-decoded repaired (see the module's docstring)."""
    if raw.isascii():
        return Reading(raw, [])
    fixed = _LEFT_BY_FTFY.sub(_from_mac_roman, ftfy.fix_text(raw, _FTFY))
    if fixed == raw:
        return Reading(raw, [])
    raw_words, fixed_words = _WORDS.split(raw), _WORDS.split(fixed)
    if len(raw_words) != len(fixed_words) or raw_words[1::2] != fixed_words[1::2]:
        return Reading(raw, [_difference(raw, fixed, 0)])  # the fix moved whitespace: one edit
    edits, position = [], 0
    for raw_word, fixed_word in zip(raw_words, fixed_words):
        if raw_word != fixed_word:
            edits += _character_edits(*_difference(raw_word, fixed_word, position))
        position += len(raw_word)
    return Reading(raw, edits)


def _from_mac_roman(sequence: re.Match) -> str:
    try:
        return sequence.group().encode("mac_roman").decode("utf-8")
    except UnicodeDecodeError:
        return sequence.group()


def _difference(raw: str, fixed: str, offset: int) -> tuple[int, int, str]:
    """The one edit (start, end, replacement) that makes `raw` `fixed`: what lies between their
    common start and common end, with `raw`'s offsets counted from `offset`."""
    prefix = 0
    limit = min(len(raw), len(fixed))
    while prefix < limit and raw[prefix] == fixed[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and raw[-1 - suffix] == fixed[-1 - suffix]:
        suffix += 1
    return offset + prefix, offset + len(raw) - suffix, fixed[prefix : len(fixed) - suffix]


def _character_edits(start: int, end: int, replacement: str) -> list[tuple[int, int, str]]:
    """One edit per repaired character where each was read from its UTF-8 bytes, one character
    a byte (the usual mis-decoding), so every offset between two characters maps exactly."""
    widths = [len(character.encode("utf-8", "surrogatepass")) for character in replacement]
    if sum(widths) != end - start:
        return [(start, end, replacement)]
    edits = []
    for character, width in zip(replacement, widths):
        edits.append((start, start + width, character))
        start += width
    return edits


def _export_edits(text: str) -> list[tuple[int, int, str]]:
    """The edits that undo an export's comma glue, holes and head scrap in `text`."""
    edits = []
    if scrap := _HEAD_SCRAP.match(text):
        edits.append((0, scrap.end(), ""))
    marks = [(mark, _glue(text, mark)) for mark in _EXPORT_MARKS.finditer(text, edits[0][1] if edits else 0)]
    glued = any(glue is True for _, glue in marks)
    for mark, glue in marks:
        if mark.group("hole"):
            edits.append((mark.start("hole"), mark.end("hole"), ""))
        elif glue or (glue is None and glued):
            edits.append((mark.start("glue"), mark.end("glue"), "\n"))
    return edits


def _glue(text: str, mark: re.Match) -> bool | None:
    """Whether the commas after a sentence's end are an export's glue (True), the writer's
    (False), or glue only in a text glued elsewhere (None).

    Glue is followed by the next paragraph's first character ("sungai.,Taman"), or comes
    with a space before it or with other commas ("Senin. ,Warga", "itu.,,Sebanyak"). A writer's
    comma follows the period at once and a space follows it: "S.H., M.H.", "Salem, Ore., officials
    said", "Why Not?, both"; so does glue before a paragraph that starts with a space
    ("(9/9/2019)., Budi menjelaskan"). That shape is glue when a sentence starts after it,
    else only in a text glued elsewhere, and never after an abbreviation or a word with a
    period inside."""
    if mark.group("hole"):
        return None
    glue, after = mark.group("glue"), mark.end("glue")
    following = text[after] if after < len(text) else ""
    if glue == "," and following and following in _QUOTES:
        return _OPENS.match(text, after + 1) is not None  # not the writer's "bagaimana?," kata dia
    if glue[0] != "," or glue.count(",") > 1 or not glue[-1].isspace():
        return True
    period = mark.start("end")
    before = text[max(0, period - _WORD_REACH) : period]
    if mark.group("end") == "." and (ends_abbreviation(text, period) or _DOTTED_WORD.search(before)):
        return False
    return True if following.isupper() or following in _OPENING else None
