"""Marked snippets: the SQL functions `mark_words(text, q)` and `mark_span(text, start, end)`
(ingest/serve/sql_functions.py: they escape the text, then wrap matches in <mark>) on every
connection, and the cell renderer that lets exactly that markup through.

A `snippet` column is rendered as HTML only if it has no `<` other than those tags, so a
researcher's own `select '<script>…' as snippet` is still shown as text.
"""

import re

from datasette import hookimpl
from markupsafe import Markup

from ingest.serve.sql_functions import mark_span, mark_words

MARK_TAGS = re.compile(r"</?mark>")


@hookimpl
def prepare_connection(conn):
    conn.create_function("mark_words", 2, mark_words, deterministic=True)
    conn.create_function("mark_span", 3, mark_span, deterministic=True)


@hookimpl
def render_cell(value, column):
    if column == "snippet" and isinstance(value, str) and "<" not in MARK_TAGS.sub("", value):
        return Markup(value)
    return None
