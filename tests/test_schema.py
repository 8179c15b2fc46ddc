"""ingest/store/schema.py is the archive's shape in one place: a new archive is made from its
definitions and holds nothing else, and the oldest archive the migrations take ends up with
the same tables, indexes, triggers and views as a new one."""

import re
import sqlite3
from contextlib import closing

from test_migrations import schema3_archive  # noqa: F401 (a fixture)

from ingest.store import schema
from ingest.store.schema import open_database

MADE_BY_SQLITE = re.compile(
    r"^(sqlite_.*|.*_fts_(data|idx|docsize|config)|_sqlite_migrations|idx__sqlite_migrations_.*)$"
)


def normalised(sql: str | None) -> str | None:
    """A definition as SQLite keeps it, without comments and with spacing made uniform: a
    column added by ALTER TABLE is appended to the stored text with spacing of its own."""
    if sql is None:
        return None
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r"\s+", " ", sql)
    return re.sub(r" ?([(),]) ?", r"\1", sql).strip()


def shape(path) -> list[tuple]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute("select name, type, tbl_name, sql from sqlite_master").fetchall()
    return sorted((name, kind, table, normalised(sql)) for name, kind, table, sql in rows)


def test_a_migrated_archive_has_the_shape_of_a_new_one(schema3_archive, tmp_path):  # noqa: F811
    fresh = tmp_path / "new.db"
    open_database(str(fresh)).close()
    open_database(str(schema3_archive)).close()
    assert shape(schema3_archive) == shape(fresh)


def test_a_new_archive_holds_what_schema_defines_and_nothing_else(tmp_path):
    scripts = [schema.ARTICLE_TABLES, schema.PASSAGE_TABLES, schema.DESK_COUNTS, schema.VIEWS]
    scripts += [schema.fts_definition(table) for table in schema.FTS_TABLES]
    defined = {
        match[1]
        for script in scripts
        for match in re.finditer(r'CREATE (?:VIRTUAL )?(?:TABLE|INDEX|TRIGGER|VIEW) IF NOT EXISTS "?(\w+)', script)
    }
    path = tmp_path / "new.db"
    open_database(str(path)).close()
    held = {name for name, *_ in shape(path) if not MADE_BY_SQLITE.match(name)}
    assert held == defined


def test_every_definition_is_one_statement_that_can_run_again(tmp_path):
    """`ensure_shape` runs them on every open of an existing archive: each must be IF NOT EXISTS."""
    path = tmp_path / "new.db"
    db = open_database(str(path))
    for script in (schema.ARTICLE_TABLES, schema.PASSAGE_TABLES, schema.DESK_COUNTS, schema.VIEWS):
        for statement in schema.statements(script):
            assert "IF NOT EXISTS" in statement.split("(")[0].split(" AS")[0], statement
            db.execute(statement)
    db.close()
