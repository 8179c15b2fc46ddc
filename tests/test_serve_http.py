"""The served site over HTTP: in this process (conftest's `site`, Datasette's own client), and
once against a real `newsarchive serve` process, which must answer the same.

Expected values come from the database itself, never from hard-coded counts.
"""

import csv
import html
import io
import json
import re
import sys
from pathlib import Path

import httpx
import pytest
from support import ROOT, free_port, start_server, stop_server

from ingest.serve import app as serve

HOSTILE_INPUTS = [
    '"',
    '""',
    "'",
    "*",
    "NEAR(",
    "NEAR(a b",
    "(",
    ")",
    "((a)",
    "São Paulo's",
    'a"b"c',
    "-x",
    "^",
    "AND",
    "OR OR",
    "text:",
    "stemmed : temu",
    "{text}",
    "a*b",
    "💥",
    "   ",
    "",
    "%",
    "\\",
    "<script>",
    "Putin AND",
    'pertemuan "Kim',
    "\x00",
    "a\x00b",
]
TABLES = ["articles", "sentences", "entities", "mentions", "places", "quotes", "dated_mentions", "furniture"]


def entity_id(archive_sql, name_part: str) -> int:
    """The most mentioned entity whose name contains `name_part`."""
    row = archive_sql.execute(
        """select e.id from entities e join mentions m on m.entity_id = e.id where e.name like ?
           group by e.id order by count(*) desc limit 1""",
        [f"%{name_part}%"],
    ).fetchone()
    assert row, f"no entity like {name_part!r} in the archive"
    return row[0]


def canned_cases(archive_sql):
    putin, kim = entity_id(archive_sql, "Putin"), entity_id(archive_sql, "Kim Jong")
    moscow_surface = archive_sql.execute(
        "select surface from mentions where entity_id = ? limit 1", [entity_id(archive_sql, "Mosc")]
    ).fetchone()[0]
    (wikidata,) = archive_sql.execute("select wikidata from entities where wikidata is not null limit 1").fetchone()
    return [
        ("search", {"q": "Vostochny"}),
        ("search", {"q": "pertemuan"}),
        ("search", {"q": ""}),
        ("mentions_of", {"entity": str(putin)}),
        ("mentions_of", {"entity": moscow_surface}),
        ("mentions_of", {"entity": wikidata}),
        ("co_mentions", {"entity": str(kim)}),
        ("co_mentions", {"entity": "Kim Jong Un"}),
        ("places_map", {"q": ""}),
        ("places_map", {"q": "Vostochny"}),
        ("entity_timeline", {"entity": str(putin)}),
        ("quotes_by", {"speaker": "Watson"}),
        ("quotes_by", {"speaker": str(putin)}),
        ("timeline", {"entity": ""}),
        ("timeline", {"entity": str(kim)}),
    ]


def expected_rows(archive_sql, metadata, query: str, params: dict) -> list[dict]:
    statement = metadata["databases"]["archive"]["queries"][query]["sql"]
    return [dict(row) for row in archive_sql.execute(statement, params)]


def all_json_rows(site, path: str) -> list[dict]:
    """Every row of a table, following next_url page by page."""
    rows, url = [], f"{path}.json?_shape=objects&_size=max"
    while url:
        page = site.get(url)
        assert page.status_code == 200, page.text
        data = page.json()
        rows += data["rows"]
        url = data.get("next_url")
    return rows


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


# Serving -------------------------------------------------------------------------------------


def test_run_starts_datasette_with_datasette_args(monkeypatch, tmp_path):
    import datasette.cli

    calls = []
    monkeypatch.setattr(datasette.cli.cli, "main", lambda **kwargs: calls.append(kwargs))
    serve.run(tmp_path / "x.db", host="127.0.0.1", port=9999)
    assert calls == [{"args": serve.datasette_args(tmp_path / "x.db", "127.0.0.1", 9999), "prog_name": "datasette"}]


def test_args_serve_immutable_with_metadata_plugins_templates_and_limits(tmp_path):
    args = serve.datasette_args(tmp_path / "x.db", "127.0.0.1", 9999)
    assert args[:3] == ["serve", "-i", str(tmp_path / "x.db")]
    for option, path in [("--metadata", "metadata.yml"), ("--plugins-dir", "plugins"), ("--template-dir", "templates")]:
        given = Path(args[args.index(option) + 1])
        assert given == serve.site_file(path) and given.resolve() == (ROOT / path).resolve()  # the package's copy
    settings = {args[i + 1] for i, arg in enumerate(args) if arg == "--setting"}
    assert {"sql_time_limit_ms", "max_returned_rows"} <= settings


@pytest.mark.slow  # a server process: the single-file mode's smoke test
def test_newsarchive_serve_command_serves_the_same_site(archive_db, db_name, site, tmp_path):
    port = free_port()
    process = start_server(
        [sys.executable, "-m", "ingest", "serve", "--db", str(archive_db), "--port", str(port)],
        port,
        tmp_path / "serve.log",
    )
    try:

        def both(path):
            return httpx.get(f"http://127.0.0.1:{port}{path}").json(), site.get(path).json()

        for path in ["/-/plugins.json", "/-/settings.json", f"/{db_name}/search.json?q=Putin&_shape=array"]:
            ours, theirs = both(path)
            assert ours == theirs, path
        ours, theirs = both(f"/{db_name}.json")
        assert ours["queries"] == theirs["queries"] and ours["tables"] == theirs["tables"]
    finally:
        stop_server(process)


def test_database_is_immutable(site, db_name):
    database, basemap = site.get("/-/databases.json").json()  # the second holds the map tiles
    assert database["name"] == db_name and database["is_mutable"] is False
    assert basemap["name"] == "basemap" and basemap["is_mutable"] is False


def test_index_has_title_description_license_and_source(site, metadata):
    page = site.get("/").text
    for key in ["title", "license", "source"]:
        assert html.escape(metadata[key], quote=False) in page
    assert 'href="/search"' in page and 'href="/map"' in page


def test_shortcuts_lead_to_the_canned_queries(site, db_name):
    assert site.get("/passages").headers["location"] == f"/{db_name}/shared_passages"
    assert f'href="/{db_name}/places_map"' in site.get("/map").text  # a page of its own, as an archive's


@pytest.mark.slow  # runs into the 3 s time limit
def test_runaway_sql_is_cut_off_and_the_server_keeps_serving(site, db_name):
    runaway = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    response = site.get(f"/{db_name}.json", params={"sql": runaway})
    assert response.status_code == 400 and "interrupted" in response.text.lower()
    assert site.get(f"/{db_name}/articles.json").status_code == 200


# Metadata: descriptions, facets, search boxes, sorting ---------------------------------------


def test_metadata_describes_every_table_and_column(metadata, archive):
    tables = {
        name: t for name, t in metadata["databases"]["archive"]["tables"].items() if not name.startswith("sqlite_")
    }
    schema_tables = [
        t
        for t in archive.table_names() + archive.view_names()  # sqlite_sequence is SQLite's own
        if not any(t.startswith(f"{f}_fts") for f in TABLES) and not t.startswith("sqlite_")
    ]
    assert sorted(tables) == sorted(schema_tables)
    for table in schema_tables:
        assert tables[table]["description"]
        assert set(tables[table]["columns"]) == set(archive[table].columns_dict), table
        assert all(tables[table]["columns"].values()), table


@pytest.mark.parametrize("table", TABLES)
def test_table_page_shows_descriptions(site, db_name, metadata, table):
    page = site.get(f"/{db_name}/{table}").text
    assert html.escape(metadata["databases"]["archive"]["tables"][table]["description"]) in page
    assert 'class="column-descriptions"' in page


@pytest.mark.parametrize(
    "table, facets",
    [("articles", {"outlet", "language", "published"}), ("entities", {"type"}), ("places", {"kind", "country_code"})],
)
def test_facets(site, db_name, table, facets):
    data = site.get(f"/{db_name}/{table}.json").json()
    assert facets <= set(data["facet_results"])


@pytest.mark.parametrize("table", ["articles", "sentences"])
def test_table_pages_have_a_search_box(site, db_name, table):
    assert '<input id="_search" type="search" name="_search"' in site.get(f"/{db_name}/{table}").text


def test_search_box_finds_the_matching_sentences(site, db_name, archive):
    rows = site.get(f"/{db_name}/sentences.json", params={"_search": "Vostochny", "_shape": "array"}).json()
    expected = {
        r["id"] for r in archive.query("select id, text from sentences") if re.search(r"(?i)\bvostochny\b", r["text"])
    }
    assert expected and {row["id"] for row in rows} == expected


@pytest.mark.parametrize("table", ["articles", "sentences"])
@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_search_box_accepts_any_input(site, db_name, table, text):
    for suffix in ["", ".json"]:
        response = site.get(f"/{db_name}/{table}{suffix}", params={"_search": text})
        assert response.status_code == 200, response.text[:300]


def test_blank_search_box_with_a_filter_shows_the_filtered_rows(site, db_name, archive):
    rows = site.get(
        f"/{db_name}/sentences.json", params={"_search": "", "section": "body", "_shape": "array", "_size": "max"}
    ).json()
    assert len(rows) == archive["sentences"].count_where("section = 'body'")


@pytest.mark.parametrize("table", TABLES)
def test_every_column_sorts_both_ways(site, db_name, archive, table):
    for column in archive[table].columns_dict:
        for sort in ["_sort", "_sort_desc"]:
            response = site.get(f"/{db_name}/{table}.json", params={sort: column})
            assert response.status_code == 200, (column, response.text[:300])


def test_sorting_by_a_missing_column_is_a_client_error(site, db_name):
    assert site.get(f"/{db_name}/articles", params={"_sort": "nope"}).status_code == 400
    assert site.get(f"/{db_name}/articles.json", params={"_sort": "id", "_sort_desc": "id"}).status_code == 400


# CSV and JSON of every table ------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_table_json_pages_add_up_to_the_table(site, db_name, archive, table):
    assert len(all_json_rows(site, f"/{db_name}/{table}")) == archive[table].count


@pytest.mark.parametrize("table", TABLES)
def test_streamed_csv_has_every_row(site, db_name, archive, table):
    rows = csv_rows(site.get(f"/{db_name}/{table}.csv", params={"_stream": "on", "_size": "max"}))
    assert len(rows) == archive[table].count


def test_streamed_sentences_csv_is_the_whole_table(site, db_name, archive):
    rows = csv_rows(site.get(f"/{db_name}/sentences.csv", params={"_stream": "on", "_size": "max", "_dl": "1"}))
    expected = {r["id"]: r["text"] for r in archive.query("select id, text from sentences")}
    assert {int(row["id"]): row["text"] for row in rows} == expected


# Canned queries -------------------------------------------------------------------------------


def test_canned_queries_json_and_csv_match_the_database(site, db_name, archive_sql, metadata):
    for query, params in canned_cases(archive_sql):
        expected = expected_rows(archive_sql, metadata, query, params)
        got = site.get(f"/{db_name}/{query}.json", params={**params, "_shape": "array"})
        assert got.status_code == 200, (query, params, got.text[:300])
        assert got.json() == expected, (query, params)
        rows = csv_rows(site.get(f"/{db_name}/{query}.csv", params=params))
        assert len(rows) == len(expected), (query, params)
        if expected:
            assert list(rows[0]) == list(expected[0])


def test_every_canned_query_returns_rows_for_a_seed_entity(site, db_name, archive_sql):
    for query, params in canned_cases(archive_sql):
        if any(params.values()):
            rows = site.get(f"/{db_name}/{query}.json", params={**params, "_shape": "array"}).json()
            assert rows, (query, params)


def test_canned_queries_use_named_parameters_only(metadata):
    for name, query in metadata["databases"]["archive"]["queries"].items():
        assert "?" not in query["sql"] and query["params"], name
        assert set(re.findall(r":(\w+)", query["sql"])) == set(query["params"]), name


def test_search_ranks_and_marks_matches(site, db_name):
    rows = site.get(f"/{db_name}/search.json", params={"q": "Vostochny", "_shape": "array"}).json()
    assert rows and all("<mark>Vostochny</mark>" in row["snippet"] for row in rows)
    assert [row["score"] for row in rows] == sorted(row["score"] for row in rows)
    assert {"title", "outlet", "published", "article_id"} <= set(rows[0])


def test_stemmed_search_finds_other_forms_of_the_word(site, db_name, archive):
    rows = site.get(f"/{db_name}/search.json", params={"q": "pertemuan", "_shape": "array", "_size": "max"}).json()
    found = {row["sentence_id"] for row in rows}
    with_bertemu = {
        r["id"] for r in archive.query("select id, text from sentences") if re.search(r"(?i)\bbertemu\b", r["text"])
    }
    assert with_bertemu and with_bertemu <= found
    assert any("<mark>bertemu</mark>" in row["snippet"].lower() for row in rows)


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_search_accepts_any_input(site, db_name, text):
    for query in ["search", "places_map"]:
        response = site.get(f"/{db_name}/{query}.json", params={"q": text, "_shape": "array"})
        assert response.status_code == 200 and isinstance(response.json(), list), response.text[:300]
        assert site.get(f"/{db_name}/{query}", params={"q": text}).status_code == 200


def test_search_without_q_is_an_empty_table(site, db_name):
    assert site.get(f"/{db_name}/search.json?_shape=array").json() == []
    assert site.get(f"/{db_name}/search").status_code == 200


def test_search_snippets_are_escaped_then_marked(site, db_name, hostile):
    surface = hostile.mentions[0].surface  # "Moskow", next to a <script> in the hostile article
    rows = site.get(f"/{db_name}/search.json", params={"q": surface, "_shape": "array"}).json()
    snippet = next(row["snippet"] for row in rows if row["article_id"] == hostile.id)
    assert "<script>" not in snippet and "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert f"<mark>{surface}</mark>" in snippet
    page = site.get(f"/{db_name}/search", params={"q": surface}).text
    assert "<script>alert(1)" not in page and f"<mark>{surface}</mark>" in page


def test_places_map_with_q_keeps_places_mentioned_in_matching_sentences(site, db_name, archive):
    rows = site.get(f"/{db_name}/places_map.json", params={"q": "Vostochny", "_shape": "array"}).json()
    mentioned = {
        r["entity_id"]
        for r in archive.query("select m.entity_id, s.text from mentions m join sentences s on s.id = m.sentence_id")
        if re.search(r"(?i)\bvostochny\b", r["text"])
    }
    assert rows and {row["entity_id"] for row in rows} <= mentioned
    everywhere = site.get(f"/{db_name}/places_map.json", params={"_shape": "array"}).json()
    assert len(everywhere) >= len(rows)


def test_places_map_popups_name_the_place_count_and_link_to_its_mentions(site, db_name):
    for row in site.get(f"/{db_name}/places_map.json", params={"_shape": "array"}).json():
        popup = json.loads(row["popup"])
        assert popup["title"] == row["name"] and str(row["mentions"]) in popup["description"]
        assert site.get(popup["link"]).status_code == 200


# Maps, article and entity pages ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["places", "places_map"])
def test_map_pages_load_the_cluster_map_with_the_offline_tiles(site, db_name, path):
    page = site.get(f"/{db_name}/{path}").text
    assert "datasette-cluster-map.js" in page
    assert json.dumps("/-/tiles/basemap/{z}/{x}/{y}.png") in page


def test_article_page_marks_every_mention_at_its_offsets(site, archive):
    article_id = archive.execute(
        "select article_id from mentions group by article_id order by count(*) desc"
    ).fetchone()[0]
    article = archive["articles"].get(article_id)
    expected = [
        html.escape(article["body"][start:end])
        for start, end in archive.execute(
            """select s.char_start + m.char_start, s.char_start + m.char_end from mentions m
           join sentences s on s.id = m.sentence_id where m.article_id = ? order by 1""",
            [article_id],
        )
    ]
    page = site.get(f"/article/{article_id}").text
    marked = re.findall(r'<a class="mention [^"]*"[^>]*><mark>(.*?)</mark></a>', page)
    assert marked == expected
    for field in ["title", "outlet", "published"]:
        assert html.escape(article[field] or "") in page


def test_article_page_escapes_everything(site, hostile):
    page = site.get(f"/article/{hostile.id}").text
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>heboh" not in page
    assert html.escape("<script>alert(1)</script>", quote=False) in page


def test_entity_page(site, archive_sql):
    putin = entity_id(archive_sql, "Putin")
    entity = dict(archive_sql.execute("select * from entities where id = ?", [putin]).fetchone())
    mentions = archive_sql.execute("select count(*) from mentions where entity_id = ?", [putin]).fetchone()[0]
    page = site.get(f"/entity/{putin}").text
    assert html.escape(entity["name"]) in page
    assert f'<strong class="mention-count">{mentions}</strong>' in page
    if entity["wikidata"]:
        assert f'href="https://www.wikidata.org/wiki/{entity["wikidata"]}"' in page
    co_mentioned = archive_sql.execute(
        """select distinct e.name from mentions a join mentions b on b.sentence_id = a.sentence_id
           join entities e on e.id = b.entity_id where a.entity_id = ? and b.entity_id != ?""",
        [putin, putin],
    )
    for (name,) in co_mentioned:
        assert html.escape(name) in page


def test_unknown_article_and_entity_are_404(site):
    assert site.get("/article/no-such-article").status_code == 404
    assert site.get("/entity/999999999").status_code == 404


def test_hostile_title_is_escaped_on_table_pages(site, db_name, hostile):
    for path in [f"/{db_name}/articles", f"/{db_name}/articles/{hostile.id}", f"/{db_name}/mentions"]:
        page = site.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path


def test_settings_stream_whole_tables_and_skip_facet_suggestions(site):
    """Streamed CSV is never cut off (Datasette's default stops at 100 MB), and table pages
    do not run a suggestion query per column."""
    settings = site.get("/-/settings.json").json()
    assert settings["max_csv_mb"] == 0 and settings["suggest_facets"] is False
