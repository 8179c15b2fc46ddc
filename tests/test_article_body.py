"""ingest/serve/article_body.py: an article's body cut at its mentions, quotes, shared passages and
sentences in one pass, and written as HTML. Any offsets at all (out of range, overlapping,
empty) leave every character of the body in place, once, escaped."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.serve.article_body import body_html, pieces, segments

URLS = {"members": "/a/passage_members", "mentions": "/a/mentions_of", "quotes": "/a/quotes_by"}


@st.composite
def marked_body(draw):
    """A body with sentences (in order, not overlapping, as the archive stores them) and any
    mentions, quotes and shared passages, each sorted as the page's queries sort them."""
    body = draw(st.text(alphabet="ab <&>\"'\n", max_size=40))
    offset = st.integers(-2, len(body) + 2)
    bounds = sorted(draw(st.lists(st.integers(0, len(body)), max_size=8)))
    sentences = [
        {"position": 10 + n, "char_start": start, "char_end": end}
        for n, (start, end) in enumerate(zip(bounds[::2], bounds[1::2]))
    ]
    mentions = [
        {
            "start": draw(offset),
            "end": draw(offset),
            "entity_id": draw(st.integers(1, 3)),
            "name": "<N>",
            "type": "person",
        }
        for _ in range(draw(st.integers(0, 5)))
    ]
    quotes = [
        {"start": draw(offset), "end": draw(offset), "speaker": "S&", "speaker_id": None, "kind": "direct"}
        for _ in range(draw(st.integers(0, 4)))
    ]
    shared = [{"end": draw(offset), "cluster_id": n, "others": 2} for n in range(draw(st.integers(0, 3)))]
    mentions.sort(key=lambda m: (m["start"], -m["end"]))
    quotes.sort(key=lambda q: q["start"])
    shared.sort(key=lambda p: p["end"])
    return body, mentions, quotes, shared, sentences


@settings(max_examples=300, deadline=None)
@given(marked_body())
def test_every_piece_is_where_it_belongs(marked):
    body, mentions, quotes, shared, sentences = marked
    cut = pieces(body, mentions)
    laid_out = list(segments(cut, shared, quotes, sentences))
    assert "".join(text for _, text, *_ in laid_out) == body
    assert [passage for *_, passage, _ in laid_out if passage] == shared
    sentence_bounds = {offset for s in sentences for offset in (s["char_start"], s["char_end"])}
    quote_bounds = {offset for q in quotes for offset in (q["start"], q["end"])}
    by_number = {s["position"]: s for s in sentences}
    names: dict[int, str] = {}
    position = 0
    for number, text, mention, _, quote in laid_out:
        end = position + len(text)
        if not text:
            continue
        assert not any(position < bound < end for bound in sentence_bounds)
        if number is None:
            assert not any(s["char_start"] <= position < s["char_end"] for s in sentences)
        else:
            assert by_number[number]["char_start"] <= position and end <= by_number[number]["char_end"]
        if mention is None:
            assert not any(position < bound < end for bound in quote_bounds)
            covering = [q for q in quotes if q["start"] <= position < q["end"]]
            assert quote is (covering[0] if covering else None)
        else:
            names[id(mention)] = names.get(id(mention), "") + text
        position = end
    assert [names.get(id(m)) for _, m in cut if m] == [text for text, m in cut if m]  # each name whole


@settings(max_examples=300, deadline=None)
@given(marked_body())
def test_nothing_from_the_body_is_markup(marked):
    body, mentions, quotes, shared, sentences = marked
    page = str(body_html(segments(pieces(body, mentions), shared, quotes, sentences), URLS))
    text = html.unescape(re.sub(r"<[^>]*>", "", page))
    assert text.replace("also in 2 articles", "") == body
    assert page.count("<span") + page.count("<a ") + page.count("<mark>") == page.count("</span>") + page.count(
        "</a>"
    ) + page.count("</mark>")
