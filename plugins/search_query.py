"""SQL function `fts_query(q)`: any text a user types, as a safe FTS5 query for `sentences_fts`.

FTS5 has its own query language, so raw input such as `São Paulo's`, `"` or `NEAR(` is a
syntax error. Here each whitespace-separated part of the input is quoted (so it can only
ever be a phrase) and must match either as written, in `text`, or as its Indonesian stems,
in `stemmed` (built with the same `stem_text` as the column):

    fts_query('pertemuan Putin')
    -> (text : "pertemuan" OR stemmed : "temu") AND (text : "Putin" OR stemmed : "putin")

Parts without a letter or digit are dropped (as a phrase they would match nothing); input
with none at all gives `""`, which is valid and matches nothing.
"""

from datasette import hookimpl

from ingest.stem import stem_text

MATCH_NOTHING = '""'


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_query(q) -> str:
    text = str(q or "").replace("\x00", " ")  # SQLite would end the query string at a NUL
    parts = [part for part in text.split() if any(c.isalnum() for c in part)]
    clauses = [f"(text : {quote(part)} OR stemmed : {quote(stem_text(part))})" for part in parts]
    return " AND ".join(clauses) or MATCH_NOTHING


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
