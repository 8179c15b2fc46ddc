"""/article/<id>: an article's cleaned text with every mention marked and linked, its
quotes marked with their speakers, every sentence addressable (`#s12` is the sentence at
position 12, so search results and quotes link straight to it), the page furniture that
cleaning removed folded below the text, the source URL linked, and a small map of its places.
In an archive of partitions the article is read in the partition that holds it. The query
layer is ingest/serve/article.py; all of it is done in a worker thread, in time that grows
with the article (an article of 10,000 sentences once took minutes on the event loop, and
every other request waited).
"""

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

from ingest.serve.archive import holding, readable
from ingest.serve.article import (
    article_layout,
)


async def article(request, datasette):
    article_id = request.url_vars["article_id"]
    holder = await holding(await readable(datasette, request.actor), article_id)
    if holder is None:
        raise NotFound(f"No article with id {article_id}")
    db = holder.db
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
