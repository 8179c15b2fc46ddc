"""`newsarchive serve DIR`: every partition of an archive (seeds/ ingested by month, the
`seeds_archive` and `archive_http` fixtures of conftest.py) is a
database of a real Datasette process; SQL across periods through --crossdb (at most 10
partitions attached, the newest); one partition still opens alone as a single archive."""

import json

import httpx
import pytest
import sqlite_utils
from support import SEEDS, ingest_archive

from ingest.serve.app import CROSSDB_LIMIT, ServerProcess, datasette_args
from ingest.store.partitions import partition_files


def test_every_partition_is_a_database(archive_http):
    names = [db["name"] for db in archive_http.get("/-/databases.json").json()]
    assert names[:4] == ["_memory", "2024-07", "2023-09", "undated"]
    for name in ("2024-07", "2023-09", "undated"):
        page = archive_http.get(f"/{name}/articles.json?_shape=array").json()
        assert page and all(
            (row["published"] or "undated").startswith(name if name != "undated" else "undated") for row in page
        )
        assert "Search sentences" in archive_http.get(f"/{name}").text  # metadata.yml's archive section applies


def test_sql_across_periods_through_crossdb(archive_http):
    sql = """select 'july' as period, count(*) as n from [2024-07].articles
             union all select 'september', count(*) from [2023-09].articles
             union all select 'undated', count(*) from undated.articles"""
    rows = archive_http.get("/_memory.json", params={"sql": sql, "_shape": "array"}).json()
    assert [row["n"] for row in rows] == [1, 1, 3]
    search = """select count(*) as n from (
        select rowid from [2024-07].sentences_fts where sentences_fts match fts_query('Putin')
        union all select rowid from [2023-09].sentences_fts where sentences_fts match fts_query('Putin'))"""
    assert archive_http.get("/_memory.json", params={"sql": search, "_shape": "array"}).json()[0]["n"] == 6
    assert "Search sentences" not in archive_http.get("/_memory").text  # no canned queries on _memory


def test_the_home_page_desk_counts_every_partition(archive_http):
    home = archive_http.get("/").text
    assert "(5 articles)" in home
    assert "(3 articles)" in archive_http.get("/undated").text


def test_an_article_page_is_found_in_its_partition(archive_http, seeds_archive):
    db = sqlite_utils.Database(seeds_archive / "2023-09.db")
    article_id, title = db.execute("select id, title from articles").fetchone()
    db.close()
    page = archive_http.get(f"/article/{article_id}")
    assert page.status_code == 200 and title.split()[0] in page.text and "/2023-09/articles/" in page.text
    assert archive_http.get("/article/nothing-here").status_code == 404


def test_network_map_and_timeline_span_the_partitions(archive_http, seeds_archive):
    network = archive_http.get("/network.json", params={"top": 10}).json()
    assert len(network["nodes"]) == 10 and network["edges"]
    places = {p["name"]: p["mentions"] for p in archive_http.get("/map.json").json()["places"]}
    expected: dict[str, int] = {}
    for path in partition_files(seeds_archive):
        db = sqlite_utils.Database(path)
        for name, mentions in db.execute(
            "select name, mentions from places where latitude is not null and mentions > 0"
        ):
            expected[name] = expected.get(name, 0) + mentions
        db.close()
    assert places == expected
    july = archive_http.get("/map.json", params={"period": "2024-07"}).json()["places"]
    assert 0 < len(july) < len(places)
    assert archive_http.get("/map").status_code == 200 and "places-map" in archive_http.get("/map").text
    timeline = archive_http.get("/timeline")
    assert timeline.status_code == 200 and "timeline-events" in timeline.text


@pytest.mark.slow  # a server process
def test_one_partition_opens_alone_as_a_single_archive(seeds_archive, tmp_path):
    server = ServerProcess.serving(seeds_archive / "2023-09.db", tmp_path / "one.log").start(timeout=120)
    try:
        found = httpx.get(f"{server.url}/search.json", params={"q": "Putin"}, timeout=60).json()
        assert found["total"] == 3 and "by_period" not in found
    finally:
        server.stop()


@pytest.mark.slow  # a server process
def test_crossdb_attaches_at_most_ten_partitions(tmp_path):
    """Past Datasette's limit the newest ten are attached to _memory and the serve command says
    so; the others are still databases of their own."""
    records = tmp_path / "records.json"
    text = (SEEDS / "003_1cb966e1a36f34cb.txt").read_text(encoding="utf-8")
    months = [f"2023-{month:02d}-15" for month in range(1, 12)]
    records.write_text(
        json.dumps([{"url": f"https://example.org/{d}", "body": text, "published": d} for d in months]),
        encoding="utf-8",
    )
    folder = ingest_archive(tmp_path / "news", records)
    assert len(partition_files(folder)) == 11 > CROSSDB_LIMIT
    assert "--crossdb" in datasette_args(partition_files(folder), crossdb=True)
    server = ServerProcess.serving_archive(folder, tmp_path / "eleven.log").start(timeout=120)
    try:
        get = lambda path, **params: httpx.get(f"{server.url}{path}", params=params, timeout=60)  # noqa: E731
        attached = get("/_memory.json", sql="select name from pragma_database_list", _shape="array").json()
        assert [row["name"] for row in attached if row["name"].startswith("2023")] == [
            f"2023-{month:02d}" for month in range(11, 1, -1)
        ]
        missing = get("/_memory.json", sql="select count(*) from [2023-01].articles")
        assert missing.status_code == 400 and "no such table" in missing.json()["error"]
        assert get("/2023-01/articles.json", _shape="array").json()[0]["published"] == "2023-01-15"
        assert get("/search.json", q="Putin").json()["total"] == 11 * 3
    finally:
        server.stop()
    assert (
        "SQL across periods (/_memory) sees the newest 10, 2023-11 to 2023-02" in (tmp_path / "eleven.log").read_text()
    )
