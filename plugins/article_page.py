"""/article/<id>: an article's cleaned text with every mention marked and linked, its
quotes marked with their speakers, every sentence addressable (`#s12` is the sentence at
position 12, so search results and quotes link straight to it), the page furniture that
cleaning removed folded below the text, the source URL linked, and a small map of its places.

Mentions' offsets point into their sentence, sentences' into the body, so a mention starts
at sentence.char_start + mention.char_start in `articles.body`. The body is cut into
(text, mention, passage, quote) segments, grouped by sentence, and written as HTML here, every
value from the article escaped: nothing from the article is ever markup. All of it is done in
a worker thread, in time that grows with the article (an article of 10,000 sentences once
took minutes on the event loop, and every other request waited).
"""

import bisect
import heapq
from html import escape as escape_text

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup

MENTIONS_SQL = """
select s.char_start + m.char_start as start, s.char_start + m.char_end as end,
       m.entity_id, e.name, e.type
from mentions m
join sentences s on s.id = m.sentence_id
join entities e on e.id = m.entity_id
where m.article_id = ?
order by start, end desc
"""
SHARED_SQL = """
select s.char_end as "end", pm.cluster_id, c.articles - 1 as others
from passage_members pm
join sentences s on s.id = pm.sentence_id
join passage_clusters c on c.id = pm.cluster_id
where pm.article_id = ?
order by s.char_end
"""
QUOTES_SQL = """
select s.char_start + q.char_start as start, s.char_start + q.char_end as end,
       q.speaker_id, coalesce(e.name, 'unknown speaker') as speaker, q.kind, q.text, s.position as sentence
from quotes q
join sentences s on s.id = q.sentence_id
left join entities e on e.id = q.speaker_id
where q.article_id = ?
order by start
"""
SENTENCES_SQL = "select position, char_start, char_end from sentences where article_id = ? order by char_start"
FURNITURE_SQL = "select kind, text from furniture where article_id = ? order by raw_start, id"
PLACES_SQL = """
select p.entity_id, p.name, p.latitude, p.longitude, count(*) as mentions
from places p join mentions m on m.entity_id = p.entity_id
where m.article_id = ? and p.latitude is not null and p.longitude is not null
group by p.entity_id order by p.name
"""


def pieces(body: str, mentions: list[dict]) -> list[tuple[str, dict | None]]:
    """`body` cut into (text, mention or None); mentions that overlap an earlier one or
    fall outside the body are left unmarked rather than garbling the text."""
    result, position = [], 0
    for mention in mentions:
        start, end = mention["start"], mention["end"]
        if start < position or end > len(body) or start >= end:
            continue
        result += [(body[position:start], None), (body[start:end], mention)]
        position = end
    result.append((body[position:], None))
    return [(text, mention) for text, mention in result if text]


def with_shared(
    pieces: list[tuple[str, dict | None]], shared: list[dict]
) -> list[tuple[str, dict | None, dict | None]]:
    """`pieces` as (text, mention, None), with ("", None, passage) inserted where a sentence
    that appears in other articles ends (`shared`: dicts with "end", sorted by it)."""
    result, position, next_shared = [], 0, 0
    for text, mention in pieces:
        end = position + len(text)
        while mention is None and next_shared < len(shared) and shared[next_shared]["end"] < end:
            cut = max(shared[next_shared]["end"] - position, 0)
            result.append((text[:cut], None, None))
            result.append(("", None, shared[next_shared]))
            next_shared += 1
            text, position = text[cut:], position + cut
        result.append((text, mention, None))
        position = end
        while next_shared < len(shared) and shared[next_shared]["end"] <= end:
            result.append(("", None, shared[next_shared]))
            next_shared += 1
    result += [("", None, passage) for passage in shared[next_shared:]]
    return [item for item in result if item[0] or item[2]]


class Covering:
    """The first of `spans` (sorted by `start`) that covers an offset, for offsets asked in
    increasing order: each span enters and leaves a heap once, so a whole article is
    O(n log n) where asking every span each time was quadratic (a 10,000-sentence page
    took minutes)."""

    def __init__(self, spans: list[dict], start: str, end: str):
        self.spans = spans
        self.starts, self.ends = [s[start] for s in spans], [s[end] for s in spans]
        self.entered, self.open = 0, []  # heap of the indexes of spans whose start has been passed

    def at(self, offset: int) -> dict | None:
        starts, ends, heap = self.starts, self.ends, self.open
        while self.entered < len(starts) and starts[self.entered] <= offset:
            heapq.heappush(heap, self.entered)
            self.entered += 1
        while heap and ends[heap[0]] <= offset:
            heapq.heappop(heap)  # offsets only grow: a span that ended never covers again
        # the top is the first-entered span still open; spans that ended below it come out later
        return self.spans[heap[0]] if heap else None


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
        high = bisect.bisect_left(self.bounds, end, low)
        return [bound - start for bound in self.bounds[low:high]] if high > low else []


def with_quotes(segments, quotes: list[dict]):
    """`segments` as (text, mention, passage, quote): text is cut where a quote starts or
    ends, and every piece inside a quote (`quotes`: dicts with "start" and "end", sorted by
    "start") carries it."""
    result, position = [], 0
    cuts = Cuts(sorted({c for q in quotes for c in (q["start"], q["end"])}))
    covering = Covering(quotes, "start", "end")
    for text, mention, passage in segments:
        end = position + len(text)
        inside = cuts.inside(position, end)
        if mention is not None:
            inside = []  # a name is never cut in two
        if not inside:
            result.append((text, mention, passage, covering.at(position) if text else None))
        else:
            for piece_start, piece_end in zip([0, *inside], [*inside, len(text)]):
                quote = covering.at(position + piece_start) if text else None
                result.append((text[piece_start:piece_end], mention, passage, quote))
        position = end
    return result


def by_sentence(segments, sentences: list[dict]) -> list[tuple[int | None, list]]:
    """`segments` (text first in each) cut where every sentence starts and ends and grouped into
    (sentence position, segments); text between sentences is grouped under None. An empty
    segment (a shared-passage marker, placed where its sentence ends) stays with the sentence
    before it. `sentences` are sorted by char_start. One pass: most segments lie inside one
    sentence and are taken whole (a 10,000-sentence article has some 40,000)."""
    cuts = Cuts(sorted({offset for s in sentences for offset in (s["char_start"], s["char_end"])}))
    covering = Covering(sentences, "char_start", "char_end")
    groups: list[tuple[int | None, list]] = []
    group: list | None = None
    current: int | None = None
    position = 0

    def add(piece, number):
        nonlocal group, current
        if group is None or number != current:
            group, current = [], number
            groups.append((number, group))
        group.append(piece)

    for segment in segments:
        text = segment[0]
        inside = cuts.inside(position, position + len(text))
        if not inside:
            if text:
                sentence = covering.at(position)
                add(segment, sentence["position"] if sentence else None)
            else:
                add(segment, current)
        else:
            for start, end in zip([0, *inside], [*inside, len(text)]):
                sentence = covering.at(position + start)
                add((text[start:end], *segment[1:]), sentence["position"] if sentence else None)
        position += len(text)
    return groups


def escape(value) -> str:
    """`value` as HTML text (quotes escaped too: values go into attributes)."""
    return escape_text(str(value))


def segment_html(text: str, mention: dict | None, passage: dict | None, quote: dict | None, urls: dict) -> str:
    """One segment as HTML, every value from the article escaped: a shared-passage link, a
    marked mention or plain text, inside its quote's span when it has one."""
    if passage:
        others = passage["others"]
        inner = (
            f'<a class="shared-passage" data-cluster-id="{escape(passage["cluster_id"])}" title="This sentence '
            f'appears, nearly word for word, in other articles" href="{escape(urls["members"])}?cluster_id='
            f'{escape(passage["cluster_id"])}">also in {escape(others)} article{"" if others == 1 else "s"}</a>'
        )
    elif mention:
        inner = (
            f'<a class="mention mention-{escape(mention["type"])}" data-entity-id="{escape(mention["entity_id"])}" '
            f'title="{escape(mention["name"])} ({escape(mention["type"])}): all mentions" '
            f'href="{escape(urls["mentions"])}?entity={escape(mention["entity_id"])}"><mark>{escape(text)}</mark></a>'
        )
    else:
        inner = escape(text)
    if quote and text:
        return (
            f'<span class="quote quote-{escape(quote["kind"])}" title="{escape(quote["kind"])} quote: '
            f'{escape(quote["speaker"])}" data-speaker-id="{escape(quote["speaker_id"] or "")}">{inner}</span>'
        )
    return inner


def body_html(groups: list[tuple[int | None, list]], urls: dict) -> Markup:
    """The article body as HTML: each sentence a span addressable as #s<position>. Built here,
    not in the template: Jinja's async rendering took seconds for the 50,000 segments of a
    10,000-sentence article, on the event loop; this is one linear pass in the worker thread.
    Plain text, the most common piece, is escaped here without a call per piece."""
    out = []
    for number, group in groups:
        if number is not None:
            out.append(f'<span class="sentence" id="s{number}" data-position="{number}">')
        for piece in group:
            out.append(
                escape_text(piece[0])
                if piece[1] is None and piece[2] is None and piece[3] is None
                else segment_html(*piece, urls)
            )
        if number is not None:
            out.append("</span>")
    return Markup("".join(out))


def quotes_html(speakers: list[dict], quotes_url: str) -> Markup:
    """The list of quotes under the text, one item per quote (an article can hold thousands):
    built with the body, for the same reason."""
    items = []
    for quote in speakers:
        speaker = escape(quote["speaker"])
        if quote["speaker_id"]:
            speaker = f'<a href="{escape(quotes_url)}?speaker={escape(quote["speaker_id"])}">{speaker}</a>'
        text = (
            quote["text"] if len(quote["text"]) <= 125 else quote["text"][:117].rsplit(" ", 1)[0] + "..."
        )  # Jinja's truncate(120)
        items.append(
            f'  <li>{speaker} ({escape(quote["kind"])}): <a class="quote-link" href="#s{escape(quote["sentence"])}">'
            f"\u201c{escape(text)}\u201d</a></li>\n"
        )
    return Markup("".join(items))


def first_by(items, key: str) -> list[dict]:
    """`items` without None, the first of each `key` value, in order (the template's `unique`)."""
    seen, found = set(), []
    for item in items:
        if item is not None and item[key] not in seen:
            seen.add(item[key])
            found.append(item)
    return found


def article_layout(conn, article_id: str, urls: dict) -> dict | None:
    """Everything the page shows for one article, read and laid out on one connection, in a
    worker thread (`execute_fn`): the work grows with the article (n log n in its sentences,
    mentions and quotes), and none of it runs on the event loop, so a long article never
    holds up another request. None if there is no such article. Rows come as sqlite3.Row
    (Datasette's connections)."""
    row = conn.execute("select * from articles where id = ?", [article_id]).fetchone()
    if row is None:
        return None

    def rows(sql: str) -> list[dict]:
        return [dict(r) for r in conn.execute(sql, [article_id])]

    has_passages = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'passage_members'"
    ).fetchone()
    mentions = rows(MENTIONS_SQL)
    cut = pieces(row["body"], mentions)
    segments = with_quotes(with_shared(cut, rows(SHARED_SQL) if has_passages else []), rows(QUOTES_SQL))
    return {
        "article": dict(row),
        "body": body_html(by_sentence(segments, rows(SENTENCES_SQL)), urls),
        "mentioned": sorted(first_by((m for _, m in cut), "entity_id"), key=lambda m: str(m["name"]).lower()),
        "quotes": quotes_html(first_by((segment[3] for segment in segments), "start"), urls["quotes"]),
        "furniture": rows(FURNITURE_SQL),
        "places": rows(PLACES_SQL),
    }


async def article(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    article_id = request.url_vars["article_id"]
    urls = {
        "members": datasette.urls.table(db.name, "passage_members"),
        "mentions": datasette.urls.query(db.name, "mentions_of"),
        "quotes": datasette.urls.query(db.name, "quotes_by"),
    }
    layout = await db.execute_fn(lambda conn: article_layout(conn, article_id, urls))
    if layout is None:
        raise NotFound(f"No article with id {article_id}")
    return Response.html(
        await datasette.render_template(
            "article.html",
            {
                "database": db.name,
                **layout,
                "row_url": datasette.urls.row(db.name, "articles", tilde_encode(article_id)),
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/article/(?P<article_id>[^/]+)$", article)]
