"""A web page's article: its main text and metadata, by trafilatura.

trafilatura (with htmldate for the date) finds the article's body among the page's furniture
and reads the title, date, site name and canonical URL; it scores F1 0.96 on the public
article-extraction benchmark that `make eval` runs, where the hand-written `<article>` /
`<main>` / `<body>` walk it replaced scored 0.82. Our Indonesian furniture rules
(`clean.py`) still run on its text in the pipeline, as for every format.

The options are the measured best (`make eval`, section "HTML extraction"): comments left out
and `favor_precision`, which drops more of the link lists and teasers left around the body.

The text is built here from trafilatura's XML, not its own text output, because that keeps
the page source's line breaks inside paragraphs: here a paragraph is one line, whitespace
collapsed, and blocks are separated by a blank line, as `clean.py` expects.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import urlparse

import lxml.html
import trafilatura
from lxml import etree

from ingest.models import Document

# trafilatura and htmldate log what they could not find (a page without a date, a fallback that
# failed) as warnings; a page without an article is reported by the reader, so keep them quiet.
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).addHandler(logging.NullHandler())

# Elements of trafilatura's output (and of HTML, for bodies given as markup) that hold a line of
# their own; `lb` and `br` end a line too.
_BLOCKS = frozenset(
    "p head quote list item table row code "  # trafilatura's XML
    "address article blockquote body caption dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 "
    "li main ol pre section summary tr ul".split()
)
_BREAKS = frozenset({"lb", "br"})
_CELLS = frozenset({"cell", "td", "th"})
_UNREAD = ("script", "style", "noscript", "template", "svg")
# Markup in a record's body (JSON, CSV): the tags article bodies are written with.
_MARKUP = re.compile(
    r"</?(?:p|br|div|span|a|b|i|em|strong|h[1-6]|ul|ol|li|blockquote|figure|figcaption|img|table"
    r"|article|section)\b[^<>]*>",
    re.IGNORECASE,
)


@dataclass
class Page:
    """What a page states about its article; every field may be None but the text."""

    text: str  # one block per line, blocks separated by a blank line; "" when no article was found
    title: str | None = None
    author: str | None = None
    published: str | None = None  # YYYY-MM-DD, as htmldate finds it
    outlet: str | None = None  # the site name
    url: str | None = None  # the canonical URL, when absolute
    language: str | None = None  # <html lang>


def extract(html: str, url: str | None = None) -> Page:
    """The article in `html`; `url` (where the page was fetched from, if known) helps date it."""
    try:
        tree = trafilatura.load_html(html)
    except ValueError:  # lxml refuses some inputs outright (e.g. only a processing instruction)
        tree = None
    if tree is None:
        return Page("")
    language = _collapse(tree.get("lang") or "") or None  # read before trafilatura prunes the tree
    result = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, favor_precision=True
    )
    if not isinstance(result, trafilatura.settings.Document) or result.body is None:
        return Page("", language=language)
    return Page(
        text=block_text(result.body),
        title=_collapse(result.title or "") or None,
        author=_collapse(result.author or "") or None,
        published=result.date or None,
        outlet=_collapse(result.sitename or "") or None,
        url=absolute_url(result.url),
        language=language,
    )


def is_markup(text: str) -> bool:
    """Whether a record's body is HTML markup rather than text."""
    return bool(_MARKUP.search(text))


def fragment_text(html: str) -> str:
    """The text of an article body given as HTML markup (a JSON record's "body"): every block,
    with no furniture removed, since the markup holds only the article."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in list(root.iter(*_UNREAD)):
        element.drop_tree()
    return block_text(root)


def block_text(root: etree._Element) -> str:
    """The text under `root`, one block element per line, whitespace collapsed inside each."""
    lines: list[str] = []
    pending: list[str] = []

    def end_line() -> None:
        line = _collapse("".join(pending))
        if line:
            lines.append(line)
        pending.clear()

    # Depth-first with an explicit stack (deeply nested markup would overflow recursion). A
    # string on the stack is text to add (an element's tail comes after its children); None ends a block.
    stack: list[etree._Element | str | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            end_line()
        elif isinstance(node, str):
            pending.append(node)
        elif isinstance(node.tag, str):  # not a comment or processing instruction
            tag = node.tag.lower()
            block = tag in _BLOCKS
            if block or tag in _BREAKS:
                end_line()
            if tag in _CELLS:
                pending.append(" ")
            stack.append(node.tail or "")
            if block:
                stack.append(None)
            stack.extend(reversed(list(node)))
            stack.append(node.text or "")
        else:
            stack.append(node.tail or "")
    end_line()
    return "\n\n".join(lines)


def html_document(
    source: str, html: str, format: str, url: str | None = None, date: str | None = None
) -> Document | None:
    """The page as a Document, or None when it holds no article text. `url` (where it was
    fetched from) wins over the page's canonical URL; `date` stands in when the page states none."""
    page = extract(html, url)
    if not page.text:
        return None
    return Document(
        source,
        page.text,
        format,
        title=page.title,
        outlet=page.outlet,
        published=page.published or date,
        url=absolute_url(url) or page.url,
        language=page.language,
        author=page.author,
    )


def absolute_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL; a relative one cannot identify the article."""
    try:
        parts = urlparse(url or "")
    except ValueError:  # e.g. "http://[broken"
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _collapse(text: str) -> str:
    return " ".join(text.split())
