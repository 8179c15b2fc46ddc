"""warcio with bounds: header lines, header blocks and decompression capped before they are read.

warcio reads a header line of any length into memory: a 2.3 MB `.warc.gz` whose one header
line inflates to 2.2 GB took 6.6 GB and was still growing after 300 s. `BoundedArchiveIterator`
is warcio's `ArchiveIterator` reading through `BoundedReader`, which refuses

- a header line over `MAX_LINE_BYTES` (read that far, never further),
- more than `MAX_HEADER_BYTES` of header lines in a row (a WARC header block with its HTTP
  headers; any payload read starts the count again),
- a gzip member that inflates past `MAX_INFLATED_FLOOR` bytes to more than `MAX_RATIO` times
  its compressed size (deflate can reach 1,032:1; real pages reach about 10:1),

by raising `LimitExceeded` from inside the read. `ingest/read/warc.py` reports it with the record's
offset and goes on from the next record's start. Memory per record is then bounded by these
limits and one inflated block (`BLOCK_BYTES` of compressed data: at most about 4 MB inflated).
"""

from __future__ import annotations

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader

MAX_LINE_BYTES = 64 * 1024
MAX_HEADER_BYTES = 1024 * 1024
MAX_RATIO = 100
MAX_INFLATED_FLOOR = 32 * 1024 * 1024
# Compressed bytes read at a time: deflate inflates a block at most about 1,032-fold, so one
# block in memory is at most about 4 MB (warcio's 16 KB blocks could make 16 MB).
BLOCK_BYTES = 4096


class LimitExceeded(Exception):
    """A record that would take more memory or work to read than the limits allow; str() says which."""


class BoundedReader(DecompressingBufferedReader):
    """warcio's reader with the limits above."""

    def __init__(self, *args, **kwargs):
        self.header_bytes = 0  # header lines read since the last payload read
        self.member_in = self.member_out = 0  # compressed and inflated bytes of the current gzip member
        super().__init__(*args, **kwargs)

    def readline(self, length=None):
        """One whole line, up to `length` or the cap. (warcio's own may return part of a line
        where a buffer ends, which its header parser then takes for several lines.)"""
        wanted = MAX_LINE_BYTES + 1 if length is None else min(length, MAX_LINE_BYTES + 1)
        parts, size = [], 0
        while size < wanted:
            part = super().readline(wanted - size)
            if not part:
                break
            parts.append(part)
            size += len(part)
            if part.endswith(b"\n"):
                break
        line = b"".join(parts)
        if len(line) > MAX_LINE_BYTES:
            raise LimitExceeded(f"a header line over {MAX_LINE_BYTES:,} bytes (not read further)")
        self.header_bytes += len(line)
        if self.header_bytes > MAX_HEADER_BYTES:
            raise LimitExceeded(f"headers over {MAX_HEADER_BYTES:,} bytes (not read further)")
        return line

    def read(self, length=None):
        self.header_bytes = 0
        return super().read(length)

    def _init_decomp(self, decomp_type):
        self.member_in = self.member_out = 0
        super()._init_decomp(decomp_type)

    def _process_read(self, data):
        if data and self.decompressor is not None:
            self.member_in += len(data)
        super()._process_read(data)
        if self.decompressor is not None and data:
            self.member_out += self.buff_size
            if self.member_out > max(MAX_INFLATED_FLOOR, MAX_RATIO * self.member_in):
                raise LimitExceeded(
                    f"a gzip member inflating over {MAX_RATIO} times its size past "
                    f"{MAX_INFLATED_FLOOR // (1024 * 1024)} MB (not read further)"
                )


class BoundedArchiveIterator(ArchiveIterator):
    """`ArchiveIterator` reading through `BoundedReader`."""

    def __init__(self, fileobj, **options):
        super().__init__(fileobj, **options)
        self.reader = BoundedReader(self.fh, block_size=BLOCK_BYTES)
