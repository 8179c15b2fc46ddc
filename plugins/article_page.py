"""/article/<id>: an article's cleaned text with every mention marked and linked, its
quotes marked with their speakers, every sentence addressable (`#s12` is the sentence at
position 12, so search results and quotes link straight to it), the page furniture that
cleaning removed folded below the text, the source URL linked, and a small map of its places.

Mentions' offsets point into their sentence, sentences' into the body, so a mention starts
at sentence.char_start + mention.char_start in `articles.body`. The template gets the body
as (text, mention) pieces and escapes every piece: nothing from the article is ever markup.
"""

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

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
    result, position, pending = [], 0, list(shared)
    for text, mention in pieces:
        end = position + len(text)
        while mention is None and pending and pending[0]["end"] < end:
            cut = max(pending[0]["end"] - position, 0)
            result.append((text[:cut], None, None))
            result.append(("", None, pending.pop(0)))
            text, position = text[cut:], position + cut
        result.append((text, mention, None))
        position = end
        while pending and pending[0]["end"] <= end:
            result.append(("", None, pending.pop(0)))
    result += [("", None, passage) for passage in pending]
    return [item for item in result if item[0] or item[2]]


def with_quotes(segments, quotes: list[dict]):
    """`segments` as (text, mention, passage, quote): text is cut where a quote starts or
    ends, and every piece inside a quote (`quotes`: dicts with "start" and "end") carries it."""
    result, position = [], 0
    for text, mention, passage in segments:
        end = position + len(text)
        cuts = sorted({c - position for q in quotes for c in (q["start"], q["end"]) if position < c < end})
        if mention is not None:
            cuts = []  # a name is never cut in two
        for piece_start, piece_end in zip([0, *cuts], [*cuts, len(text)]):
            middle = position + piece_start
            quote = next((q for q in quotes if q["start"] <= middle < q["end"]), None) if text else None
            result.append((text[piece_start:piece_end], mention, passage, quote))
        position = end
    return result


def by_sentence(segments, sentences: list[dict]) -> list[tuple[int | None, list]]:
    """`segments` (text first in each) cut where every sentence starts and ends and grouped into
    (sentence position, segments); text between sentences is grouped under None. An empty
    segment (a shared-passage marker, placed where its sentence ends) stays with the sentence
    before it."""
    bounds = sorted({offset for s in sentences for offset in (s["char_start"], s["char_end"])})
    groups: list[tuple[int | None, list]] = []
    position = 0

    def sentence_at(offset: int) -> int | None:
        return next((s["position"] for s in sentences if s["char_start"] <= offset < s["char_end"]), None)

    for segment in segments:
        text = segment[0]
        cuts = [c - position for c in bounds if position < c < position + len(text)]
        for start, end in zip([0, *cuts], [*cuts, len(text)]):
            piece = (text[start:end], *segment[1:])
            number = sentence_at(position + start) if text else (groups[-1][0] if groups else None)
            if groups and groups[-1][0] == number:
                groups[-1][1].append(piece)
            else:
                groups.append((number, [piece]))
        position += len(text)
    return groups


async def article(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    article_id = request.url_vars["article_id"]
    row = (await db.execute("select * from articles where id = ?", [article_id])).first()
    if row is None:
        raise NotFound(f"No article with id {article_id}")
    mentions = [dict(r) for r in await db.execute(MENTIONS_SQL, [article_id])]
    places = [dict(r) for r in await db.execute(PLACES_SQL, [article_id])]
    shared = (
        [dict(r) for r in await db.execute(SHARED_SQL, [article_id])]
        if await db.table_exists("passage_members")
        else []
    )
    quotes = [dict(r) for r in await db.execute(QUOTES_SQL, [article_id])]
    sentences = [dict(r) for r in await db.execute(SENTENCES_SQL, [article_id])]
    segments = with_quotes(with_shared(pieces(row["body"], mentions), shared), quotes)
    return Response.html(
        await datasette.render_template(
            "article.html",
            {
                "database": db.name,
                "article": dict(row),
                "pieces": pieces(row["body"], mentions),
                "segments": segments,
                "sentences": by_sentence(segments, sentences),
                "furniture": [dict(r) for r in await db.execute(FURNITURE_SQL, [article_id])],
                "quotes_url": datasette.urls.query(db.name, "quotes_by"),
                "members_url": datasette.urls.table(db.name, "passage_members"),
                "places": places,
                "mentions_url": datasette.urls.query(db.name, "mentions_of"),
                "row_url": datasette.urls.row(db.name, "articles", tilde_encode(article_id)),
            },
            request=request,
        )
    )


@hookimpl
def register_routes():
    return [(r"^/article/(?P<article_id>[^/]+)$", article)]
