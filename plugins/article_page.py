"""/article/<id>: an article's cleaned text with every mention marked and linked, and a
small map of its places.

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


async def article(request, datasette):
    db = datasette.get_database()
    await datasette.ensure_permissions(request.actor, ["view-instance", ("view-database", db.name)])
    article_id = request.url_vars["article_id"]
    row = (await db.execute("select * from articles where id = ?", [article_id])).first()
    if row is None:
        raise NotFound(f"No article with id {article_id}")
    mentions = [dict(r) for r in await db.execute(MENTIONS_SQL, [article_id])]
    places = [dict(r) for r in await db.execute(PLACES_SQL, [article_id])]
    return Response.html(await datasette.render_template("article.html", {
        "database": db.name,
        "article": dict(row),
        "pieces": pieces(row["body"], mentions),
        "places": places,
        "mentions_url": datasette.urls.query(db.name, "mentions_of"),
        "row_url": datasette.urls.row(db.name, "articles", tilde_encode(article_id)),
    }, request=request))


@hookimpl
def register_routes():
    return [(r"^/article/(?P<article_id>[^/]+)$", article)]
