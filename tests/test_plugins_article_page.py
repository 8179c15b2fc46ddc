"""plugins/article_page.py: /article/<id>, the body with mentions marked at their offsets
(laid out by ingest/serve/article_body.py)."""

import html
import re

from ingest.serve.article_body import pieces, segments


def mention(start, end, entity_id=1):
    return {"start": start, "end": end, "entity_id": entity_id, "name": "X", "type": "person"}


def test_pieces_cut_the_body_at_mentions():
    body = "Putin bertemu Kim."
    cut = pieces(body, [mention(0, 5), mention(14, 17, 2)])
    assert [text for text, _ in cut] == ["Putin", " bertemu ", "Kim", "."]
    assert [m and m["entity_id"] for _, m in cut] == [1, None, 2, None]
    assert "".join(text for text, _ in cut) == body


def test_overlapping_and_out_of_range_mentions_are_left_unmarked():
    body = "Kim Jong Un"
    cut = pieces(body, [mention(0, 11), mention(4, 8), mention(9, 40), mention(5, 5)])
    assert cut == [("Kim Jong Un", mention(0, 11))]
    assert pieces("", []) == []


async def test_article_page_shows_the_article_with_marked_mentions(ds, archive):
    article = next(archive["articles"].rows_where("mention_count > 0"))
    response = await ds.client.get(f"/article/{article['id']}")
    assert response.status_code == 200
    marked = re.findall(r'<a class="mention [^"]*"[^>]*><mark>(.*?)</mark></a>', response.text)
    assert len(marked) == article["mention_count"]
    assert html.escape(article["source"]) in response.text
    assert 'id="places-map"' in response.text


async def test_mentions_link_to_the_entitys_mentions(ds, db_name, archive):
    mention_row = next(archive["mentions"].rows)
    page = (await ds.client.get(f"/article/{mention_row['article_id']}")).text
    assert f'href="/{db_name}/mentions_of?entity={mention_row["entity_id"]}"' in page


async def test_hostile_article_is_shown_as_text(ds, hostile):
    page = (await ds.client.get(f"/article/{hostile.id}")).text
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


async def test_unknown_article_is_404(ds):
    assert (await ds.client.get("/article/nope")).status_code == 404


def test_quotes_cut_text_but_never_a_name():
    body = "Ia berkata, Kami siap berunding, kata Watson."
    quote = {"start": 12, "end": 31, "speaker": "Watson", "speaker_id": 3, "kind": "direct"}
    into_name = {"start": 40, "end": 45, "speaker": "Watson", "speaker_id": 3, "kind": "direct"}
    result = list(segments(pieces(body, [mention(38, 44)]), [], [quote, into_name], []))
    assert "".join(text for _, text, *_ in result) == body
    assert [text for _, text, _, _, q in result if q] == ["Kami siap berunding", "."]
    assert [text for _, text, m, _, _ in result if m] == ["Watson"]


async def test_article_page_marks_quotes_with_their_speakers(ds, archive):
    quote = next(archive["quotes"].rows_where("speaker_id is not null"))
    speaker = archive["entities"].get(quote["speaker_id"])["name"]
    page = (await ds.client.get(f"/article/{quote['article_id']}")).text
    assert f'title="{quote["kind"]} quote: {html.escape(speaker)}"' in page
    assert re.search(r'<ul class="article-quotes">', page)
