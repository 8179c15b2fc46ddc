"""plugins/search_box.py: the table search box accepts any input."""

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import load_plugin

from ingest.store.schema import FTS_TOKENIZE

search_box = load_plugin("search_box")


@given(st.text())
def test_escaped_search_is_always_a_valid_fts5_query(q):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create virtual table t_fts using fts5(title, body, tokenize='{FTS_TOKENIZE}')")
    conn.execute("select count(*) from t_fts where t_fts match ?", [search_box.safe_escape_fts(q)]).fetchone()


def test_escaping_keeps_words_and_phrases():
    assert search_box.safe_escape_fts('Kim "Jong Un"') == '"Kim" "Jong Un"'
    assert search_box.safe_escape_fts('"') == '""'


@pytest.mark.parametrize(
    "query_string, expected",
    [
        (b"_search=", b""),
        (b"_search=+&section=body", b"section=body"),
        (b"_search_text=%20&_sort=id", b"_sort=id"),
        (b"_search=Putin&section=body", b"_search=Putin&section=body"),
        (b"_searchmode=raw&_search=", b"_searchmode=raw"),
    ],
)
def test_blank_searches_are_dropped(query_string, expected):
    assert search_box.without_blank_search(query_string) == expected


@pytest.mark.parametrize("search", ["", " ", '"', '""', "\x00", "a\x00b", "NEAR(", "*"])
async def test_table_search_never_fails(ds, db_name, search):
    for table in ["articles", "sentences"]:
        response = await ds.client.get(f"/{db_name}/{table}.json", params={"_search": search})
        assert response.status_code == 200, response.text


async def test_blank_search_means_no_search(ds, db_name, archive):
    response = await ds.client.get(
        f"/{db_name}/sentences.json", params={"_search": "", "_shape": "array", "_size": "max"}
    )
    assert len(response.json()) == archive["sentences"].count
