"""Limits on every SQLite connection the site opens, so that one query cannot take the
server's memory or a core: the 3 s time limit (`sql_time_limit_ms`) bounds the steps of a
query, not one function call or one value; `select length(printf('%.*c', 900000000, 'x'))`
ran 17 s and took the server to 1.1 GB, and `select randomblob(100000000)` answered 133 MB
of JSON.

- SQLITE_LIMIT_LENGTH caps any one string, blob or row at `MAX_VALUE_BYTES`: past it SQLite
  refuses at once ("string or blob too big", a 400 for `?sql=`). It also caps what can be
  read, so it sits above anything an ingest stores: a file is read whole up to 20 MB (a WARC
  page or a CSV cell likewise), at most 60 MB as UTF-8 even from cp1252.
- `printf` (and its other name, `format`) pads in one call however wide it is asked to, then
  answers NULL past the cap: 14 s of a core for nothing. Here a width or precision over the
  cap answers NULL at once, as SQLite's own would after those seconds (a Python function cannot
  give SQLite an error message of its own), and the rest is formatted by SQLite's own printf
  on a private in-memory connection with the same cap.
- The rows one query returns are capped at `MAX_RESULT_BYTES` of text and blobs (`CappedRows`,
  the connection's row factory). A page holds at most `max_returned_rows` (2000) rows, but each
  may hold values up to the length limit, and Datasette holds a page's rows, then its JSON,
  in memory: `select zeroblob(30000000) from sentences limit 60` (1.8 GB of rows, fetched well
  inside the time limit) took the server past 24 GB and the kernel killed it. Past the cap the
  query stops with `ResultTooLarge`, which Datasette answers as a 400 saying so. Every query
  is counted on its own, so a table streamed as CSV (`_stream=on`, 2,000 rows a query) is
  bounded per page, not in total: 2,000 articles averaging 50 KB of text each would fit.
"""

import re
import sqlite3
import threading
import weakref
from collections.abc import Callable

from datasette import hookimpl

MAX_VALUE_BYTES = 64 * 1024 * 1024
MAX_RESULT_BYTES = 100 * 1024 * 1024
# A conversion's width and precision: numbers, or "*" (taken from the arguments in turn).
SPEC = re.compile(r"%[-+ 0#,!]*(\*|\d*)(?:\.(\*|\d*))?(?:l|ll)?([a-zA-Z%])")
_formatter = threading.local()


def widths(fmt: str, args: tuple) -> list[int]:
    """The widths and precisions `fmt` asks for, "*" read from `args` as printf reads them."""
    found, position = [], 0
    for width, precision, kind in SPEC.findall(fmt):
        for value in (width, precision):
            if value == "*":
                taken = args[position] if position < len(args) else 0
                position += 1
                found.append(abs(int(taken)) if isinstance(taken, (int, float)) else 0)
            elif value:
                found.append(int(value))
        position += kind != "%"
    return found


def bounded_printf(fmt, *args):
    if fmt is None:
        return None
    fmt = str(fmt)
    if any(width > MAX_VALUE_BYTES for width in widths(fmt, args)):
        return None
    if not hasattr(_formatter, "conn"):
        _formatter.conn = sqlite3.connect(":memory:")
        _formatter.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    marks = ", ".join("?" * (len(args) + 1))
    return _formatter.conn.execute(f"select printf({marks})", (fmt, *args)).fetchone()[0]


class ResultTooLarge(sqlite3.OperationalError):
    """A query's rows past `MAX_RESULT_BYTES` (an OperationalError: Datasette's query, table and
    CSV views answer it as a 400 with its message)."""


class CappedRows:
    """A connection's row factory: rows as sqlite3.Row (as Datasette's own), the lengths of their
    strings and blobs added up per cursor (one query), the cursor stopped past `limit`. A
    connection serves one query at a time (Datasette keeps one per thread), so the count starts
    again when another cursor's rows come; the cursor is held weakly, so a finished query's
    statement is freed as before."""

    def __init__(self, limit: int):
        self.limit = limit
        self.cursor: weakref.ref | Callable[[], None] = lambda: None  # the cursor counted (none yet)
        self.size = 0

    def __call__(self, cursor, row):
        if self.cursor() is not cursor:
            self.cursor, self.size = weakref.ref(cursor), 0
        for value in row:
            if value.__class__ is str or value.__class__ is bytes:
                self.size += len(value)
        if self.size > self.limit:
            raise ResultTooLarge(
                f"this query's rows passed {self.limit // 1024 // 1024} MB, the most one query may answer here: "
                "ask for fewer rows or shorter values (a whole table goes as CSV with _stream=on, a page at a time)"
            )
        return sqlite3.Row(cursor, row)


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.row_factory = CappedRows(MAX_RESULT_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, bounded_printf, deterministic=True)
