"""An article's page (/article/<id>) as the query layer reads it: its row, its cleaned text with
every mention marked and linked, its quotes marked with their speakers, every sentence
addressable (`#s12` is the sentence at position 12), the page furniture cleaning removed and
its places. In an archive of partitions (ingest/serve/archive.py) an article lives in one:
plugins/article_page.py finds it (`archive.holding`) and reads it there.

Mentions' offsets point into their sentence, sentences' into the body, so a mention starts
at sentence.char_start + mention.char_start in `articles.body`; the queries below give every
offset into the body. The body is laid out as HTML by `ingest.serve.article_body`, every value from
the article escaped: nothing from the article is ever markup.
"""

from ingest.serve.article_body import body_html, first_by, pieces, quotes_html, segments

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


def article_layout(conn, article_id: str, urls: dict) -> dict | None:
    """Everything the page shows for one article, read and laid out on one connection, in a
    worker thread (`execute_fn`): the work grows with the article (n log n in its sentences,
    mentions and quotes, one pass over its pieces), and none of it runs on the event loop, so a long article never
    holds up another request. None if there is no such article. Rows come as sqlite3.Row
    (Datasette's connections)."""
    row = conn.execute("select * from articles where id = ?", [article_id]).fetchone()
    if row is None:
        return None

    def rows(sql: str) -> list:
        """Rows as they come for the body's tens of thousands (a dict each cost a tenth of the page)."""
        return conn.execute(sql, [article_id]).fetchall()

    def dicts(sql: str) -> list[dict]:
        return [dict(r) for r in rows(sql)]

    has_passages = conn.execute(
        "select 1 from sqlite_master where type = 'table' and name = 'passage_members'"
    ).fetchone()
    cut = pieces(row["body"], rows(MENTIONS_SQL))
    shared = rows(SHARED_SQL) if has_passages else []
    laid_out = list(segments(cut, shared, rows(QUOTES_SQL), rows(SENTENCES_SQL)))
    return {
        "article": dict(row),
        "body": body_html(laid_out, urls),
        "mentioned": sorted(first_by((m for _, m in cut), "entity_id"), key=lambda m: str(m["name"]).lower()),
        "quotes": quotes_html(first_by((segment[4] for segment in laid_out), "start"), urls["quotes"]),
        "furniture": dicts(FURNITURE_SQL),
        "places": dicts(PLACES_SQL),
    }
