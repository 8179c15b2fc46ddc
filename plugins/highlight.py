"""Marked snippets: SQL functions that escape text and then wrap matches in <mark>, and
the cell renderer that lets exactly that markup through.

`mark_words(text, q)` marks the words of `text` that `fts_query(q)` matched: the same word
(case and diacritics ignored) or the same Indonesian stem. `mark_span(text, start, end)`
marks one character range, such as a mention. Both escape first, so the result is HTML
whose only tags are <mark> and </mark>; JSON and CSV carry that string as it is.

A `snippet` column is rendered as HTML only if it has no `<` other than those tags, so a
researcher's own `select '<script>…' as snippet` is still shown as text.
"""

import re
import unicodedata

from datasette import hookimpl
from markupsafe import Markup, escape

from ingest.extract.stem import WORD, stem_word

MARK_TAGS = re.compile(r"</?mark>")


def word_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def mark_words(text, q) -> str:
    if text is None:
        return None
    query = WORD.findall(str(q or ""))
    wanted_words = {word_key(word) for word in query}
    wanted_stems = {word_key(stem_word(word)) for word in query}
    pieces, position = [], 0
    for match in WORD.finditer(text):
        word = match.group()
        if word_key(word) in wanted_words or word_key(stem_word(word)) in wanted_stems:
            pieces += [escape(text[position : match.start()]), "<mark>", escape(word), "</mark>"]
            position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def mark_span(text, start, end) -> str:
    if text is None:
        return None
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return str(escape(text))
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"


@hookimpl
def prepare_connection(conn):
    conn.create_function("mark_words", 2, mark_words, deterministic=True)
    conn.create_function("mark_span", 3, mark_span, deterministic=True)


@hookimpl
def render_cell(value, column):
    if column == "snippet" and isinstance(value, str) and "<" not in MARK_TAGS.sub("", value):
        return Markup(value)
    return None
