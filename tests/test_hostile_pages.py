"""Hostile pages: an article long enough to have frozen the server.

`/article/<id>` matched every quote and sentence against every segment of the text, on the
event loop: a 1 MB article (9,486 sentences) took 103 s, and every other request waited for
it. The page's work now grows with the article and runs in a worker thread. What the page
costs is measured in `bench/hostile_bench.py` (docs/reliability.md), never asserted here.
"""

import asyncio
import re
import threading

import pytest
from support import copy_with_article

from bench.long_article import QUOTED, long_article
from ingest.serve import article as article_queries
from ingest.serve.article_body import pieces, segments

SENTENCES = 10_000


@pytest.fixture(scope="module")
def long_db(archive_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("long") / "archive.db"
    db = copy_with_article(archive_db, path, long_article(SENTENCES))
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path


@pytest.mark.slow  # an article of 10,000 sentences
async def test_an_article_of_10000_sentences_is_shown_whole(make_datasette, long_db):
    response = await make_datasette(long_db).client.get("/article/very-long")
    assert response.status_code == 200
    page = response.text
    assert len(re.findall(r'<span class="sentence" id="s\d+"', page)) == SENTENCES
    assert f'id="s{SENTENCES - 1}"' in page
    assert page.count("<mark>Ani</mark>") == SENTENCES
    assert page.count('<span class="quote quote-direct"') == SENTENCES
    assert page.count('class="quote-link"') == SENTENCES  # the list of quotes under the text


@pytest.mark.slow  # an article of 10,000 sentences
async def test_a_long_article_never_holds_up_another_request(make_datasette, long_db, monkeypatch):
    """A request sent while the article is being laid out is answered while the layout runs.
    A probe holds the layout (`body_html`) until `/-/versions.json` is answered (10 s at most):
    in a worker thread that costs nothing; on the event loop, where the layout once ran, it
    would hold the loop, and the other request would be answered only after the article."""
    ds = make_datasette(long_db)
    loop = asyncio.get_running_loop()
    lay_out = article_queries.body_html  # as the page's query layer (ingest/serve/article.py) calls it
    answered = threading.Event()
    finished: list[str] = []
    others: list[asyncio.Task] = []

    async def fetch(name: str, path: str) -> int:
        response = await ds.client.get(path)
        finished.append(name)
        return response.status_code

    async def versions() -> int:
        status = await fetch("versions", "/-/versions.json")
        answered.set()
        return status

    def held(*args):
        loop.call_soon_threadsafe(lambda: others.append(loop.create_task(versions())))
        answered.wait(timeout=10)
        return lay_out(*args)

    monkeypatch.setattr(article_queries, "body_html", held)
    assert await fetch("article", "/article/very-long") == 200
    assert len(others) == 1 and await others[0] == 200
    assert finished == ["versions", "article"]


def test_the_layout_cuts_and_groups_in_one_pass_keeping_every_character():
    """The one-pass layout gives what the quadratic one gave: every character once, each in its
    sentence, quotes and mentions where they were."""
    article = long_article(3)
    sentences = [
        {"position": s.position, "char_start": s.char_start, "char_end": s.char_end} for s in article.sentences
    ]
    mentions = [
        {"start": s.char_start, "end": s.char_start + 3, "entity_id": 1, "name": "Ani", "type": "person"}
        for s in article.sentences
    ]
    quotes = [
        {"start": s.char_start + q.char_start, "end": s.char_start + q.char_end, "speaker": "Ani"}
        for s, q in zip(article.sentences, article.quotes)
    ]
    laid_out = list(segments(pieces(article.body, mentions), [], quotes, sentences))
    assert "".join(text for _, text, *_ in laid_out) == article.body
    numbers = [number for number, *_ in laid_out]
    assert [n for i, n in enumerate(numbers) if i == 0 or n != numbers[i - 1]] == [0, None, 1, None, 2]
    quoted = [text for _, text, _, _, quote in laid_out if quote]
    assert quoted == [QUOTED] * 3
