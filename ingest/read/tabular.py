"""Spreadsheets of articles (`.csv`, `.tsv`): a header row, then one article per row.

Scrapers and newsroom tools export CSV. Columns are found by the names JSON keys have
(`models.RECORD_KEYS`: title, body/text/content, url, published/date, outlet/source, ...,
any case), or named by the user: `--column body=isi --column published=tanggal`. The file
is read as a stream (exports run to gigabytes), in the encodings `decoding.decode` reads;
a bad row is reported with its line number and the other rows still go in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path

from ingest.models import RECORD_KEYS, Document
from ingest.read.decoding import SourceError, binary_reason, normalised_text, stream_encoding
from ingest.read.htmlpage import fragment_text, is_markup

TABULAR_SUFFIXES = (".csv", ".tsv")
MAX_FIELD_BYTES = 20 * 1024 * 1024  # one article's body; csv's own default (128 KB) is too small for some
# The names a user may map with --column; "body" is the Document's text.
FIELDS = {
    "body": "text",
    "title": "title",
    "url": "url",
    "published": "published",
    "outlet": "outlet",
    "language": "language",
    "author": "author",
}
_HEAD_BYTES = 64 * 1024
MAX_LINE_CHARS = 4 * MAX_FIELD_BYTES  # one physical line: a record's cells side by side
LINE_ENDS = ("\n", "\r")  # newline="": a line ends at \n, \r\n or \r


def parse_columns(pairs: list[str] | tuple[str, ...]) -> dict[str, str]:
    """`["body=isi", "published=tanggal"]` as {"body": "isi", "published": "tanggal"}; ValueError if malformed."""
    columns: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        field, column = field.strip().lower(), column.strip()
        if not sep or not column:
            raise ValueError(f"{pair!r}: expected FIELD=COLUMN, e.g. body=isi")
        if field not in FIELDS:
            raise ValueError(f"{pair!r}: unknown field {field!r} (fields: {', '.join(FIELDS)})")
        columns[field] = column
    return columns


def tabular_items(
    path: Path, source: str, columns: Mapping[str, str] | None = None
) -> Iterator[Document | SourceError]:
    """One Document per data row, or a SourceError naming the line of a row that cannot be read.

    A problem with the file itself (unreadable, binary, no header, a mapped column missing)
    is raised instead: nothing in it could go in."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_BYTES))
    suffix = path.name.lower().rsplit(".", 1)[-1]
    try:
        with open(path, "rb") as binary:
            head = binary.read(_HEAD_BYTES)
            if not head:
                raise SourceError(path, "file is empty")
            encoding = stream_encoding(head)
            if reason := binary_reason(head.decode(encoding, "replace"), any_nul=False):
                raise SourceError(path, reason)
            binary.seek(0)
            text = io.TextIOWrapper(binary, encoding=encoding, errors="newsarchive-cp1252", newline="")
            lines = Lines(text)
            reader = csv.reader(lines, delimiter="\t" if suffix == "tsv" else ",")
            yield from _rows(path, source, suffix, reader, lines, columns)
    except OSError as error:
        raise SourceError(path, f"cannot read file ({error.strerror or error})") from error


class Lines:
    """The file's lines for `csv.reader`, counted, with the quotes of the record being read.

    After an error inside a quoted cell that spans lines (a cell over the field limit, say)
    `csv.reader` starts again at the next line, inside the cell: every line of the cell was read
    as a row (1.16 M error lines and junk articles for one 20 MB cell, and the next real row
    lost). `skip_rest_of_cell` drops lines until the cell's closing quote instead. A quote
    toggles "inside a quoted cell" (a doubled quote inside one toggles twice); the count starts
    again at each record, so a stray quote in an unquoted cell cannot lead it astray for long.
    A line is read at most `MAX_LINE_CHARS` at a time: a longer one is an error, not memory."""

    def __init__(self, text):
        self.text, self.number, self.in_quotes = text, 0, False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.text.readline(MAX_LINE_CHARS)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) == MAX_LINE_CHARS and not line.endswith(LINE_ENDS):
            self._count(line)
            while line and not line.endswith(LINE_ENDS):  # the rest of the line, never held whole
                line = self.text.readline(MAX_LINE_CHARS)
                self._count(line)
            raise csv.Error(f"a line over {MAX_LINE_CHARS:,} characters")
        self._count(line)
        return line

    def _count(self, line: str) -> None:
        if line.count('"') % 2:
            self.in_quotes = not self.in_quotes

    def record_done(self) -> None:
        self.in_quotes = False

    def skip_rest_of_cell(self) -> None:
        """After a reading error: if it came inside a quoted cell, read past the rest of the
        cell (to the end of the line its closing quote is on)."""
        while self.in_quotes:
            line = self.text.readline(MAX_LINE_CHARS)
            if not line:
                break
            self.number += line.endswith(LINE_ENDS)
            self._count(line)
        self.in_quotes = False


def _rows(
    path: Path, source: str, suffix: str, reader, lines: Lines, columns: Mapping[str, str] | None
) -> Iterator[Document | SourceError]:
    try:
        header = next(reader)
    except StopIteration:
        raise SourceError(path, "file has no header row") from None
    except csv.Error as error:
        raise SourceError(path, f"cannot read the header row ({error})", 1) from None
    lines.record_done()
    where = _find_columns(path, [name.strip() for name in header], columns or {})
    number, line = 0, lines.number + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield SourceError(path, str(error), line)
            lines.skip_rest_of_cell()
            line = lines.number + 1
            continue
        lines.record_done()
        if any(cell.strip() for cell in row):
            number += 1
            yield _document(path, f"{source}#{number}", suffix, line, row, len(header), where)
        line = lines.number + 1
    if number == 0:
        raise SourceError(path, "no rows under the header")


def _find_columns(path: Path, header: list[str], columns: Mapping[str, str]) -> dict[str, int]:
    """Document field -> column index: the user's mapping first, then the common names."""
    folded = {name.casefold(): index for index, name in reversed(list(enumerate(header)))}
    where: dict[str, int] = {}
    for field, column in columns.items():
        if column.casefold() not in folded:
            raise SourceError(path, f"no column {column!r} for {field} (columns: {', '.join(header)})")
        where[FIELDS[field]] = folded[column.casefold()]
    for field, names in RECORD_KEYS.items():
        if field not in where:
            found = next((folded[name.casefold()] for name in names if name.casefold() in folded), None)
            if found is not None:
                where[field] = found
    if "text" not in where:
        raise SourceError(
            path,
            f"no article text column (expected one of: {', '.join(RECORD_KEYS['text'])}, or --column body=NAME; "
            f"columns: {', '.join(header)})",
        )
    return where


def _document(
    path: Path, source: str, suffix: str, line: int, row: list[str], width: int, where: dict[str, int]
) -> Document | SourceError:
    if len(row) > width:
        return SourceError(path, f"{len(row)} fields, the header has {width} (a stray delimiter or quote?)", line)
    fields = {field: _cell(row, index) for field, index in where.items()}
    body = fields.pop("text")
    if body and is_markup(body):
        body = fragment_text(body)
    if not body:
        return SourceError(path, "no article text (the body column is empty)", line)
    if reason := binary_reason(body):
        return SourceError(path, reason, line)
    return Document(source, body, suffix, **fields)


def _cell(row: list[str], index: int) -> str | None:
    value = normalised_text(row[index].strip()) if index < len(row) else ""
    return value or None
