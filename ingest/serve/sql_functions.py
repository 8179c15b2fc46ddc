"""The SQL functions the site's queries call: `fts_query(q)` turns what a user types into a safe
FTS5 query, `mark_words(text, q)` and `mark_span(text, start, end)` escape text and mark what
matched. plugins/search_query.py and plugins/highlight.py register them on every connection;
the search desk's SQL (ingest/serve/search.py) and the canned queries in metadata.yml use them.

fts_query
---------
FTS5 has its own query language, so raw input such as `São Paulo's`, `"` or `NEAR(` is a
syntax error. Here each whitespace-separated part of the input, or each part in double
quotes (a phrase: its words in that order), is quoted (so it can only ever be a phrase)
and must match either as written, in `text`, or as its Indonesian stems, in `stemmed`
(built with the same `stem_text` as the column):

    fts_query('pertemuan Putin')
    -> (text : "pertemuan" OR stemmed : "temu") AND stemmed : "putin"
    fts_query('"Kim Jong Un" bertemu')
    -> stemmed : "kim jong un" AND (text : "bertemu" OR stemmed : "temu")

A part whose stems are its own words ("Putin", most names) is looked up in `stemmed` alone:
there it matches the same sentences, and bm25 costs a scan of every match per phrase (at
100,000 articles, "Korea" in 1.8M sentences: 75 ms with both columns, 41 ms with one).

Parts without a letter or digit are dropped (as a phrase they would match nothing); input
with none at all gives `""`, which is valid and matches nothing.

mark_words, mark_span
---------------------
`mark_words(text, q)` marks the words of `text` that `fts_query(q)` matched: the same word
(case and diacritics ignored) or the same Indonesian stem. `mark_span(text, start, end)`
marks one character range, such as a mention. Both escape first, so the result is HTML
whose only tags are <mark> and </mark>; JSON and CSV carry that string as it is.
"""

import re
import unicodedata

from markupsafe import escape

from ingest.extract.stem import WORD, stem_text, stem_word

MATCH_NOTHING = '""'
PART = re.compile(r'"([^"]*)"|(\S+)')  # a closed quotation, or a run of non-space characters


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(q) -> str:
    text = str(q or "").replace("\x00", " ")  # SQLite would end the query string at a NUL
    parts = [phrase.strip() or word for phrase, word in PART.findall(text)]
    parts = [part for part in parts if any(c.isalnum() for c in part)]
    return " AND ".join(clause(part) for part in parts) or MATCH_NOTHING


def clause(part: str) -> str:
    stems = stem_text(part)
    if stems == " ".join(WORD.findall(part.lower())):
        return f"stemmed : {quote(stems)}"
    return f"(text : {quote(part)} OR stemmed : {quote(stems)})"


def word_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def mark_words(text, q) -> str | None:
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


def mark_span(text, start, end) -> str | None:
    if text is None:
        return None
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        return str(escape(text))
    return f"{escape(text[:start])}<mark>{escape(text[start:end])}</mark>{escape(text[end:])}"
