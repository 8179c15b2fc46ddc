"""SQL function `fts_query(q)`: any text a user types, as a safe FTS5 query for `sentences_fts`.

FTS5 has its own query language, so raw input such as `São Paulo's`, `"` or `NEAR(` is a
syntax error. Here each whitespace-separated part of the input, or each part in double
quotes (a phrase: its words in that order), is quoted (so it can only ever be a phrase)
and must match either as written, in `text`, or as its Indonesian stems, in `stemmed`
(built with the same `stem_text` as the column):

    fts_query('pertemuan Putin')
    -> (text : "pertemuan" OR stemmed : "temu") AND (text : "Putin" OR stemmed : "putin")
    fts_query('"Kim Jong Un" bertemu')
    -> (text : "Kim Jong Un" OR stemmed : "kim jong un") AND (text : "bertemu" OR stemmed : "temu")

Parts without a letter or digit are dropped (as a phrase they would match nothing); input
with none at all gives `""`, which is valid and matches nothing.
"""

import re

from datasette import hookimpl

from ingest.stem import stem_text

MATCH_NOTHING = '""'
PART = re.compile(r'"([^"]*)"|(\S+)')  # a closed quotation, or a run of non-space characters


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(q) -> str:
    text = str(q or "").replace("\x00", " ")  # SQLite would end the query string at a NUL
    parts = [phrase.strip() or word for phrase, word in PART.findall(text)]
    parts = [part for part in parts if any(c.isalnum() for c in part)]
    clauses = [f"(text : {quote(part)} OR stemmed : {quote(stem_text(part))})" for part in parts]
    return " AND ".join(clauses) or MATCH_NOTHING


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
