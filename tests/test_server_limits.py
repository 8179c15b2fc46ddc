"""The server under pressure (issue 6): read-only through every door, researchers' SQL
limited in time and rows, runaway queries cut off while other requests are still answered.

Most run in this process (conftest's `site`, as `newsarchive serve` configures it); runaway
queries beside ordinary pages against the real `datasette` process (conftest's `server`: its
threads and time limits under load), and `newsarchive serve --live` on a copy (the live mode's
smoke test), since a live archive is mutable on disk and must still refuse every write.
"""

import hashlib
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from support import copy_archive, free_port, start_server, stop_server

from ingest.serve.app import SETTINGS

RECURSIVE_CTE = "with recursive n(i) as (select 1 union all select i + 1 from n) select count(*) from n"
CROSS_JOIN = (
    "select sum(length(a.text) + length(e.text)) from sentences a, sentences b, sentences c, sentences d, sentences e"
)
WRITES = [
    "delete from articles",
    "update articles set title = 'x'",
    "insert into articles (id) values ('x')",
    "drop table articles",
    "attach database 'other.db' as other",
    "pragma writable_schema = 1",
    "select 1; delete from articles",
    "create table t (x)",
    "vacuum",
    "select load_extension('x')",
    "with x as (delete from articles returning 1) select * from x",
]


def table_counts(db_path) -> dict:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as c:
        return {
            table: c.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("articles", "sentences", "entities", "mentions", "places", "furniture")
        }


def check_read_only(client, db_name, db_path):
    before = table_counts(db_path)
    for sql in WRITES:
        response = client.get(f"/{db_name}.json", params={"sql": sql})
        assert response.status_code in (400, 403), (sql, response.status_code)
    for path in [
        f"/{db_name}/-/create",
        f"/{db_name}/articles/-/insert",
        f"/{db_name}/articles/-/upsert",
        f"/{db_name}/articles/-/drop",
        f"/{db_name}/articles/1/-/delete",
        f"/{db_name}/articles/1/-/update",
        f"/{db_name}",
        "/-/create-token",
    ]:
        response = client.post(path, json={"rows": [{"id": "x"}], "sql": "delete from articles"})
        assert response.status_code in (403, 404, 405), (path, response.status_code)
    assert table_counts(db_path) == before


def test_no_write_gets_through_sql_or_the_api(site, db_name, archive_db):
    digest = hashlib.sha256(archive_db.read_bytes()).hexdigest()
    check_read_only(site, db_name, archive_db)
    assert hashlib.sha256(archive_db.read_bytes()).hexdigest() == digest


@pytest.mark.parametrize("path", ["/{db}/articles", "/{db}/search"])
def test_post_to_a_table_or_a_query_is_refused_as_read_only(site, db_name, path):
    # plugins/read_only.py: Datasette 0.65 alone answers these with 500
    response = site.post(path.format(db=db_name), data={"q": "x", "sql": "delete from articles"})
    assert response.status_code == 405


def test_limits_are_set(site):
    settings = site.get("/-/settings.json").json()
    assert settings["sql_time_limit_ms"] == SETTINGS["sql_time_limit_ms"] <= 5000
    assert settings["max_returned_rows"] == SETTINGS["max_returned_rows"] <= 5000


def test_max_returned_rows_truncates_a_big_result(site, db_name):
    limit = SETTINGS["max_returned_rows"]
    sql = f"with recursive n(i) as (select 1 union all select i + 1 from n limit {limit * 3}) select i from n"
    data = site.get(f"/{db_name}.json", params={"sql": sql, "_shape": "objects"}).json()
    assert len(data["rows"]) == limit and data["truncated"] is True


@pytest.mark.slow  # a server process, and queries that run into the 3 s time limit
def test_runaway_queries_are_cut_off_while_other_requests_are_answered(db_name, server):
    """Six runaway queries (more than Datasette's three SQL threads) and, at the same time,
    ordinary pages: the runaways end in "SQL Interrupted", every ordinary page is served."""
    ordinary = [
        "/",
        f"/{db_name}/articles.json?_size=5",
        f"/{db_name}/search.json?q=Putin",
        f"/{db_name}/places_map.json",
        "/-/versions.json",
        f"/{db_name}/sentences.csv?_size=10",
    ] * 3
    runaways = [RECURSIVE_CTE, CROSS_JOIN] * 3
    with httpx.Client(base_url=server, timeout=120) as client, ThreadPoolExecutor(12) as pool:
        cut = [pool.submit(client.get, f"/{db_name}.json", params={"sql": sql}) for sql in runaways]
        served = [pool.submit(client.get, path) for path in ordinary]
        for future in cut:
            response = future.result()
            assert response.status_code == 400, response.text[:300]
            assert "interrupted" in response.text.lower()
        for future, path in zip(served, ordinary):
            assert future.result().status_code == 200, path
        assert client.get(f"/{db_name}/articles.json").status_code == 200  # and it still serves afterwards


@pytest.mark.slow  # a server process: the live mode's smoke test
def test_a_live_archive_is_read_only_too(archive_db, tmp_path):
    path = copy_archive(archive_db, tmp_path / "live.db")
    port = free_port()
    process = start_server(
        [sys.executable, "-m", "ingest", "serve", "--live", "--db", str(path), "--port", str(port)],
        port,
        tmp_path / "serve.log",
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            database, _basemap = http.get("/-/databases.json").json()  # the second holds the map tiles
            assert database["is_mutable"] is True
            with sqlite3.connect(path) as c:
                assert c.execute("pragma journal_mode").fetchone()[0] == "wal"
            check_read_only(http, "live", path)
            response = http.get("/live.json", params={"sql": RECURSIVE_CTE})
            assert response.status_code == 400 and "interrupted" in response.text.lower()
    finally:
        stop_server(process)
