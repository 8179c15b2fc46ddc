"""/search.atom: an Atom feed (RFC 4287) of the newest matches of any search (the same query
string as /search, ingest/serve/search.py), so a journalist can follow a story in a feed reader.
Each entry is a matching sentence: the headline as its title, the sentence as its summary and
a link to the article at that sentence. Built with ElementTree, which escapes all text; the
characters XML 1.0 cannot hold at all (most control characters) are dropped. In an archive of
partitions, `?period=` narrows it as it narrows /search (ingest/serve/search_desk.py).
"""

import re
from dataclasses import replace
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

from datasette import hookimpl
from datasette.utils.asgi import Response

from ingest.serve import search_desk
from ingest.serve.archive import chosen, periods_asked, readable, spans_periods
from ingest.serve.search import Search

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
ET.register_namespace("", ATOM)
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    return NOT_XML.sub("", str(value or ""))


def timestamp(row: dict) -> str:
    """When the entry's article was published (midnight UTC), else when it was ingested."""
    if row["published"] and re.match(r"^\d{4}-\d{2}-\d{2}$", row["published"]):
        return f"{row['published']}T00:00:00Z"
    ingested = row["ingested_at"] or "1970-01-01T00:00:00"
    return ingested[:19] + "Z"


def describe(search: Search) -> str:
    parts = [f"“{search.q}”" if search.q else "everything"]
    parts += [
        f"{label} {value}"
        for label, value in [
            ("in", search.outlet),
            ("from", search.date_from),
            ("to", search.date_to),
            ("language", search.language),
            (f"mentioning (same {search.scope})", search.entity),
        ]
        if value
    ]
    return " ".join(parts)


def sub(parent, tag: str, text=None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


async def feed(request, datasette):
    parts = await readable(datasette, request.actor)
    periods = periods_asked(parts, request.args.getlist("period"))
    search = replace(Search.from_args(request.args), page=1, size=ENTRIES)
    rows = await search_desk.newest(chosen(parts, periods), search, spans_periods(parts))
    query = search_desk.PeriodSearch(search, periods).query_string(size=Search().size)
    return atom_response(request, datasette, describe(search), query, rows)


def atom_response(request, datasette, described: str, query: str, rows: list[dict]) -> Response:
    """The feed of `rows` (matches with their article's headline, outlet and dates) for the
    search `described`, whose query string is `query`."""
    self_url = datasette.absolute_url(request, datasette.urls.path("/search.atom") + f"?{query}")
    root = ET.Element(f"{{{ATOM}}}feed")
    sub(root, "title", f"News archive search: {described}")
    sub(root, "id", self_url)
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(
        root,
        "link",
        rel="alternate",
        type="text/html",
        href=datasette.absolute_url(request, datasette.urls.path("/search") + f"?{query}"),
    )
    stamps = [timestamp(row) for row in rows]
    sub(root, "updated", max(stamps) if stamps else datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    author = sub(root, "author")
    sub(author, "name", datasette.metadata("title") or "newsarchive")
    for row, stamp in zip(rows, stamps):
        url = datasette.absolute_url(
            request, datasette.urls.path(f"/article/{row['article_id']}") + f"#s{row['sentence']}"
        )
        entry = sub(root, "entry")
        sub(entry, "title", row["title"] or row["article_id"])
        sub(entry, "id", url)
        sub(entry, "link", rel="alternate", type="text/html", href=url)
        sub(entry, "updated", stamp)
        if row["published"]:
            sub(entry, "published", stamp)
        sub(
            entry,
            "summary",
            f"{row['outlet'] or 'outlet unknown'}, {row['published'] or 'date unknown'}: {row['text']}",
            type="text",
        )
    body = ET.tostring(root, encoding="unicode", xml_declaration=True)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [(r"^/search\.atom$", feed)]
