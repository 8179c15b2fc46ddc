"""SQL function `fts_query(q)`: any text a user types, as a safe FTS5 query for `sentences_fts`.

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
"""

import re

from datasette import hookimpl

from ingest.extract.stem import WORD, stem_text

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


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
