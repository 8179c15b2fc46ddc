"""Files in, Documents out: find the files to ingest and read each one into Documents.

The way in for every article file: it reads .txt and .json/.jsonl here and hands the other
formats to their modules by suffix (`htmlpage` for .html/.htm, `tabular` for .csv/.tsv,
`warc` for .warc/.warc.gz). Everything after it works on `Document` objects, so every way a
file can be unusable (missing, empty, binary, too big, badly encoded, malformed JSON, a
corrupt WARC record, a bad CSV row) is reported from here, as a `SourceError` naming the
file and the reason.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from ingest.models import RECORD_KEYS, Document
from ingest.read.decoding import SourceError, decode, normalised_text
from ingest.read.htmlpage import fragment_text, html_document, is_markup
from ingest.read.tabular import TABULAR_SUFFIXES, tabular_items
from ingest.read.warc import WARC_SUFFIXES, Skipped, warc_items

__all__ = ["SourceError", "Skipped", "decode", "find_files", "iter_documents", "read_documents", "documents_in"]

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", *TABULAR_SUFFIXES, *WARC_SUFFIXES)
MAX_FILE_BYTES = 20 * 1024 * 1024  # files read whole; WARC, CSV and TSV files are streamed, of any size
_MB = 1024 * 1024


def find_files(
    paths: str | os.PathLike | Iterable[str | os.PathLike], on_error: Callable[[str], None] | None = None
) -> list[Path]:
    """The supported files among `paths` and, recursively, inside the folders among them.

    Sorted, and each file once even when named twice or reached by two routes. Hidden
    files and folders are skipped inside folders, but a file named explicitly is always
    taken, and one of an unsupported type is an error rather than silently dropped. A folder
    inside that cannot be listed is passed to `on_error` ("<folder>: cannot list folder (...)")
    and the others are still searched; without `on_error` it is raised.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    found: dict[str, Path] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates: Iterable[Path] = _walk(path, on_error)
        elif path.exists():
            _suffix(path)
            candidates = [path]
        else:
            raise SourceError(path, "no such file or directory")
        for candidate in candidates:
            found.setdefault(os.path.realpath(candidate), candidate)
    return sorted(found.values())


def _walk(folder: Path, on_error: Callable[[str], None] | None = None) -> Iterator[Path]:
    def fail(error: OSError) -> None:
        problem = SourceError(error.filename, f"cannot list folder ({error.strerror})")
        if on_error is None:
            raise problem
        on_error(str(problem))

    for root, dirs, files in os.walk(folder, onerror=fail):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(SUPPORTED_SUFFIXES):
                yield Path(root, name)


def _suffix(path: Path) -> str:
    """The supported suffix `path` ends with (".warc.gz" is one), or SourceError."""
    name = path.name.lower()
    suffix = next((suffix for suffix in SUPPORTED_SUFFIXES if name.endswith(suffix)), None)
    if suffix is None:
        raise SourceError(path, f"unsupported file type (supported: {' '.join(SUPPORTED_SUFFIXES)})")
    return suffix


def iter_documents(
    path: str | os.PathLike, columns: Mapping[str, str] | None = None
) -> Iterator[Document | Skipped | SourceError]:
    """The Documents in one file, as they are read, with what could not be read among them.

    One Document for .txt and .html/.htm; one per record for .json/.jsonl, per row for
    .csv/.tsv (`columns` maps fields to column names, see `tabular`), per HTML response for
    .warc/.warc.gz. A WARC record that holds no article is a `Skipped`. A row or WARC record
    that cannot be read is a `SourceError` in the stream, and the rest still go in: one bad
    row of a big export must not hold back the others. A JSON file with one bad record
    fails whole, naming the record or line (raised), as does any file that cannot be read
    at all: a small file half-ingested is harder to notice and fix than one refused outright.
    """
    path = Path(path)
    suffix = _suffix(path)
    if suffix in WARC_SUFFIXES or suffix in TABULAR_SUFFIXES:
        _check_streamable(path)
        if suffix in WARC_SUFFIXES:
            yield from warc_items(path, _source_name(path))
        else:
            yield from tabular_items(path, _source_name(path), columns)
        return
    text = _read_text(path)
    if suffix == ".txt":
        yield Document(_source_name(path), text, "txt")
    elif suffix in (".html", ".htm"):
        document = html_document(_source_name(path), text, "html")
        if document is None:
            raise SourceError(path, "no text found in the page")
        yield document
    elif suffix == ".json":
        yield from _json_documents(path, text)
    else:
        yield from _jsonl_documents(path, text)


def documents_in(
    files: Iterable[Path], columns: Mapping[str, str] | None, on_error: Callable[[str], None]
) -> Iterator[Document | Skipped]:
    """Every Document (and Skipped record) of `files`, in order. Whatever goes wrong with a file
    or one of its records is passed to `on_error` as a message naming the file, and reading
    goes on: a bad row or record in-stream, a file refused (SourceError), and any other
    exception a reader raises (a JSON file nested 100,000 deep raises RecursionError), so one
    bad file never costs the batch the files around it."""
    for path in files:
        try:
            for item in iter_documents(path, columns):
                if isinstance(item, SourceError):
                    on_error(str(item))
                else:
                    yield item
        except SourceError as error:
            on_error(str(error))
        except Exception as error:  # a reader's bug or a limit of Python's: this file only
            on_error(f"{path}: could not be read ({failure_reason(error)})")


def failure_reason(error: BaseException) -> str:
    """An exception as one short line: its type and the start of its message."""
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def read_documents(path: str | os.PathLike, columns: Mapping[str, str] | None = None) -> list[Document]:
    """`iter_documents` as a list, strictly: the first row or record that cannot be read is raised."""
    documents = []
    for item in iter_documents(path, columns):
        if isinstance(item, SourceError):
            raise item
        if isinstance(item, Document):
            documents.append(item)
    return documents


def _source_name(path: Path) -> str:
    """`path` relative to the working directory if it is under it, else absolute; "/" separators.

    Article ids derive from this, so it must not depend on how the path was spelled
    ("seeds/a.txt", "./seeds/a.txt" and the absolute path give the same name).
    """
    absolute = Path(os.path.abspath(path))
    try:
        name = absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        name = absolute.as_posix()
    # A name whose bytes are not UTF-8 (os gives them as surrogates) keeps them as \xff, so the
    # source can be hashed and stored, the same on every run.
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _check_streamable(path: Path) -> None:
    """A file read as a stream: a regular file, not empty; its size does not matter."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise SourceError(path, f"cannot read file ({error.strerror or error})") from error
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(path, "not a regular file")
    if info.st_size == 0:
        raise SourceError(path, "file is empty")


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


# --- JSON ---------------------------------------------------------------------------


TOO_DEEP = "JSON nested too deeply to read (arrays or objects inside each other beyond Python's recursion limit)"


def _json_documents(path: Path, text: str) -> list[Document]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SourceError(path, f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise SourceError(path, TOO_DEEP) from None
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
        except RecursionError:
            raise SourceError(path, f"line {line_number}: {TOO_DEEP}") from None
        documents.append(_json_document(path, len(documents) + 1, f"line {line_number}", record))
    return documents


def _json_document(path: Path, number: int, where: str, record: object) -> Document:
    """One record as a Document; `where` ("record 3", "line 7") locates it in error messages."""
    if not isinstance(record, dict):
        raise SourceError(path, f"{where}: expected a JSON object, got {type(record).__name__}")
    fields = {name: _json_field(path, where, record, keys) for name, keys in RECORD_KEYS.items()}
    body = fields.pop("text")
    if body is None:
        raise SourceError(path, f"{where}: no article text (expected one of: {', '.join(RECORD_KEYS['text'])})")
    if is_markup(body):
        body = fragment_text(body)
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
            return normalised_text(text.strip())
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
