"""An article's body as HTML for its page (ingest/serve/article.py): the text cut where its
mentions, quotes, shared passages and sentences begin and end, and written with every value
from the article escaped, so nothing from an article is ever markup.

Offsets are into the body. Each sentence is a span addressable as #s<position>; a mention is a
link holding a <mark>, cut where a sentence ends but never by a quote's bounds; text inside a
quote is wrapped in the quote's span, piece by piece; where a sentence that appears in other
articles ends comes an "also in N articles" link.

The work is one pass over the mentions' pieces (`segments`), then one over what it yields
(`body_html`). A 10,000-sentence article has some 50,000 pieces: the page was quadratic (103 s,
on the event loop), then n log n in four passes over lists of pieces and escaping every tag's
values for every piece (1.2-1.7 s); a mention's or a quote's tag is now escaped once per entity
or speaker, and the state at an offset is asked only where it can change.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Iterable, Iterator
from html import escape as escape_text
from typing import Any

from markupsafe import Markup

Row = Any  # a row as a mapping by column name: sqlite3.Row or dict
# (sentence position or None, text, mention, shared passage, quote): a passage comes with no text
Segment = tuple[int | None, str, Row | None, Row | None, Row | None]


def pieces(body: str, mentions: list[Row]) -> list[tuple[str, Row | None]]:
    """`body` cut into (text, mention or None); mentions (sorted by "start", then "end"
    descending) that overlap an earlier one or fall outside the body are left unmarked rather
    than garbling the text."""
    result: list[tuple[str, Row | None]] = []
    position = 0
    for mention in mentions:
        start, end = mention["start"], mention["end"]
        if start < position or end > len(body) or start >= end:
            continue
        result += [(body[position:start], None), (body[start:end], mention)]
        position = end
    result.append((body[position:], None))
    return [(text, mention) for text, mention in result if text]


class Covering:
    """The first of `spans` (sorted by `start`) that covers an offset, for offsets asked in
    increasing order: each span enters and leaves a heap once, so a whole article is
    O(n log n) where asking every span each time was quadratic; and until the next span starts
    or the one found ends, the answer is known without looking."""

    def __init__(self, spans: list[Row], start: str, end: str):
        self.spans = spans
        self.starts, self.ends = [s[start] for s in spans], [s[end] for s in spans]
        self.entered = 0
        self.open: list[int] = []  # heap of the indexes of spans whose start has been passed
        self.found: Row | None = None
        self.until: float = -math.inf  # the answer holds for offsets below this

    def at(self, offset: int) -> Row | None:
        if offset < self.until:
            return self.found
        starts, ends, heap = self.starts, self.ends, self.open
        while self.entered < len(starts) and starts[self.entered] <= offset:
            heapq.heappush(heap, self.entered)
            self.entered += 1
        while heap and ends[heap[0]] <= offset:
            heapq.heappop(heap)  # offsets only grow: a span that ended never covers again
        # the top is the first-entered span still open; spans that ended below it come out later
        following = starts[self.entered] if self.entered < len(starts) else math.inf
        self.found = self.spans[heap[0]] if heap else None
        self.until = min(following, ends[heap[0]]) if heap else following
        return self.found


class Cuts:
    """The sorted offsets `bounds` that fall strictly inside a stretch of text, relative to its
    start, for stretches asked in increasing order (bisected from where the last one ended,
    not a scan of every bound per stretch)."""

    def __init__(self, bounds: list[int]):
        self.bounds, self.next = bounds, 0

    def inside(self, start: int, end: int) -> list[int]:
        bounds, low = self.bounds, self.next
        while low < len(bounds) and bounds[low] <= start:  # usually a step or none
            low += 1
        self.next = low
        if low == len(bounds) or bounds[low] >= end:
            return []  # most stretches: nothing to cut
        low = self.next = bisect.bisect_right(bounds, start, low)
        high = bisect.bisect_left(bounds, end, low)
        return [bound - start for bound in bounds[low:high]]


def segments(
    cut: list[tuple[str, Row | None]], shared: list[Row], quotes: list[Row], sentences: list[Row]
) -> Iterator[Segment]:
    """The pieces `cut` (from `pieces`) cut again where a sentence or quote begins or ends and
    where a shared passage's sentence ends, with what covers each. `shared` have "end" (sorted
    by it), `quotes` "start" and "end" (sorted by "start"), `sentences` "position",
    "char_start" and "char_end" (sorted by "char_start").

    A name is cut only where a sentence ends, and carries the quote its start is in. Text
    between sentences has no sentence (None). A passage comes where its sentence ends (after
    the name it falls in), in the sentence of the text before it."""
    bounds = sorted({offset for s in sentences for offset in (s["char_start"], s["char_end"])})
    in_names = Cuts(bounds).inside
    in_text = Cuts(
        sorted({*bounds, *(p["end"] for p in shared), *(o for q in quotes for o in (q["start"], q["end"]))})
    ).inside
    quote_at = Covering(quotes, "start", "end").at
    sentence_at = Covering(sentences, "char_start", "char_end").at
    ends = [passage["end"] for passage in shared]
    waiting = 0  # the next shared passage to place
    number: int | None = None  # the sentence of the last piece
    position = 0
    for text, mention in cut:
        end = position + len(text)
        if mention is None:
            inside, quote = in_text(position, end), None
        else:
            inside, quote = in_names(position, end), quote_at(position)
        start = 0
        for stop in (*inside, len(text)):
            offset = position + start
            if mention is None:
                while waiting < len(ends) and ends[waiting] <= offset:
                    yield number, "", None, shared[waiting], None
                    waiting += 1
                quote = quote_at(offset)
            sentence = sentence_at(offset)
            number = sentence["position"] if sentence is not None else None
            yield number, text[start:stop], mention, None, quote
            start = stop
        while waiting < len(ends) and ends[waiting] <= end:
            yield number, "", None, shared[waiting], None
            waiting += 1
        position = end
    for passage in shared[waiting:]:
        yield number, "", None, passage, None


def escape(value: object) -> str:
    """`value` as HTML text (quotes escaped too: values go into attributes)."""
    return escape_text(str(value))


def passage_html(passage: Row, members_url: str) -> str:
    others, cluster = passage["others"], escape(passage["cluster_id"])
    return (
        f'<a class="shared-passage" data-cluster-id="{cluster}" title="This sentence appears, nearly word for '
        f'word, in other articles" href="{escape(members_url)}?cluster_id={cluster}">also in {escape(others)} '
        f"article{'' if others == 1 else 's'}</a>"
    )


def mention_tag(mention: Row, mentions_url: str) -> str:
    kind, entity = escape(mention["type"]), escape(mention["entity_id"])
    return (
        f'<a class="mention mention-{kind}" data-entity-id="{entity}" title="{escape(mention["name"])} ({kind}): '
        f'all mentions" href="{escape(mentions_url)}?entity={entity}"><mark>'
    )


def quote_tag(quote: Row) -> str:
    kind = escape(quote["kind"])
    return (
        f'<span class="quote quote-{kind}" title="{kind} quote: {escape(quote["speaker"])}" '
        f'data-speaker-id="{escape(quote["speaker_id"] or "")}">'
    )


def body_html(laid_out: Iterable[Segment], urls: dict[str, str]) -> Markup:
    """`segments` as HTML: each sentence a span addressable as #s<position>; a mention's tag
    escaped once per entity, a quote's once per speaker and kind."""
    out: list[str] = []
    mentions: dict[tuple, str] = {}
    quotes: dict[tuple, str] = {}
    current = None
    for number, text, mention, passage, quote in laid_out:
        if number != current:
            if current is not None:
                out.append("</span>")
            if number is not None:
                out.append(f'<span class="sentence" id="s{number}" data-position="{number}">')
            current = number
        if passage is not None:
            out.append(passage_html(passage, urls["members"]))
            continue
        piece = escape_text(text)
        if mention is not None:
            key = (mention["entity_id"], mention["name"], mention["type"])
            if key not in mentions:
                mentions[key] = mention_tag(mention, urls["mentions"])
            piece = f"{mentions[key]}{piece}</mark></a>"
        if quote is not None:
            key = (quote["kind"], quote["speaker"], quote["speaker_id"])
            if key not in quotes:
                quotes[key] = quote_tag(quote)
            piece = f"{quotes[key]}{piece}</span>"
        out.append(piece)
    if current is not None:
        out.append("</span>")
    return Markup("".join(out))


def quotes_html(quotes: list[Row], quotes_url: str) -> Markup:
    """The list of quotes under the text, one item per quote (an article can hold thousands),
    each speaker's link escaped once."""
    items, speakers = [], {}
    for quote in quotes:
        key = (quote["speaker"], quote["speaker_id"], quote["kind"])
        if key not in speakers:
            speaker = escape(quote["speaker"])
            if quote["speaker_id"]:
                speaker = f'<a href="{escape(quotes_url)}?speaker={escape(quote["speaker_id"])}">{speaker}</a>'
            speakers[key] = f"  <li>{speaker} ({escape(quote['kind'])}): "
        text = (
            quote["text"] if len(quote["text"]) <= 125 else quote["text"][:117].rsplit(" ", 1)[0] + "..."
        )  # Jinja's truncate(120)
        items.append(
            f'{speakers[key]}<a class="quote-link" href="#s{escape(quote["sentence"])}">'
            f"\u201c{escape_text(text)}\u201d</a></li>\n"
        )
    return Markup("".join(items))


def first_by(items: Iterable[Row | None], key: str) -> list[Row]:
    """`items` without None, the first of each `key` value, in order."""
    seen, found = set(), []
    for item in items:
        if item is not None and item[key] not in seen:
            seen.add(item[key])
            found.append(item)
    return found
