"""SQL function `fts_query(q)` on every connection: any text a user types, as a safe FTS5
query for `sentences_fts` (ingest/serve/sql_functions.py says how)."""

from datasette import hookimpl

from ingest.serve.sql_functions import fts_query


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
