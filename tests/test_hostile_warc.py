"""Hostile web archives: records built to take memory or time out of all proportion to their
size. warcio reads a header line of any length (a 2.3 MB .warc.gz whose one header line
inflates to 2.2 GB took 6.6 GB), any number of header lines, and inflates a gzip member however
far it goes. Now each is cut off at a limit (ingest/read/warc_limits.py), reported with the file and
the record's offset, and the records after it still go in. Every file is made here.
"""

import gzip
import tracemalloc
import zlib

import pytest

from ingest.models import Document
from ingest.read.decoding import SourceError
from ingest.read.warc import warc_items
from ingest.read.warc_limits import MAX_HEADER_BYTES, MAX_LINE_BYTES

HTML = (
    b"<html><head><title>Berita baik</title></head><body><article><p>Presiden bertemu para menteri di "
    b"Jakarta pada hari Senin untuk membahas anggaran tahun depan.</p></article></body></html>"
)


def record(uri: str, payload: bytes, extra: bytes = b"", content_length: int | None = None) -> bytes:
    """A WARC response record (uncompressed) whose HTTP response is `payload`."""
    length = len(payload) if content_length is None else content_length
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + uri.encode() + b"\r\n"
        b"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:"
        + uri.encode()[-8:]
        + b">\r\n"
        + extra
        + b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
        + str(length).encode()
        + b"\r\n\r\n"
        + payload
        + b"\r\n\r\n"
    )


def response(html: bytes = HTML) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html


GOOD = record("http://contoh.id/baik", response())


def items(path):
    return list(warc_items(path, path.name))


def errors(found) -> list[str]:
    return [str(item) for item in found if isinstance(item, SourceError)]


def documents(found) -> list[Document]:
    return [item for item in found if isinstance(item, Document)]


@pytest.mark.slow  # tens of megabytes inflated
def test_a_header_line_that_inflates_to_64_mb_is_cut_at_the_limit(tmp_path):
    path = tmp_path / "long-line.warc.gz"
    line = b"X-Padding: " + b"a" * (64 * 1024 * 1024) + b"\r\n"
    path.write_bytes(gzip.compress(record("http://contoh.id/a", response(), line), 6) + gzip.compress(GOOD))
    del line
    warm = tmp_path / "good.warc.gz"  # the HTML extractor's imports and tables, loaded before counting
    warm.write_bytes(gzip.compress(GOOD))
    assert len(documents(items(warm))) == 1
    tracemalloc.start()
    try:
        found = items(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert errors(found) == [
        f"{path}: record at offset 0: a header line over {MAX_LINE_BYTES:,} bytes (not read further)"
    ]
    assert [d.url for d in documents(found)] == ["http://contoh.id/baik"]
    # the line is never held, only a few inflated blocks (4 KB in, at most ~4 MB out each)
    assert peak < 16 * 1024 * 1024, peak


def test_a_long_header_line_in_a_plain_warc_is_cut_and_the_next_record_found(tmp_path):
    path = tmp_path / "long-line.warc"
    line = b"X-Padding: " + b"a" * (4 * MAX_LINE_BYTES) + b"\r\n"
    path.write_bytes(record("http://contoh.id/a", response(), line) + GOOD)
    found = items(path)
    assert errors(found) == [
        f"{path}: record at offset 0: a header line over {MAX_LINE_BYTES:,} bytes (not read further)"
    ]
    assert [d.url for d in documents(found)] == ["http://contoh.id/baik"]


def test_a_header_block_of_many_short_lines_is_cut(tmp_path):
    path = tmp_path / "many-lines.warc.gz"
    lines = b"".join(b"X-Line-%d: %s\r\n" % (n, b"b" * 80) for n in range(2 * MAX_HEADER_BYTES // 90))
    path.write_bytes(gzip.compress(record("http://contoh.id/a", response(), lines)) + gzip.compress(GOOD))
    found = items(path)
    assert errors(found) == [f"{path}: record at offset 0: headers over {MAX_HEADER_BYTES:,} bytes (not read further)"]
    assert [d.url for d in documents(found)] == ["http://contoh.id/baik"]


@pytest.mark.slow  # tens of megabytes inflated
def test_a_gzip_member_that_inflates_a_thousandfold_is_cut(tmp_path):
    """200 MB of spaces as an image, about 200 KB compressed: an image is skipped unread, but
    all of it was inflated to find the record's end."""
    path = tmp_path / "bomb.warc.gz"
    body_size = 200 * 1024 * 1024
    head = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(record("http://contoh.id/bom", head, content_length=len(head) + body_size)[:-4])]
    chunk = b" " * (1024 * 1024)
    for _ in range(body_size // len(chunk)):
        parts.append(compressor.compress(chunk))
    parts.append(compressor.compress(b"\r\n\r\n") + compressor.flush())
    bomb = b"".join(parts)
    path.write_bytes(bomb + gzip.compress(GOOD))
    found = items(path)
    assert errors(found) == [
        f"{path}: record at offset 0: a gzip member inflating over 100 times its size past 32 MB (not read further)"
    ]
    assert [d.url for d in documents(found)] == ["http://contoh.id/baik"]
