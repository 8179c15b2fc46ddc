"""Bytes to text, and the error every reader raises for what it cannot read.

Every format's reader (`sources`, `warc`, `tabular`) decodes with `decode`, so a file, a
WARC record and a CSV export in the same encoding read the same way.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata

# Share of control characters (other than tab, newline, CR, VT, FF) above which decoded
# "text" is taken for a binary file. Random bytes give about 13%; real text about 0%.
_MAX_CONTROL_SHARE = 0.05
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# cp1252 assigns printable characters (curly quotes, dashes, the euro sign) to most of
# 0x80-0x9F, where Latin-1 has control characters. Decoding as Latin-1 and translating
# through this table gives cp1252, with Latin-1 kept for the five bytes cp1252 leaves undefined.
_CP1252 = {byte: bytes([byte]).decode("cp1252", "ignore") or chr(byte) for byte in range(0x80, 0xA0)}


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler: read the bytes that are not valid UTF-8 as cp1252."""
    assert isinstance(error, UnicodeDecodeError), "registered for decoding only"
    bad = error.object[error.start : error.end]
    return bad.decode("latin-1").translate(_CP1252), error.end


codecs.register_error("newsarchive-cp1252", _cp1252_fallback)


class SourceError(Exception):
    """A file that cannot be read as articles. str() is "<path>: <reason>", or
    "<path>:<line>: <reason>" for one line of it (a CSV row)."""

    def __init__(self, path: str | os.PathLike, reason: str, line: int | None = None):
        super().__init__(os.fspath(path), reason, line)  # all in args, so the error pickles
        self.path = os.fspath(path)
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


def decode(data: bytes, path: str | os.PathLike) -> str:
    """Bytes of a text file to str, with "\\n" newlines, in Unicode NFC.

    UTF-16 is recognised by its byte-order mark, or without one by NULs filling one byte
    of every pair. Anything else is read as UTF-8 (a UTF-8 BOM is dropped), and bytes that
    are not valid UTF-8 as cp1252, so a Windows file, or one pasted together from UTF-8
    and Windows text, still reads right. NULs or many control characters in the result
    mean the file is not text: SourceError. Zero-width and direction characters are kept.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_utf16(data, "utf-16", path)
    elif encoding := _utf16_without_bom(data):
        text = _decode_utf16(data, encoding, path)
    else:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8", "newsarchive-cp1252")
    if reason := binary_reason(text):
        raise SourceError(path, reason)
    return normalised_text(text)


def binary_reason(text: str, any_nul: bool = True) -> str | None:
    """Why decoded `text` looks like a binary file rather than text, or None. With `any_nul`
    False, NULs count only as control characters (one NUL in a CSV row is that row's problem)."""
    if any_nul and "\x00" in text:
        return "looks like a binary file (contains NUL bytes)"
    controls = len(_CONTROL.findall(text))
    if controls > len(text) * _MAX_CONTROL_SHARE:
        return f"looks like a binary file ({controls} control characters in {len(text)})"
    return None


def stream_encoding(head: bytes) -> str:
    """The codec `decode` would read a file starting with `head` (its first few KB) with, for
    files read as a stream: "utf-16" (with a BOM), "utf-16-le", "utf-16-be" or "utf-8-sig".
    Open it with errors="newsarchive-cp1252" to read stray bytes as `decode` does."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return _utf16_without_bom(head[: len(head) - len(head) % 2]) or "utf-8-sig"


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" if the NULs say so; text in Latin script is mostly ASCII,
    whose UTF-16 has a NUL as every second (LE) or every first (BE) byte."""
    if not data or len(data) % 2:
        return None
    sample = data[:4096]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= pairs / 2 and even <= pairs / 20:
        return "utf-16-le"
    if even >= pairs / 2 and odd <= pairs / 20:
        return "utf-16-be"
    return None


def _decode_utf16(data: bytes, encoding: str, path: str | os.PathLike) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise SourceError(path, f"cannot decode as {encoding.upper()} ({error.reason})") from None


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def normalised_text(text: str) -> str:
    """`text` with "\\n" newlines, in NFC, and each lone surrogate (JSON may spell one,
    `"\\udcff"`; no UTF-8 can hold it, so hashing and storing it would fail) as U+FFFD."""
    text = _LONE_SURROGATE.sub("\ufffd", text)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# What must not reach a terminal from a file name or a message: control characters (a newline
# would forge an extra `error:` line, ESC starts an escape sequence), line and paragraph
# separators, and the bidirectional overrides that make a name read backwards.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` (a file name, or a message naming one) safe to print on one line: bytes of a
    name that are not UTF-8 as `\\xff`, control and direction characters as `\\n`, `\\x1b`, `\\u202e`."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name holds (from JSON text, say)
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
