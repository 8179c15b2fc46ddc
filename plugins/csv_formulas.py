"""Every CSV the site serves is safe to open in a spreadsheet: a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a title such as
`=HYPERLINK("http://evil.example","klik")` or `+cmd|' /C calc'!A0` is shown as text instead of
being run as a formula (CSV injection, OWASP). Numbers (`-2`, `+3.5`, `1e-3`) stay numbers.

Datasette 0.65 has no hook for its CSV (table, canned-query and `?sql=` exports, streamed with
`_stream=on`), so this is an ASGI wrapper: it rewrites the body of every response that is a
CSV (a `.csv` path or `_format=csv` answered as text, or any `text/csv` response such as
`/search.csv`) record by record as it streams, holding at most one unfinished record. A
researcher who wants the cells exactly as stored adds `_raw_csv=1` to the URL.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from urllib.parse import parse_qs

from datasette import hookimpl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
RAW = "_raw_csv"
BATCH_BYTES = 64 * 1024


def safe_cell(cell: str) -> str:
    """`cell` with a leading `'` if a spreadsheet would read it as a formula."""
    if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


class RecordRewriter:
    """CSV text in, in chunks of any size; out, each complete record with its cells made safe.

    A record ends at a newline outside quotes: the parity of the quotes seen so far says which
    (a doubled quote inside a quoted cell counts twice). Each character is scanned once."""

    def __init__(self):
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.pending = ""  # text after the last complete record
        self.scanned = 0  # how far into `pending` newlines have been looked for
        self.in_quotes = False  # at `scanned`
        self.waiting: list[bytes] = []  # bytes received, not yet decoded
        self.waiting_bytes = 0

    def feed(self, data: bytes, final: bool = False) -> bytes:
        """The records completed by `data`, made safe; b"" until `BATCH_BYTES` have come (Datasette
        sends each row of a CSV as a message of its own: one pass per row cost more than the rows)."""
        self.waiting.append(data)
        self.waiting_bytes += len(data)
        if self.waiting_bytes < BATCH_BYTES and not final:
            return b""
        data, self.waiting, self.waiting_bytes = b"".join(self.waiting), [], 0
        self.pending += self.decoder.decode(data, final)
        end = 0 if not final else len(self.pending)
        position = self.scanned
        while not final:
            newline = self.pending.find("\n", position)
            if newline < 0:
                break
            self.in_quotes ^= self.pending.count('"', position, newline) % 2 == 1
            position = newline + 1
            if not self.in_quotes:
                end = position
        complete, self.pending = self.pending[:end], self.pending[end:]
        self.scanned = 0 if final else position - end
        if not complete:
            return b""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        for row in csv.reader(io.StringIO(complete, newline="")):
            writer.writerow([safe_cell(cell) for cell in row])
        text = out.getvalue()
        if not complete.endswith("\n"):  # the last record had no line end: give it none
            text = text[:-2]
        return text.encode("utf-8", "surrogateescape")


def query_args(scope) -> dict[str, list[str]]:
    return parse_qs(scope.get("query_string", b"").decode("latin-1"))


def is_csv_request(args: dict[str, list[str]], path: str) -> bool:
    return path.endswith(".csv") or args.get("_format") == ["csv"]


def wants_raw(args: dict[str, list[str]]) -> bool:
    return args.get(RAW, ["0"])[0] not in ("", "0")


def is_csv_response(headers, csv_request: bool) -> bool:
    content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"").decode("latin-1").lower()
    return content_type.startswith("text/csv") or (csv_request and content_type.startswith("text/plain"))


def safe_csv(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        args = query_args(scope)
        if wants_raw(args):
            await app(scope, receive, send)
            return
        csv_request = is_csv_request(args, scope["path"])
        rewriter: RecordRewriter | None = None

        async def rewriting_send(message):
            nonlocal rewriter
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if is_csv_response(headers, csv_request):
                    rewriter = RecordRewriter()
                    headers = [(k, v) for k, v in headers if k.lower() != b"content-length"]
                    message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and rewriter is not None:
                more = message.get("more_body", False)
                body = rewriter.feed(message.get("body", b""), final=not more)
                if not body and more:
                    return  # held for the next batch
                message = {**message, "body": body}
            await send(message)

        await app(scope, receive, rewriting_send)

    return wrapped


@hookimpl
def asgi_wrapper():
    return safe_csv
