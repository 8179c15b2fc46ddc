"""The archive's shape: each stage's tables put together, and older archives migrated.

`store.py` and `passages.py` each define the tables they write (`SCHEMA`); `ensure_schema`
creates whatever is missing and applies the migrations below, so an archive built by an
earlier release is upgraded in place instead of re-ingested (at 100,000 articles a
re-ingest is an hour). Migrations are sqlite-utils `Migrations`, recorded in
`_sqlite_migrations`; each one is idempotent against the current schema, so a new archive
(created in the current shape) records them without changing anything.

Archives from before schema 3 (newsarchive 0.1.0 before migrations) are refused by name.
"""

from __future__ import annotations

import os
import sqlite3

import sqlite_utils
from sqlite_utils import Migrations

from ingest.store import articles as store
from ingest.store import passages
from ingest.store.articles import StoreError

BASELINE_VERSION = 3  # the oldest archive that is migrated: PRAGMA user_version of the last unmigrated release
MIGRATIONS = Migrations("newsarchive")


@MIGRATIONS(name="0004_entity_mention_counts")
def _entity_mention_counts(db: sqlite_utils.Database) -> None:
    """`entities.mentions`, kept by `save_article` like `places.mentions`, so that the entities
    table sorts by how often each is mentioned without counting `mentions`; and an index
    for the `language` facet on articles."""
    if "mentions" not in db["entities"].columns_dict:
        db.execute("ALTER TABLE entities ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0")
    db.execute("""UPDATE entities SET mentions = (SELECT count(*) FROM mentions WHERE entity_id = entities.id)""")
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_language ON articles(language)")
    db.execute("CREATE INDEX IF NOT EXISTS idx_entities_mentions ON entities(mentions)")


@MIGRATIONS(name="0005_article_author")
def _article_author(db: sqlite_utils.Database) -> None:
    """`articles.author`: the byline HTML pages, WARC captures, JSON and CSV records state (issue 14)."""
    if "author" not in db["articles"].columns_dict:
        db.execute("ALTER TABLE articles ADD COLUMN author TEXT")


@MIGRATIONS(name="0006_desk_counts")
def _desk_counts(db: sqlite_utils.Database) -> None:
    """Counts kept as articles are written, so that the entity page, its chart, the timeline's
    chart and a look-up of an entity by a spelling never read every row (at 100,000 articles
    12M mentions, which `entity_names` scanned for every look-up, and 1.3M dated mentions):
    `entity_dates` (mentions and articles per entity and publication date) and
    `entity_spellings` (mentions per entity and spelling), kept by `store.save_desk_counts`;
    `dated_months` (dated mentions per month they begin in), kept by two triggers on
    `dated_mentions` (13 rows an article). `entity_names` is redefined to read the spellings
    from `entity_spellings`: the same rows, with an index behind them."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS entity_dates (
            entity_id INTEGER NOT NULL,
            published TEXT NOT NULL, -- publication date of the articles counted, empty for none
            mentions INTEGER NOT NULL,
            articles INTEGER NOT NULL,
            PRIMARY KEY (entity_id, published)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS entity_spellings (
            entity_id INTEGER NOT NULL,
            surface TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            PRIMARY KEY (entity_id, surface)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS idx_entity_spellings_surface ON entity_spellings(surface COLLATE NOCASE);
        CREATE TABLE IF NOT EXISTS dated_months (
            month TEXT PRIMARY KEY, -- YYYY-MM of the dated mentions counted
            events INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER IF NOT EXISTS dated_months_ai AFTER INSERT ON dated_mentions
        WHEN new.date_start IS NOT NULL BEGIN
            INSERT INTO dated_months (month, events) VALUES (substr(new.date_start, 1, 7), 1)
            ON CONFLICT (month) DO UPDATE SET events = events + 1;
        END;
        CREATE TRIGGER IF NOT EXISTS dated_months_ad AFTER DELETE ON dated_mentions
        WHEN old.date_start IS NOT NULL BEGIN
            UPDATE dated_months SET events = events - 1 WHERE month = substr(old.date_start, 1, 7);
        END;
        DROP VIEW IF EXISTS entity_names;
        CREATE VIEW entity_names AS
            SELECT id AS entity_id, CAST(id AS TEXT) AS term FROM entities
            UNION ALL SELECT id, key FROM entities
            UNION ALL SELECT id, wikidata FROM entities WHERE wikidata IS NOT NULL
            UNION ALL SELECT id, name FROM entities
            UNION ALL SELECT entity_id, surface FROM entity_spellings;
        """
    )
    store.refresh_desk_counts(db)


@MIGRATIONS(name="0007_published_provenance")
def _published_provenance(db: sqlite_utils.Database) -> None:
    """`articles.published_from` (where the date came from: the source, the URL, a publication
    line or the lead's report date) and `articles.published_stated` (the source's own date where
    the archive corrected it: a day and month a spreadsheet swapped, issue 22). Articles stored
    before it have neither until they are re-built (the pipeline version changed with it)."""
    columns = db["articles"].columns_dict
    for column in ("published_from", "published_stated"):
        if column not in columns:
            db.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT")


def ensure_schema(db: sqlite_utils.Database, path: str) -> None:
    """Create the tables that are missing and migrate an older archive; write nothing when
    the archive is already current (a write on every open would be a commit readers see)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    existing = db["articles"].exists()
    if existing and version < BASELINE_VERSION:
        raise StoreError(
            f"{path}: built by an early version of newsarchive (schema {version}, migrations start "
            f"at {BASELINE_VERSION}); ingest into a new database file"
        )
    if existing:
        MIGRATIONS.apply(db)  # first: the CREATE statements below may index columns a migration adds
    db.executescript(store.SCHEMA + passages.SCHEMA)
    if not existing:
        MIGRATIONS.apply(db)
    if version != BASELINE_VERSION:
        db.execute(f"PRAGMA user_version = {BASELINE_VERSION}")  # later versions are recorded as migrations


def open_database(path: str) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database in the current shape."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        _create(path)
    return _open(path)


def _open(path: str) -> sqlite_utils.Database:
    try:
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # with WAL: a killed process loses nothing committed
        ensure_schema(db, path)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: not an archive database ({error})") from error
    store.create_fts(db)
    return db


def _create(path: str) -> None:
    """Build a new archive's tables under a temporary name and rename it into place, so that a
    process killed while making them never leaves a half-made archive (tables without FTS)."""
    temporary = f"{path}.new"
    for leftover in (temporary, f"{temporary}-wal", f"{temporary}-shm"):
        if os.path.exists(leftover):
            os.remove(leftover)
    _open(temporary).close()  # the last connection's close checkpoints and removes the WAL
    os.replace(temporary, path)
