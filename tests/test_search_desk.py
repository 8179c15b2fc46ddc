"""/search (plugins/search_page.py, ingest/serve/search.py) over HTTP on the served test archive:
the total and the counts by outlet and month are those of the whole match set, every filter
narrows it as stated, paging walks every match once, and the HTML, JSON and CSV agree."""

import csv
import io

import pytest

from ingest.serve.search import Search


def expected(archive_sql, q, where="1", params=()):
    """Sentence ids matching q with a condition on sentence s and article a, computed plainly."""
    return {
        r[0]
        for r in archive_sql.execute(
            f"""select s.id from sentences s join articles a on a.id = s.article_id
            where s.id in (select rowid from sentences_fts where sentences_fts match fts_query(?)) and {where}""",
            [q, *params],
        )
    }


def everything(http, **params):
    """Every row of a search, following `next` page by page."""
    rows, url, pages = [], "/search.json", 0
    response = http.get(url, params={**params, "size": 3}).json()
    while True:
        rows += response["rows"]
        pages += 1
        if not response["next"]:
            return rows, response, pages
        response = http.get(response["next"]).json()


def test_total_counts_and_pages_cover_the_whole_match_set(http, archive_sql):
    ids = expected(archive_sql, "Putin")
    rows, first, pages = everything(http, q="Putin")
    assert len(ids) > 3 and first["total"] == len(ids) and pages == -(-len(ids) // 3) > 1
    assert sorted(row["sentence_id"] for row in rows) == sorted(ids)  # each match once
    dates = [row["published"] or "" for row in rows if row["published"]]
    assert dates == sorted(dates, reverse=True)  # newest first, undated last
    by_outlet = {}
    for r in archive_sql.execute(
        f"select coalesce(a.outlet, '(unknown)'), count(*) from sentences s join articles a on a.id = s.article_id "
        f"where s.id in ({','.join(map(str, ids))}) group by 1"
    ):
        by_outlet[r[0]] = r[1]
    assert {c["outlet"]: c["matches"] for c in first["by_outlet"]} == by_outlet
    assert sum(c["matches"] for c in first["by_month"]) == len(ids)


def test_each_result_links_to_its_sentence_on_the_article_page(http, archive_sql):
    for row in http.get("/search.json", params={"q": "Vostochny"}).json()["rows"]:
        position = archive_sql.execute("select position from sentences where id = ?", [row["sentence_id"]]).fetchone()[
            0
        ]
        assert row["article_url"] == f"/article/{row['article_id']}#s{position}"
        assert "<mark>Vostochny</mark>" in row["snippet"]


def test_outlet_date_and_language_filters_narrow_the_matches(http, archive_sql):
    outlet = archive_sql.execute("select outlet from articles where outlet is not null order by outlet").fetchone()[0]
    cases = [
        ({"outlet": outlet}, "a.outlet = ?", [outlet]),
        ({"outlet": "(unknown)"}, "a.outlet is null", []),
        ({"from": "2024-01-01"}, "a.published >= ?", ["2024-01-01"]),
        ({"to": "2023-09"}, "a.published <= ?", ["2023-09-31"]),
        ({"language": "id"}, "a.language = ?", ["id"]),
    ]
    total = len(expected(archive_sql, "Putin"))
    for params, where, values in cases:
        found = http.get("/search.json", params={"q": "Putin", **params, "size": 1000}).json()
        ids = expected(archive_sql, "Putin", where, values)
        assert found["total"] == len(ids) and {r["sentence_id"] for r in found["rows"]} == ids, params
        assert found["search"] == {"q": "Putin", **params, "size": 1000}
    assert any(len(expected(archive_sql, "Putin", w, v)) < total for _, w, v in cases)  # some filter narrows


@pytest.mark.parametrize("scope", ["sentence", "article"])
def test_entity_filter_by_name_spelling_or_wikidata_id(http, archive_sql, scope):
    entity_id, wikidata = archive_sql.execute(
        "select e.id, e.wikidata from entities e where e.wikidata is not null and e.name = 'Moscow'"
    ).fetchone()
    column, key = ("s.id", "sentence_id") if scope == "sentence" else ("s.article_id", "article_id")
    ids = expected(archive_sql, "Putin", f"{column} in (select {key} from mentions where entity_id = ?)", [entity_id])
    assert ids
    for name in ("Moskow", wikidata, str(entity_id), "moscow"):
        found = http.get("/search.json", params={"q": "Putin", "entity": name, "scope": scope, "size": 1000}).json()
        assert {r["sentence_id"] for r in found["rows"]} == ids, name


def test_an_entity_alone_lists_the_sentences_that_mention_it(http, archive_sql):
    entity_id = archive_sql.execute(
        "select entity_id from mentions group by entity_id order by count(*) desc"
    ).fetchone()[0]
    sentences = archive_sql.execute(
        "select count(distinct sentence_id) from mentions where entity_id = ?", [entity_id]
    ).fetchone()[0]
    assert http.get("/search.json", params={"entity": entity_id}).json()["total"] == sentences


def test_html_json_and_csv_agree(http):
    params = {"q": "Putin", "size": 5, "page": 2}
    data = http.get("/search.json", params=params).json()
    page = http.get("/search", params=params).text
    assert f'<strong class="total">{data["total"]}</strong>' in page
    for row in data["rows"]:
        assert f'href="{row["article_url"]}"' in page
    rows = list(csv.DictReader(io.StringIO(http.get("/search.csv", params=params).text)))
    assert [r["sentence_id"] for r in rows] == [str(r["sentence_id"]) for r in data["rows"]]
    months = list(csv.DictReader(io.StringIO(http.get("/search.csv", params={**params, "by": "month"}).text)))
    assert [(m["month"], int(m["matches"])) for m in months] == [(m["month"], m["matches"]) for m in data["by_month"]]


@pytest.mark.parametrize("text", ['"', "São Paulo's", "NEAR(", "\x00", "<script>alert(1)</script>", "a" * 500])
def test_any_input_is_answered(http, text):
    for path in ["/search", "/search.json", "/search.csv"]:
        assert http.get(path, params={"q": text, "entity": text, "from": text, "page": text}).status_code == 200


def test_hostile_text_is_escaped(http, hostile):
    page = http.get("/search", params={"q": hostile.mentions[0].surface}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_search_is_its_url():
    search = Search.from_args({"q": "Putin", "from": "2023-09-01", "to": "bad", "entity": "Q7747", "page": "2"})
    assert search.params() == {"q": "Putin", "from": "2023-09-01", "entity": "Q7747", "page": 2}
    assert Search.from_args(search.params()) == search
    assert not Search.from_args({}).active
