"""plugins/search_query.py: fts_query() turns any input into a safe FTS5 query."""

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import load_plugin

from ingest.extract.stem import stem_text
from ingest.store.schema import FTS_TOKENIZE

fts_query = load_plugin("search_query").fts_query


@pytest.fixture(scope="module")
def fts():
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table sentences_fts using fts5(text, stemmed, tokenize='{FTS_TOKENIZE}')")
    for text in [
        "Putin akan bertemu Kim Jong Un.",
        "Pertemuan di Kosmodrom Vostochny.",
        "Warga São Paulo's senang.",
        'Dia berkata "tidak" (lagi).',
    ]:
        conn.execute("insert into sentences_fts values (?, ?)", [text, stem_text(text)])
    yield conn
    conn.close()


def matches(conn, q) -> list[int]:
    sql = "select rowid from sentences_fts where sentences_fts match ? order by rowid"
    return [row[0] for row in conn.execute(sql, [fts_query(q)])]


def test_every_word_is_quoted_and_matches_as_written_or_by_stem():
    assert fts_query("pertemuan Putin") == '(text : "pertemuan" OR stemmed : "temu") AND stemmed : "putin"'
    assert fts_query("PUTIN Korea") == 'stemmed : "putin" AND stemmed : "korea"'  # stems are the words: one column


def test_double_quotes_make_a_phrase(fts):
    assert fts_query('"Kim Jong Un" bertemu') == ('stemmed : "kim jong un" AND (text : "bertemu" OR stemmed : "temu")')
    assert matches(fts, '"Kim Jong Un"') == [1]
    assert matches(fts, "Un Kim") == [1]
    assert matches(fts, '"Un Kim"') == []  # the words, but not in that order
    assert matches(fts, '"Kim Jong') == [1]  # an unclosed quote is just a character


def test_input_without_words_matches_nothing():
    for q in ["", "   ", '"', '""', '" "', "*", "((", None]:
        assert fts_query(q) == '""'


def test_stemming_finds_other_forms(fts):
    assert matches(fts, "pertemuan") == [1, 2]
    assert matches(fts, "bertemu") == [1, 2]


def test_diacritics_and_punctuation(fts):
    assert matches(fts, "Sao Paulo's") == [3]
    assert matches(fts, "São") == [3]
    assert matches(fts, '"tidak" (lagi') == [4]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "NEAR(",
        "a OR",
        "AND",
        "*",
        "text:",
        "stemmed : x",
        "{text}",
        "^a",
        "-a",
        "a*",
        "São Paulo's",
        "💥",
        "\x00",
        "x" * 5000,
    ],
)
def test_fts_syntax_in_input_is_never_an_error(fts, q):
    matches(fts, q)


@given(st.text())
def test_any_text_is_a_valid_query(q):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table sentences_fts using fts5(text, stemmed, tokenize='{FTS_TOKENIZE}')")
    conn.execute("insert into sentences_fts values ('a b', 'a b')")
    conn.execute("select count(*) from sentences_fts where sentences_fts match ?", [fts_query(q)]).fetchone()


@given(st.lists(st.text(st.characters(categories=["L", "Nd"]), min_size=1), min_size=1, max_size=6))
def test_a_sentence_is_found_by_its_own_words(words):
    text = " ".join(words)
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table sentences_fts using fts5(text, stemmed, tokenize='{FTS_TOKENIZE}')")
    conn.execute("insert into sentences_fts values (?, ?)", [text, stem_text(text)])
    assert matches(conn, text) == [1]


async def test_registered_as_a_sql_function(ds, db_name):
    response = await ds.client.get(f"/{db_name}.json", params={"sql": "select fts_query('a \"b')", "_shape": "array"})
    assert list(response.json()[0].values()) == ['stemmed : "a" AND stemmed : "b"']
