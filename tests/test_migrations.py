"""ingest/store/migrations.py: an archive built by the last release before migrations is upgraded in
place, not refused, and ends up as a fresh ingest would have made it.

`tests/data/seeds-schema3.db.gz` is seeds/ ingested by newsarchive at commit 7816b5b
(schema 3, the last release without migrations), untouched since.
"""

import gzip
import shutil
import sqlite3
import subprocess
import sys

import pytest
from support import ROOT

from ingest.store.migrations import MIGRATIONS
from ingest.store.schema import StoreError, open_database

FIXTURE = ROOT / "tests" / "data" / "seeds-schema3.db.gz"


@pytest.fixture
def schema3_archive(tmp_path):
    path = tmp_path / "old.db"
    with gzip.open(FIXTURE) as packed, path.open("wb") as unpacked:
        shutil.copyfileobj(packed, unpacked)
    return path


def rows(path, table, leave_out=("ingested_at",), keep=None):
    connection = sqlite3.connect(path)
    columns = [
        row[1]
        for row in connection.execute(f"pragma table_info([{table}])")
        if row[1] not in leave_out and (keep is None or row[1] in keep)
    ]
    order = ", ".join(str(i + 1) for i in range(len(columns)))
    found = connection.execute(f"select {', '.join(columns)} from [{table}] order by {order}").fetchall()
    connection.close()
    return columns, found


def test_the_fixture_is_a_schema_3_archive(schema3_archive):
    connection = sqlite3.connect(schema3_archive)
    assert connection.execute("pragma user_version").fetchone()[0] == 3
    assert "mentions" not in [row[1] for row in connection.execute("pragma table_info(entities)")]
    assert connection.execute("select count(*) from articles").fetchone()[0] == 5


def test_a_schema_3_archive_is_migrated_in_place(schema3_archive):
    db = open_database(str(schema3_archive))
    assert [m.name for m in MIGRATIONS.applied(db)] == [m.name for m in MIGRATIONS._migrations]
    stored = dict(db.execute("select id, mentions from entities"))
    counted = dict(db.execute("select entity_id, count(*) from mentions group by entity_id"))
    assert stored == {entity: counted.get(entity, 0) for entity in stored} and sum(stored.values()) == 255
    assert "idx_articles_language" in {index.name for index in db["articles"].indexes}
    assert {"published_from", "published_stated"} <= set(db["articles"].columns_dict)  # 0007
    db.close()


def test_migrating_keeps_every_stored_row(schema3_archive, tmp_path):
    original = tmp_path / "original.db"
    shutil.copy(schema3_archive, original)
    open_database(str(schema3_archive)).close()
    tables = [
        name
        for (name,) in sqlite3.connect(original).execute(
            "select name from sqlite_master where type = 'table' and name not like '%fts%' and name not like 'sqlite%'"
        )
    ]
    assert {"articles", "entities", "mentions", "passage_members"} <= set(tables)
    for table in tables:
        columns, before = rows(original, table, leave_out=())
        connection = sqlite3.connect(schema3_archive)
        after = connection.execute(
            f"select {', '.join(columns)} from [{table}] order by {', '.join(str(i + 1) for i in range(len(columns)))}"
        ).fetchall()
        connection.close()
        assert after == before, table


@pytest.mark.slow  # a subprocess ingest
def test_a_migrated_archive_takes_the_next_ingest_like_a_fresh_one(schema3_archive, seeds_db):
    """Articles whose pipeline version changed since are re-built; the archive then holds what a
    fresh ingest holds (ids aside: re-written sentences get new ones)."""
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", "seeds", "--db", str(schema3_archive)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "0 new" in result.stdout and "0 failed" in result.stdout
    for table, columns in {
        "articles": ("id", "title", "outlet", "published", "published_from", "body", "sentence_count"),
        "sentences": ("article_id", "position", "text", "stemmed"),
        "entities": ("key", "name", "type", "wikidata", "mentions"),
        "places": ("name", "latitude", "longitude", "mentions"),
    }.items():
        assert rows(schema3_archive, table, keep=columns) == rows(seeds_db, table, keep=columns), table


def test_opening_a_current_archive_applies_nothing_again(tmp_path):
    path = str(tmp_path / "new.db")
    open_database(path).close()
    db = open_database(path)
    assert len(MIGRATIONS.applied(db)) == len(MIGRATIONS._migrations)
    assert MIGRATIONS.pending(db) == []
    db.close()


def test_an_archive_from_before_migrations_is_refused_by_name(tmp_path):
    path = tmp_path / "ancient.db"
    old = sqlite3.connect(path)
    old.execute("create table articles (id text primary key)")
    old.close()
    with pytest.raises(StoreError, match="ancient.db: built by an early version"):
        open_database(str(path))
