"""Web archives (`.warc`, `.warc.gz`): one article per HTML response record, read as a stream.

WARC files come from crawlers (Browsertrix, Heritrix, `wget --warc-file`) and from Common
Crawl's CC-NEWS; they run to gigabytes, so records are read one at a time with warcio and
only one page's HTML is in memory at once (at most `MAX_RECORD_BYTES`). Header lines, header
blocks and the inflation of each gzip member are capped before they are read whole
(`warc_limits`): a record past a cap is reported and the reader goes on from the next one.

Each record becomes one of:

- a `Document`: a 2xx HTML response, with the record's target URL as its URL and its
  `WARC-Date` as the date when the page states none;
- a `Skipped`: requests, revisits, DNS lookups, metadata, non-HTML and non-2xx responses;
- a `SourceError` naming the file and the record's byte offset: a record that is corrupt,
  truncated or holds no article. After a corrupt record the reader looks for the next
  record's start (the next gzip member, or the next "WARC/1." line) and goes on from there,
  so the records before and after it still go in.
"""

from __future__ import annotations

import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.exceptions import ArchiveLoadFailed

from ingest.models import Document
from ingest.read.decoding import SourceError, decode
from ingest.read.htmlpage import html_document
from ingest.read.warc_limits import BoundedArchiveIterator, LimitExceeded

WARC_SUFFIXES = (".warc", ".warc.gz")
MAX_RECORD_BYTES = 20 * 1024 * 1024  # one page's HTML; a bigger payload is reported, not read
HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MEMBER = b"\x1f\x8b\x08"
_WARC_LINE = b"\nWARC/1."
_SCAN_CHUNK = 1024 * 1024
# What a broken record can raise from warcio, zlib or the HTTP header parser. warcio's parsers
# also fail on some cut headers with AttributeError or TypeError (a missing line read as None).
_READ_ERRORS = (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError, IndexError, AttributeError, TypeError)


@dataclass(frozen=True)
class Skipped:
    """A record that holds no article: `kind` is "request", "revisit", "dns", "non-HTML", ..."""

    kind: str


class RecordError(Exception):
    """A record that cannot be read as an article; the reason, without the file and offset."""


def warc_items(path: Path, source: str) -> Iterator[Document | Skipped | SourceError]:
    """Every record of the WARC at `path`, in order: a Document, a Skipped, or a SourceError
    ("<path>: record at offset N: <reason>") for a record that could not be read."""
    gzipped = path.name.lower().endswith(".gz")
    with open(path, "rb") as file:
        start: int | None = 0
        while start is not None:
            start = yield from _records_from(path, file, start, source, gzipped)


def _refusal(error: Exception) -> str:
    """Why a record is not read: a limit it broke, or what made it unreadable."""
    return str(error) if isinstance(error, LimitExceeded) else f"corrupt record ({_reason(error)})"


def _records_from(
    path: Path, file: BinaryIO, start: int, source: str, gzipped: bool
) -> Generator[Document | Skipped | SourceError, None, int | None]:
    """The records from byte `start` on; returns where to resume after a corrupt record, or None at the end."""
    file.seek(start)
    iterator = BoundedArchiveIterator(file, check_digests=True)
    records = iter(iterator)
    while True:
        offset = iterator.offset  # where the next record starts; reading a record moves it on
        warnings = iterator.err_count
        try:
            record = next(records)
        except StopIteration:
            if _bytes_left(file, iterator.offset):  # warcio stops without a word at a record cut in its headers
                yield _error(path, iterator.offset, "truncated record (the file ends inside its headers)")
            return None
        except (LimitExceeded, *_READ_ERRORS) as error:
            yield _error(path, offset, _refusal(error))
            return _next_record_start(file, offset + 1, gzipped)
        if record.format != "warc":  # warcio reads lines it cannot parse as an old ARC record
            yield _error(path, offset, "corrupt record (no WARC header)")
            return _next_record_start(file, offset + 1, gzipped)
        try:
            item: Document | Skipped | SourceError = _item(record, source)
        except RecordError as error:
            item = _error(path, offset, str(error))
        except (LimitExceeded, *_READ_ERRORS) as error:
            yield _error(path, offset, _refusal(error))
            return _next_record_start(file, offset + 1, gzipped)
        try:
            iterator.read_to_end()  # to the record's end: its digest checked, the next record found
        except (LimitExceeded, *_READ_ERRORS) as error:
            # the rest of a record already refused (too big) is not read either
            refused = isinstance(error, LimitExceeded) and isinstance(item, SourceError)
            yield item if refused else _error(path, offset, _refusal(error))
            return _next_record_start(file, offset + 1, gzipped)
        if iterator.err_count > warnings and not isinstance(item, SourceError):
            # warcio found the record longer or shorter than its Content-Length
            item = _error(path, offset, "corrupt record (its length does not match its Content-Length)")
        yield item


def _error(path: Path, offset: int, reason: str) -> SourceError:
    return SourceError(path, f"record at offset {offset}: {reason}")


def _item(record, source: str) -> Document | Skipped:
    kind = record.rec_type
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if url.startswith("dns:"):
        return Skipped("dns")
    if kind != "response":
        return Skipped(kind or "unknown")
    if record.http_headers is None:
        return Skipped("non-HTTP")
    status = record.http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return Skipped("non-2xx")
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    if content_type and content_type.split(";")[0].strip() not in HTML_TYPES:
        return Skipped("non-HTML")  # decided before reading: an image or video is never held in memory
    payload = _payload(record)
    if not content_type and not _looks_like_html(payload):
        return Skipped("non-HTML")
    html = _decode(payload, content_type)
    # The source names the capture by its URL, not its offset: offsets move when an earlier
    # page changes, and the source is part of the content hash.
    date = record.rec_headers.get_header("WARC-Date")
    document = html_document(f"{source}#{url}", html, "warc", url=url, date=date)
    if document is None:
        raise RecordError(f"{url}: no text found in the page")
    return document


def _payload(record) -> bytes:
    """The HTTP body, de-chunked and decompressed; a record cut short is an error."""
    data = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError(f"payload over the {MAX_RECORD_BYTES / (1024 * 1024):g} MB limit")
    if getattr(record.raw_stream, "limit", 0):  # bytes the Content-Length promised that never came
        raise RecordError("truncated record (the file ends inside it)")
    if problems := record.digest_checker.problems:
        raise RecordError(f"corrupt record ({problems[0]})")
    return data


def _looks_like_html(payload: bytes) -> bool:
    """For a response that states no Content-Type."""
    head = payload[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _decode(payload: bytes, content_type: str) -> str:
    """The payload as text: the charset the response states, else UTF-8 (with cp1252 for stray bytes)."""
    charset = next(
        (
            part.split("=", 1)[1].strip(" \"'")
            for part in content_type.split(";")
            if part.strip().startswith("charset=")
        ),
        "",
    )
    if charset and charset.replace("-", "").replace("_", "") not in ("utf8", "usascii", "ascii"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: read it as the other pages are
    try:
        return decode(payload, "")
    except SourceError as error:
        raise RecordError(error.reason) from None


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())[:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _bytes_left(file: BinaryIO, offset: int) -> bool:
    """Whether anything but blank lines follows `offset`, where warcio saw the end of the file."""
    file.seek(offset)
    return bool(file.read(_SCAN_CHUNK).strip(b"\r\n"))


def _next_record_start(file: BinaryIO, position: int, gzipped: bool) -> int | None:
    """The offset of the first record start at or after `position`, or None."""
    signature = _GZIP_MEMBER if gzipped else _WARC_LINE
    file.seek(position)
    carry = b""
    base = position
    while chunk := file.read(_SCAN_CHUNK):
        data = carry + chunk
        found = data.find(signature)
        if found >= 0:
            return base + found + (0 if gzipped else 1)  # after the newline, at "WARC/1."
        carry = data[-(len(signature) - 1) :]
        base += len(data) - len(carry)
    return None
