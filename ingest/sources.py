"""Files in, Documents out: find the files to ingest and read each one into Documents.

This is the only module that reads article files. Everything after it works on `Document`
objects, so every way a file can be unusable (missing, empty, binary, too big, badly
encoded, malformed JSON) is reported here, as a `SourceError` naming the file and the reason.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .models import Document

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
MAX_FILE_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024

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
    """A file that cannot be read as articles. str() is "<path>: <reason>"."""

    def __init__(self, path: str | os.PathLike, reason: str):
        super().__init__(os.fspath(path), reason)  # both in args, so the error pickles
        self.path = os.fspath(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def find_files(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Path]:
    """The supported files among `paths` and, recursively, inside the folders among them.

    Sorted, and each file once even when named twice or reached by two routes. Hidden
    files and folders are skipped inside folders, but a file named explicitly is always
    taken, and one of an unsupported type is an error rather than silently dropped.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates: Iterable[Path] = _walk(path)
        elif path.exists():
            _check_suffix(path)
            candidates = [path]
        else:
            raise SourceError(path, "no such file or directory")
        for candidate in candidates:
            found.setdefault(os.path.realpath(candidate), candidate)
    return sorted(found.values())


def _walk(folder: Path) -> Iterator[Path]:
    def fail(error: OSError) -> None:
        raise SourceError(error.filename, f"cannot list folder ({error.strerror})")

    for root, dirs, files in os.walk(folder, onerror=fail):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(SUPPORTED_SUFFIXES):
                yield Path(root, name)


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise SourceError(path, f"unsupported file type (supported: {' '.join(SUPPORTED_SUFFIXES)})")


def read_documents(path: str | os.PathLike) -> list[Document]:
    """The Documents in one file: one for .txt and .html/.htm, one per record for .json/.jsonl.

    A .json file holds one object or a list of objects; a .jsonl file one object per line
    (blank lines are skipped). One bad record fails the whole file, naming the record or
    line: a file half-ingested is harder to notice and to fix than one refused outright.
    """
    path = Path(path)
    _check_suffix(path)
    text = _read_text(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return [Document(_source_name(path), text, "txt")]
    if suffix in (".html", ".htm"):
        return [_html_document(path, text)]
    if suffix == ".json":
        return _json_documents(path, text)
    return _jsonl_documents(path, text)


def _source_name(path: Path) -> str:
    """`path` relative to the working directory if it is under it, else absolute; "/" separators.

    Article ids derive from this, so it must not depend on how the path was spelled
    ("seeds/a.txt", "./seeds/a.txt" and the absolute path give the same name).
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def _read_text(path: Path) -> str:
    """The decoded text of the file; the size is checked with stat before anything is read."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(path, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise SourceError(path, _too_big(info.st_size))
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)  # +1: notice a file that grew since stat
    except OSError as error:
        raise SourceError(path, f"cannot read file ({error.strerror or error})") from error
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(path, _too_big(len(data)))
    if not data:
        raise SourceError(path, "file is empty")
    text = decode(data, path)
    if not text.strip():
        raise SourceError(path, "file has no text (only whitespace)")
    return text


def _too_big(size: int) -> str:
    return f"file is {size / _MB:.1f} MB, over the {MAX_FILE_BYTES / _MB:g} MB limit"


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
    if "\x00" in text:
        raise SourceError(path, "looks like a binary file (contains NUL bytes)")
    controls = len(_CONTROL.findall(text))
    if controls > len(text) * _MAX_CONTROL_SHARE:
        raise SourceError(path, f"looks like a binary file ({controls} control characters in {len(text)})")
    return _normalised_text(text)


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


def _normalised_text(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


# --- HTML ---------------------------------------------------------------------------

_DROPPED = ["script", "style", "noscript", "template", "svg", "iframe", "form", "nav", "header", "footer", "aside"]
_BLOCKS = frozenset(
    "address article blockquote body caption dd details dir div dl dt fieldset figcaption "
    "figure h1 h2 h3 h4 h5 h6 hgroup hr li main ol p pre section summary table td th tr ul".split()
)


def _html_document(path: Path, text: str) -> Document:
    tree = _parse_html(text)
    metadata = _html_metadata(tree)  # before _html_text drops <header>, where <h1> and <time> often are
    body = _html_text(tree)
    if not body:
        raise SourceError(path, "no text found in the page")
    return Document(_source_name(path), body, "html", **metadata)


def _parse_html(text: str) -> LexborHTMLParser:
    # scripting=True parses <noscript> as text, as browsers do; otherwise an <img> in a
    # <noscript> in <head> closes the head early and <title> and <meta> land in the body.
    return LexborHTMLParser(text, scripting=True)


def _html_metadata(tree: LexborHTMLParser) -> dict[str, str | None]:
    meta: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        key = node.attributes.get("property") or node.attributes.get("name")
        content = _collapse(node.attributes.get("content") or "")
        if key and content:
            meta.setdefault(key.strip().lower(), content)
    url = _first(
        _absolute_url(_attribute(tree.css_first('link[rel~="canonical"]'), "href")), _absolute_url(meta.get("og:url"))
    )
    return {
        "title": _first(
            meta.get("og:title"),
            meta.get("twitter:title"),
            _node_text(tree.css_first("h1")),
            _node_text(tree.css_first("title")),
        ),
        "outlet": _first(meta.get("og:site_name"), _domain(url)),
        "published": _first(
            meta.get("article:published_time"),
            meta.get("pubdate"),
            meta.get("date"),
            _attribute(tree.css_first("time[datetime]"), "datetime"),
        ),
        "url": url,
        "language": _attribute(tree.css_first("html"), "lang"),
    }


def _first(*values: str | None) -> str | None:
    return next((value for value in values if value), None)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _node_text(node: LexborNode | None) -> str | None:
    return _collapse(node.text()) if node else None


def _attribute(node: LexborNode | None, name: str) -> str | None:
    value = _collapse(node.attributes.get(name) or "") if node else ""
    return value or None


def _absolute_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL; a relative one cannot identify the article."""
    try:
        parts = urlparse(url or "")
    except ValueError:  # e.g. "http://[broken"
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _domain(url: str | None) -> str | None:
    host = urlparse(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _html_text(tree: LexborHTMLParser) -> str:
    """The text of the page's content, one block element per line, blocks separated by a blank line.

    The content is the longest <article> (pages often add short ones for related
    stories), else <main>, else <body>. Whitespace inside a block is collapsed; <br>
    also ends a line, since some sites separate paragraphs with <br><br> alone.
    """
    tree.strip_tags(_DROPPED, recursive=True)
    articles = tree.css("article")
    container = max(articles, key=lambda node: len(node.text())) if articles else tree.css_first("main") or tree.body
    lines: list[str] = []
    pending: list[str] = []

    def end_line() -> None:
        line = _collapse("".join(pending))
        if line:
            lines.append(line)
        pending.clear()

    # Depth-first with an explicit stack (deeply nested pages would overflow recursion);
    # None marks where a block element ends.
    stack: list[LexborNode | None] = [container] if container else []
    while stack:
        node = stack.pop()
        if node is None:
            end_line()
        elif node.is_text_node:
            pending.append(node.text_content or "")
        elif node.is_element_node:
            if node.tag == "br" or node.tag in _BLOCKS:
                end_line()
            if node.tag in _BLOCKS:
                stack.append(None)
            stack.extend(reversed(list(node.iter(include_text=True))))
    end_line()
    return "\n\n".join(lines)


# --- JSON ---------------------------------------------------------------------------

# Document field -> the record keys it is read from, first non-empty one wins.
_JSON_KEYS = {
    "text": ("body", "text", "content"),
    "title": ("title",),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at", "publishedAt", "pubDate"),
    "outlet": ("outlet", "source", "site", "publisher"),
    "language": ("language", "lang"),
}
_HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|h[1-6]|ul|ol|li|blockquote|figure|figcaption|img|table"
    r"|article|section)\b[^<>]*>",
    re.IGNORECASE,
)


def _json_documents(path: Path, text: str) -> list[Document]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(path, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    records = data if isinstance(data, list) else [data]
    if not records:
        raise SourceError(path, "the JSON list holds no records")
    return [_json_document(path, number, f"record {number}", record) for number, record in enumerate(records, 1)]


def _jsonl_documents(path: Path, text: str) -> list[Document]:
    documents: list[Document] = []
    # split("\n"), not splitlines(): U+2028 and friends may stand unescaped inside JSON strings.
    for line_number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise SourceError(path, f"line {line_number}: invalid JSON at column {error.colno}: {error.msg}") from None
        documents.append(_json_document(path, len(documents) + 1, f"line {line_number}", record))
    return documents


def _json_document(path: Path, number: int, where: str, record: object) -> Document:
    """One record as a Document; `where` ("record 3", "line 7") locates it in error messages."""
    if not isinstance(record, dict):
        raise SourceError(path, f"{where}: expected a JSON object, got {type(record).__name__}")
    fields = {name: _json_field(path, where, record, keys) for name, keys in _JSON_KEYS.items()}
    body = fields.pop("text")
    if body is None:
        raise SourceError(path, f"{where}: no article text (expected one of: {', '.join(_JSON_KEYS['text'])})")
    if _HTML_TAG.search(body):
        body = _html_text(_parse_html(body))
        if not body:
            raise SourceError(path, f"{where}: the HTML body holds no text")
    return Document(f"{_source_name(path)}#{number}", body, "json", **fields)


def _json_field(path: Path, where: str, record: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if value is None:
            continue
        text = _json_string(value)
        if text is None:
            raise SourceError(path, f"{where}: {key!r} should be text, not {type(value).__name__}")
        if text.strip():
            return _normalised_text(text.strip())
    return None


def _json_string(value: object) -> str | None:
    """`value` as text: numbers (e.g. a timestamp) as written, a list of strings as paragraphs,
    an object with a "name" (e.g. {"id": "kompas", "name": "Kompas.com"}) as that name."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n\n".join(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    return None
