"""plugins/highlight.py: escape, then mark; and render only that markup as HTML."""

import html

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from support import load_plugin

highlight = load_plugin("highlight")
mark_words, mark_span, render_cell = highlight.mark_words, highlight.mark_span, highlight.render_cell


def unmarked(snippet: str) -> str:
    return html.unescape(highlight.MARK_TAGS.sub("", snippet))


def test_marks_the_same_word_and_other_forms_of_its_stem():
    assert mark_words("Putin akan bertemu Kim. Pertemuan itu penting.", "pertemuan") == (
        "Putin akan <mark>bertemu</mark> Kim. <mark>Pertemuan</mark> itu penting."
    )


def test_ignores_case_and_diacritics():
    assert mark_words("Warga São Paulo", "sao") == "Warga <mark>São</mark> Paulo"


def test_escapes_before_marking():
    assert mark_words("<script>alert(1)</script> di Moskow", "Moskow") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; di <mark>Moskow</mark>"
    )
    assert mark_words("a <b>", "b") == "a &lt;<mark>b</mark>&gt;"


def test_mark_span_marks_one_range_and_tolerates_bad_offsets():
    assert mark_span("Putin & <Kim>", 8, 13) == "Putin &amp; <mark>&lt;Kim&gt;</mark>"
    assert mark_span("<x>", 5, 9) == "&lt;x&gt;"
    assert mark_span("<x>", None, 1) == "&lt;x&gt;"
    assert mark_words(None, "a") is None and mark_span(None, 0, 1) is None


@given(st.text(), st.text())
def test_mark_words_only_ever_adds_mark_tags(text, q):
    snippet = mark_words(text, q)
    assert "<" not in highlight.MARK_TAGS.sub("", snippet)
    assert unmarked(snippet) == text


@given(st.text(), st.integers(-3, 30), st.integers(-3, 30))
def test_mark_span_only_ever_adds_mark_tags(text, start, end):
    snippet = mark_span(text, start, end)
    assert "<" not in highlight.MARK_TAGS.sub("", snippet)
    assert unmarked(snippet) == text


def test_render_cell_trusts_only_snippets_made_of_escaped_text_and_marks():
    assert render_cell("a &lt;b&gt; <mark>c</mark>", "snippet") == Markup("a &lt;b&gt; <mark>c</mark>")
    assert render_cell("<mark onclick=x>c</mark>", "snippet") is None
    assert render_cell("<script>alert(1)</script>", "snippet") is None
    assert render_cell("<mark>c</mark>", "text") is None
    assert render_cell(None, "snippet") is None


async def test_own_sql_with_a_snippet_column_is_still_escaped(ds, db_name):
    sql = "select '<img src=x onerror=alert(1)>' as snippet, mark_words('<b>Putin</b>', 'putin') as snippet2"
    page = (await ds.client.get(f"/{db_name}", params={"sql": sql})).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


async def test_search_results_render_marks_as_html(ds, db_name):
    page = (await ds.client.get(f"/{db_name}/search", params={"q": "Vostochny"})).text
    assert "<mark>Vostochny</mark>" in page
