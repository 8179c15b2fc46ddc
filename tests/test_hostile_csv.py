"""Hostile cells in CSV exports: a title, outlet or sentence that a spreadsheet would run as
a formula went out unchanged in every CSV the site serves (CSV injection). Now a text cell
starting with =, +, -, @, tab or CR gets a leading ', numbers stay numbers, and `_raw_csv=1`
gives the cells as stored (plugins/csv_formulas.py)."""

import csv
import io

import pytest
from support import article_from_sentences, copy_with_article

HYPERLINK = '=HYPERLINK("http://evil.example","klik")'
CMD = "+cmd|' /C calc'!A0"
SUM = "@SUM(1) zebrakuda bertemu di Moskow."
MINUS = "-2+3 zebrakuda adalah hasil rapat."


@pytest.fixture(scope="module")
def formulas_db(archive_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("formulas") / "archive.db"
    article = article_from_sentences(
        "formulas", HYPERLINK, [SUM, MINUS, "\tTab zebrakuda di depan."], [], outlet=CMD, published="2031-01-01"
    )
    db = copy_with_article(archive_db, path, article)
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path


@pytest.fixture
def client(make_datasette, formulas_db):
    return make_datasette(formulas_db).client


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:500]
    return list(csv.reader(io.StringIO(response.text, newline="")))


def cells(response) -> set[str]:
    return {cell for row in rows(response) for cell in row}


@pytest.mark.parametrize(
    "path",
    [
        "/archive/articles.csv?id=formulas",
        "/archive/articles.csv?_stream=on&_size=max",
        "/archive/articles.csv?id=formulas&_dl=1",
        "/archive.csv?sql=select+title,+outlet+from+articles+where+id='formulas'",
        "/archive/quotes_by.csv?speaker=nobody&_dl=1",
        "/archive/search.csv?q=zebrakuda",
        "/search.csv?q=zebrakuda",
    ],
)
async def test_no_cell_of_any_csv_starts_a_formula(client, path):
    found = cells(await client.get(path))
    risky = {cell for cell in found if cell[:1] in ("=", "+", "@", "\t", "\r") or cell.startswith("-2+")}
    assert not risky, risky
    if "quotes_by" not in path:
        assert "'" + HYPERLINK in found


async def test_escaped_cells_keep_their_text_and_the_file_its_shape(client):
    found = rows(await client.get("/archive.csv?sql=select+title,+outlet+from+articles+where+id='formulas'"))
    assert found == [["title", "outlet"], ["'" + HYPERLINK, "'" + CMD]]
    sentences = rows(await client.get("/archive/sentences.csv?article_id=formulas&_col=text&_sort=position"))
    assert [row[-1] for row in sentences[1:]] == ["'" + SUM, "'" + MINUS, "'\tTab zebrakuda di depan."]


async def test_numbers_stay_numbers(client):
    sql = "select -2 as a, +3.5 as b, 1e-3 as c, '-2' as d, '-2+3' as e, '' as f"
    found = rows(await client.get("/archive.csv", params={"sql": sql}))
    assert found[1] == ["-2", "3.5", "0.001", "-2", "'-2+3", ""]


async def test_a_column_name_is_a_cell_too(client):
    found = rows(await client.get("/archive.csv", params={"sql": 'select 1 as "=cmd"'}))
    assert found == [["'=cmd"], ["1"]]


async def test_raw_csv_gives_the_cells_as_stored(client):
    found = rows(await client.get("/archive.csv?sql=select+title,+outlet+from+articles+where+id='formulas'&_raw_csv=1"))
    assert found == [["title", "outlet"], [HYPERLINK, CMD]]


async def test_json_and_html_are_left_alone(client):
    data = (await client.get("/archive/articles.json?id=formulas&_shape=array")).json()
    assert data[0]["title"] == HYPERLINK
    page = (await client.get("/archive/articles?id=formulas")).text
    assert "&#39;=HYPERLINK" not in page and "'=HYPERLINK" not in page


async def test_a_long_streamed_export_is_rewritten_whole(client):
    """Cells spanning lines and records split across the stream's chunks come out whole."""
    sql = (
        "with recursive s(n) as (select 1 union all select n + 1 from s where n < 1500) "
        "select n, '=A' || n || char(10) || '\"x\"' as f from s"
    )
    found = rows(await client.get("/archive.csv", params={"sql": sql}))  # Datasette writes each row apart
    assert len(found) == 1501
    assert found[1] == ["1", '\'=A1\n"x"'] and found[-1] == ["1500", '\'=A1500\n"x"']
