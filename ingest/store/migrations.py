"""What turns an archive built by an earlier release into the current shape (`schema.py`) in
place, instead of a re-ingest (at 100,000 articles an hour).

sqlite-utils `Migrations`, recorded in `_sqlite_migrations`. They only transform old
archives: a new archive is created in the current shape with every migration recorded as
applied, and after the pending ones run on an old archive `schema.ensure_shape` creates what
it still lacks (the indexes on the columns they add) from the current definitions. A
migration creates only what it must fill or redefine, and from those same definitions, so
the schema is written once. Each one checks before it changes (a column is added only when
missing), so that it stays right on an archive at any later state.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from ingest.store.articles import refresh_desk_counts
from ingest.store.schema import DESK_COUNTS, VIEWS, statements

MIGRATIONS = Migrations("newsarchive")


@MIGRATIONS(name="0004_entity_mention_counts")
def _entity_mention_counts(db: sqlite_utils.Database) -> None:
    """`entities.mentions`, kept by `save_article` like `places.mentions`, so that the entities
    table sorts by how often each is mentioned without counting `mentions`."""
    if "mentions" not in db["entities"].columns_dict:
        db.execute("ALTER TABLE entities ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0")
    db.execute("""UPDATE entities SET mentions = (SELECT count(*) FROM mentions WHERE entity_id = entities.id)""")


@MIGRATIONS(name="0005_article_author")
def _article_author(db: sqlite_utils.Database) -> None:
    """`articles.author`: the byline HTML pages, WARC captures, JSON and CSV records state."""
    if "author" not in db["articles"].columns_dict:
        db.execute("ALTER TABLE articles ADD COLUMN author TEXT")


@MIGRATIONS(name="0006_desk_counts")
def _desk_counts(db: sqlite_utils.Database) -> None:
    """The counts kept as articles are written (`schema.DESK_COUNTS`), counted from the
    mentions the archive holds; and `entity_names` redefined to read the spellings from
    `entity_spellings` instead of scanning the mentions (the same rows, with an index
    behind them)."""
    db.execute("DROP VIEW IF EXISTS entity_names")
    for statement in statements(DESK_COUNTS + VIEWS):
        db.execute(statement)
    refresh_desk_counts(db)


@MIGRATIONS(name="0007_published_provenance")
def _published_provenance(db: sqlite_utils.Database) -> None:
    """`articles.published_from` (where the date came from: the source, the URL, a publication
    line or the lead's report date) and `articles.published_stated` (the source's own date where
    the archive corrected it: a day and month a spreadsheet swapped). Articles stored before it
    have neither until they are re-built (the pipeline version changed with it)."""
    columns = db["articles"].columns_dict
    for column in ("published_from", "published_stated"):
        if column not in columns:
            db.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT")
