"""Hostile SQL: values built to take the server's memory. The 3 s time limit bounded how
long, not how much: `printf('%.*c', 900000000, 'x')` ran 17 s and took the server to 1.1 GB,
`randomblob(100000000)` answered 133 MB of JSON, and `select zeroblob(30000000) from sentences
limit 60` took it past 24 GB until the kernel killed it. Every connection the site opens now
caps a value at 64 MB (SQLITE_LIMIT_LENGTH) and the rows of one query at 100 MB
(plugins/sql_limits.py)."""

import csv
import io
import sqlite3

import pytest
from datasette.plugins import pm

OVER_THE_CAP = "select zeroblob(60000000) as z from (values (1), (2))"  # 120 MB, each value under 64 MB


@pytest.fixture
def client(ds):
    return ds.client


@pytest.mark.parametrize(
    "sql", ["printf('%.*c', 900000000, 'x')", "format('%900000000d', 1)", "printf('%.900000000f', 1)"]
)
async def test_a_huge_printf_is_null_at_once(client, db_name, sql):
    """NULL, as SQLite's printf answers past the length limit, without padding 900 MB first."""
    response = await client.get(f"/{db_name}.json", params={"sql": f"select length({sql}) as n"})
    assert response.status_code == 200 and response.json()["rows"] == [[None]], response.text


async def test_printf_still_formats(client, db_name):
    sql = "select printf('%5.2f|%-4s|%d|%%|%.*c', 3.14159, 'ab', 42, 3, 'x') as a, format('%s-%s', 'x', 2) as b"
    response = await client.get(f"/{db_name}.json", params={"sql": sql, "_shape": "array"})
    assert response.json() == [{"a": " 3.14|ab  |42|%|xxx", "b": "x-2"}]


async def test_a_huge_blob_is_a_clear_error(client, db_name):
    response = await client.get(f"/{db_name}.json", params={"sql": "select randomblob(100000000)"})
    assert response.status_code == 400
    assert "string or blob too big" in response.text
    assert len(response.content) < 10_000


async def test_a_huge_string_is_a_clear_error(client, db_name):
    response = await client.get(f"/{db_name}.json", params={"sql": "select zeroblob(70000000) || 'x'"})
    assert response.status_code == 400 and "string or blob too big" in response.text


def over_the_cap(conn) -> str:
    """What a connection answers to a query whose rows pass 100 MB."""
    try:
        conn.execute(OVER_THE_CAP).fetchall()
    except sqlite3.OperationalError as error:
        return str(error)
    return "answered"


async def test_the_limits_are_on_every_connection_the_site_opens(archive_db):
    """Every database's, _memory's included (where --crossdb attaches the partitions)."""
    from datasette.app import Datasette

    from ingest.serve.app import site_file

    ds = Datasette([str(archive_db)], crossdb=True, plugins_dir=str(site_file("plugins")))
    assert "_memory" in ds.databases
    for name in ds.databases:
        limits = await ds.get_database(name).execute_fn(lambda conn: conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH))
        assert limits == 64 * 1024 * 1024, name
        assert "passed 100 MB" in await ds.get_database(name).execute_fn(over_the_cap), name


async def test_values_up_to_the_limit_still_work(client, db_name):
    response = await client.get(f"/{db_name}.json", params={"sql": "select length(randomblob(10000000)) as n"})
    assert response.status_code == 200 and response.json()["rows"] == [[10_000_000]]


async def test_rows_past_100_mb_are_a_clear_error(client, db_name):
    """Before: 200 and 720 MB of JSON (a NUL as `\\u0000`), the rows and their JSON held in memory."""
    response = await client.get(f"/{db_name}.json", params={"sql": OVER_THE_CAP})
    assert response.status_code == 400
    assert "this query's rows passed 100 MB" in response.json()["error"]
    assert len(response.content) < 10_000


async def test_rows_under_the_cap_are_answered(client, db_name):
    sql = "select zeroblob(30000000) as z from (values (1), (2), (3))"  # 90 MB
    response = await client.get(f"/{db_name}.json", params={"sql": f"select length(z) as n from ({sql})"})
    assert response.status_code == 200 and response.json()["rows"] == [[30_000_000]] * 3


@pytest.fixture
def wide_table(tmp_path):
    """A table of 5,000 rows of 300 characters: 1.5 MB in all, 600 KB in a page of 2,000."""
    path = tmp_path / "wide.db"
    with sqlite3.connect(path) as conn:
        conn.execute("create table wide (id integer primary key, text text)")
        conn.executemany("insert into wide (text) values (?)", [(f"{n:05d}" + "x" * 295,) for n in range(5000)])
    conn.close()
    return path


async def test_the_cap_is_per_query_so_a_whole_table_streams_as_csv(make_datasette, wide_table, monkeypatch):
    """With the cap at 1 MB, a query of 1.2 MB is refused, and the 1.5 MB table still streams
    whole as CSV: Datasette reads it 2,000 rows (600 KB) a query."""
    client = make_datasette(wide_table).client  # loads the plugins; connections open at the first query
    monkeypatch.setattr(pm.get_plugin("sql_limits.py"), "MAX_RESULT_BYTES", 1024 * 1024)
    refused = await client.get("/wide.json", params={"sql": "select zeroblob(1200000) as z"})
    assert refused.status_code == 400 and "passed 1 MB" in refused.json()["error"]
    response = await client.get("/wide/wide.csv", params={"_stream": "on", "_size": "max"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert len(response.content) > 1024 * 1024
    assert rows[0] == ["id", "text"] and [row[1][:5] for row in rows[1:]] == [f"{n:05d}" for n in range(5000)]
