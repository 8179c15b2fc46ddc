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

A page holds at most `max_returned_rows` (2000) rows within the time limit; a streamed CSV is
written row by row.
"""

import re
import sqlite3
import threading

from datasette import hookimpl

MAX_VALUE_BYTES = 64 * 1024 * 1024
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


@hookimpl
def prepare_connection(conn):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    for name in ("printf", "format"):
        conn.create_function(name, -1, bounded_printf, deterministic=True)
