"""Hostile SQL: one value built to take the server's memory. The 3 s time limit bounded how
long, not how much: `printf('%.*c', 900000000, 'x')` ran 17 s and took the server to 1.1 GB,
`randomblob(100000000)` answered 133 MB of JSON. Every connection the site opens now caps a
value at 64 MB (SQLITE_LIMIT_LENGTH, plugins/sql_limits.py)."""

import sqlite3

import pytest


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


async def test_the_limit_is_on_every_connection_the_site_opens(archive_db):
    """Every database's, _memory's included (where --crossdb attaches the partitions)."""
    from datasette.app import Datasette

    from ingest.serve import site_file

    ds = Datasette([str(archive_db)], crossdb=True, plugins_dir=str(site_file("plugins")))
    assert "_memory" in ds.databases
    for name in ds.databases:
        limits = await ds.get_database(name).execute_fn(lambda conn: conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH))
        assert limits == 64 * 1024 * 1024, name


async def test_values_up_to_the_limit_still_work(client, db_name):
    response = await client.get(f"/{db_name}.json", params={"sql": "select length(randomblob(10000000)) as n"})
    assert response.status_code == 200 and response.json()["rows"] == [[10_000_000]]
