"""The article page as a research desk (plugins/article_page.py, templates/article.html): every
sentence addressable as #s<position>, the page furniture folded below the text, the source URL
linked. In process for the HTML; tests/test_browser_article.py looks at it in a browser."""

import re

import pytest
from support import article_from_sentences, copy_with_article

from ingest.serve.article_body import pieces, segments


def test_segments_are_grouped_by_sentence_and_keep_every_character():
    body = "Putin tiba. \n\nKim menyambut."
    sentences = [{"position": 0, "char_start": 0, "char_end": 11}, {"position": 1, "char_start": 14, "char_end": 28}]
    putin, kim = ({"start": start, "end": end} for start, end in ((0, 5), (14, 17)))
    shared = [{"end": 11, "cluster_id": 1, "others": 2}]  # the first sentence appears elsewhere
    laid_out = list(segments(pieces(body, [putin, kim]), shared, [], sentences))
    assert "".join(text for _, text, *_ in laid_out) == body
    texts: dict = {}
    for number, text, *_ in laid_out:
        texts[number] = texts.get(number, "") + text
    assert texts == {0: "Putin tiba.", None: " \n\n", 1: "Kim menyambut."}
    assert [number for number, _, _, passage, _ in laid_out if passage] == [0]  # the marker stays in its sentence
    assert [text for _, text, mention, *_ in laid_out if mention] == ["Putin", "Kim"]


async def test_every_sentence_has_an_anchor_holding_its_text(ds, archive):
    article_id = archive.execute("select id from articles order by sentence_count desc").fetchone()[0]
    page = (await ds.client.get(f"/article/{article_id}")).text
    spans = re.findall(r'<span class="sentence" id="s(\d+)"', page)
    expected = [
        r["position"]
        for r in archive.query("select position from sentences where article_id = ? order by char_start", [article_id])
    ]
    assert [int(n) for n in spans] == expected


async def test_furniture_is_folded_below_the_text(ds, archive):
    article_id, count = archive.execute(
        "select article_id, count(*) from furniture group by article_id order by count(*) desc"
    ).fetchone()
    page = (await ds.client.get(f"/article/{article_id}")).text
    folded = re.search(r'<details class="furniture">(.*?)</details>', page, re.S)
    assert folded and page.index('<div class="article-body">') < folded.start()
    assert folded.group(1).count("<li>") == count and f"({count}:" in folded.group(1)


@pytest.mark.parametrize(
    "url, linked", [("https://contoh.id/berita/2023/09/06/x?a=1&b=2", True), ("javascript:alert('url')", False)]
)
async def test_the_source_url_is_linked_when_it_is_a_web_address(make_datasette, archive_db, tmp_path, url, linked):
    article = article_from_sentences("with-url", "Judul", ["Putin tiba di Moskow."], [], url=url, outlet="contoh.id")
    copy_with_article(archive_db, tmp_path / "archive.db", article).close()
    page = (await make_datasette(tmp_path / "archive.db").client.get("/article/with-url")).text
    source = re.search(r'<p class="article-source">(.*?)</p>', page, re.S).group(1)
    escaped = url.replace("&", "&amp;").replace("'", "&#39;")
    assert (f'href="{escaped}"' in source) is linked and escaped in source
