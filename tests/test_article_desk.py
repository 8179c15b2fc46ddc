"""The article page as a research desk (plugins/article_page.py, templates/article.html): every
sentence addressable as #s<position>, the page furniture folded below the text, the source URL
linked. In process for the HTML; tests/test_browser_article.py looks at it in a browser."""

import re

import pytest
from support import article_from_sentences, copy_with_article, load_plugin

by_sentence = load_plugin("article_page").by_sentence


def test_segments_are_grouped_by_sentence_and_keep_every_character():
    body = "Putin tiba. \n\nKim menyambut."
    sentences = [{"position": 0, "char_start": 0, "char_end": 11}, {"position": 1, "char_start": 14, "char_end": 28}]
    segments = [("Putin", {"m": 1}, None, None), (" tiba. \n\nKim", None, None, None), ("", None, {"p": 1}, None)]
    segments.append((" menyambut.", None, None, None))
    groups = by_sentence(segments, sentences)
    assert "".join(piece[0] for _, group in groups for piece in group) == body
    assert [number for number, _ in groups] == [0, None, 1]
    assert ["".join(piece[0] for piece in group) for _, group in groups] == ["Putin tiba.", " \n\n", "Kim menyambut."]
    assert groups[2][1][1][2] == {"p": 1}  # the passage marker stays in its sentence


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
