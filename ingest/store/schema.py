"""The archive's shape: every table, index, full-text index, trigger and view a current
archive holds, defined here and nowhere else, and the opening of an archive in that shape.

A new archive is created from these definitions directly, with every migration recorded as
applied (`migrations.py`); an archive built by an earlier release is brought to them by the
migrations, which only transform what an older archive holds (a column added, counts filled,
a view redefined), and then by these definitions run with IF NOT EXISTS, which create
whatever it lacks and write nothing to a current archive (a write on every open would be a
commit readers see). Archives from before schema 3 (newsarchive 0.1.0 before migrations)
are refused by name.

The definitions are in the order the archive grew: the article tables (`articles.py` writes
them), the passage tables (`passages.py`), then, after the migrations' record, the counts
kept as articles are written, the view and the full-text indexes. A new archive is created
in that order, so it lists its tables as an upgraded one does (the README's schema table
follows it).

The schema is the researchers' contract (README, "Schema"): offsets in `sentences` point
into `articles.body`, offsets in `mentions` point into `sentences.text`.
"""

from __future__ import annotations

import datetime
import os
import sqlite3

import sqlite_utils

BASELINE_VERSION = 3  # the oldest archive that is migrated: PRAGMA user_version of the last unmigrated release


class StoreError(Exception):
    """The database cannot be opened or written."""


# What an `Article` fills (`articles.save_article` writes, `articles.delete_article` deletes).
ARTICLE_TABLES = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT,
    title_from TEXT,
    outlet TEXT,
    published TEXT,
    language TEXT,
    body TEXT NOT NULL,
    raw TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    format TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    sentence_count INTEGER NOT NULL,
    mention_count INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    author TEXT, -- from here on: archives from before them get them by migrations 0005 and 0007, at the end
    published_from TEXT, -- where published came from: source, url, date_line or report_date
    published_stated TEXT -- the date the source stated, when published corrects it (a day-month swap)
);
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: passages.py indexes sentences above a mark
    article_id TEXT NOT NULL REFERENCES articles(id),
    position INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    stemmed TEXT NOT NULL,
    section TEXT NOT NULL,
    UNIQUE (article_id, position)
);
CREATE TABLE IF NOT EXISTS entities (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('person', 'organization', 'place')),
    wikidata TEXT,
    mentions INTEGER NOT NULL DEFAULT 0 -- kept by save_article, so a sort by mentions never counts the mentions table
);
CREATE TABLE IF NOT EXISTS mentions (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id),
    article_id TEXT NOT NULL REFERENCES articles(id),
    sentence_id INTEGER NOT NULL REFERENCES sentences(id),
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    surface TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS places (
    entity_id INTEGER PRIMARY KEY REFERENCES entities(id),
    name TEXT NOT NULL,
    latitude REAL,
    longitude REAL,
    country_code TEXT,
    kind TEXT NOT NULL,
    geonames_id INTEGER,
    population INTEGER,
    mentions INTEGER NOT NULL DEFAULT 0 -- kept by save_article, so the map never counts the mentions table
);
CREATE TABLE IF NOT EXISTS furniture (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    raw_start INTEGER NOT NULL,
    raw_end INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    sentence_id INTEGER NOT NULL REFERENCES sentences(id),
    speaker_id INTEGER REFERENCES entities(id),
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'reported')),
    cue TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dated_mentions (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id),
    sentence_id INTEGER NOT NULL REFERENCES sentences(id),
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    surface TEXT NOT NULL,
    date_start TEXT,
    date_end TEXT,
    granularity TEXT NOT NULL,
    relative INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_dated_mentions_article_id ON dated_mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_dated_mentions_sentence_id ON dated_mentions(sentence_id);
CREATE INDEX IF NOT EXISTS idx_dated_mentions_date_start ON dated_mentions(date_start);
CREATE INDEX IF NOT EXISTS idx_quotes_article_id ON quotes(article_id);
CREATE INDEX IF NOT EXISTS idx_quotes_sentence_id ON quotes(sentence_id);
CREATE INDEX IF NOT EXISTS idx_quotes_speaker_id ON quotes(speaker_id);
CREATE INDEX IF NOT EXISTS idx_sentences_article_id ON sentences(article_id);
CREATE INDEX IF NOT EXISTS idx_mentions_entity_id ON mentions(entity_id);
CREATE INDEX IF NOT EXISTS idx_mentions_article_id ON mentions(article_id);
CREATE INDEX IF NOT EXISTS idx_mentions_sentence_id ON mentions(sentence_id);
CREATE INDEX IF NOT EXISTS idx_furniture_article_id ON furniture(article_id);
CREATE INDEX IF NOT EXISTS idx_entities_type ON entities(type);
CREATE INDEX IF NOT EXISTS idx_articles_outlet ON articles(outlet);
CREATE INDEX IF NOT EXISTS idx_articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS idx_articles_language ON articles(language);
CREATE INDEX IF NOT EXISTS idx_entities_mentions ON entities(mentions);
"""

# Passages shared across outlets (`passages.update_passages` writes them).
PASSAGE_TABLES = """
-- Band rows are looked up by band only; rows of deleted sentences are skipped at look-up and swept after re-written articles.
CREATE TABLE IF NOT EXISTS passage_bands (
    band INTEGER NOT NULL,
    sentence_id INTEGER NOT NULL,
    PRIMARY KEY (band, sentence_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passage_wordings (
    hash INTEGER PRIMARY KEY, -- of the normalised sentence: word-for-word copies skip the bands
    sentence_id INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS passage_progress (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_sentence_id INTEGER NOT NULL,
    clusters_built INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS passage_pairs (
    sentence_a INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    sentence_b INTEGER NOT NULL REFERENCES sentences(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    PRIMARY KEY (sentence_a, sentence_b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_passage_pairs_sentence_b ON passage_pairs(sentence_b);
CREATE TABLE IF NOT EXISTS passage_clusters (
    id INTEGER PRIMARY KEY,
    sentences INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    outlets INTEGER NOT NULL,
    outlet_names TEXT NOT NULL,
    earliest TEXT,
    sample_sentence_id INTEGER,
    sample TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passage_members (
    sentence_id INTEGER NOT NULL UNIQUE REFERENCES sentences(id) ON DELETE CASCADE,
    cluster_id INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    outlet TEXT,
    published TEXT
);
CREATE INDEX IF NOT EXISTS idx_passage_members_cluster_id ON passage_members(cluster_id);
CREATE INDEX IF NOT EXISTS idx_passage_members_article_id ON passage_members(article_id);
CREATE TABLE IF NOT EXISTS article_bands (
    band INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_article_bands_article_id ON article_bands(article_id);
CREATE TABLE IF NOT EXISTS article_copies (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    copy_of TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,
    containment REAL NOT NULL,
    shared_sentences INTEGER NOT NULL,
    PRIMARY KEY (article_id, copy_of)
);
CREATE INDEX IF NOT EXISTS idx_article_copies_copy_of ON article_copies(copy_of);
"""

# Counts kept as articles are written, so that the entity page, its chart, the timeline's
# chart and a look-up of an entity by a spelling never read every row (at 100,000 articles
# 12M mentions and 1.3M dated mentions): `entity_dates` and `entity_spellings`, kept by
# `articles.save_desk_counts`; `dated_months`, kept by two triggers on `dated_mentions`.
DESK_COUNTS = """
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
"""

# Every way a researcher may name an entity: id, key, Wikidata id, name, or a spelling the
# articles use ("Moskow"). The canned queries look entities up through it; the spellings come
# from `entity_spellings`, which has an index, not from the mentions.
VIEWS = """
CREATE VIEW IF NOT EXISTS entity_names AS
    SELECT id AS entity_id, CAST(id AS TEXT) AS term FROM entities
    UNION ALL SELECT id, key FROM entities
    UNION ALL SELECT id, wikidata FROM entities WHERE wikidata IS NOT NULL
    UNION ALL SELECT id, name FROM entities
    UNION ALL SELECT entity_id, surface FROM entity_spellings;
"""

# Full-text indexes (FTS5, external content) kept in sync by triggers. The tokenizer folds
# diacritics, so that "Moskva" finds "Moskvá".
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
FTS_TABLES = {"articles": ["title", "body"], "sentences": ["text", "stemmed"]}


def fts_definition(table: str) -> str:
    """The full-text index of `table` and the three triggers that keep it in sync, as
    sqlite-utils' `enable_fts` writes them (archives made by earlier releases hold these)."""
    columns = ", ".join(f'"{column}"' for column in FTS_TABLES[table])
    new = ", ".join(f'new."{column}"' for column in FTS_TABLES[table])
    old = ", ".join(f'old."{column}"' for column in FTS_TABLES[table])
    fts = f'"{table}_fts"'
    remove = f"INSERT INTO {fts} ({fts}, rowid, {columns}) VALUES('delete', old.rowid, {old});"
    add = f"INSERT INTO {fts} (rowid, {columns}) VALUES (new.rowid, {new});"
    return f"""
CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING FTS5 (
    {columns},
    tokenize='{FTS_TOKENIZE}',
    content="{table}"
);
CREATE TRIGGER IF NOT EXISTS "{table}_ai" AFTER INSERT ON "{table}" BEGIN
  {add}
END;
CREATE TRIGGER IF NOT EXISTS "{table}_ad" AFTER DELETE ON "{table}" BEGIN
  {remove}
END;
CREATE TRIGGER IF NOT EXISTS "{table}_au" AFTER UPDATE ON "{table}" BEGIN
  {remove}
  {add}
END;
"""


def statements(script: str) -> list[str]:
    """The statements of `script`, one by one (a trigger's body holds semicolons of its own),
    so that they run inside the caller's transaction, which `executescript` would commit."""
    found, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            found.append(current.strip())
            current = ""
    return found


def open_database(path: str) -> sqlite_utils.Database:
    """Open (creating if needed) an archive database in the current shape."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        _create(path)
    return _open(path)


def ensure_shape(db: sqlite_utils.Database, path: str) -> None:
    """Create a new archive in the current shape, or bring an older one to it: its pending
    migrations, then whatever it lacks. Writes nothing when the archive is already current."""
    from ingest.store.migrations import MIGRATIONS  # here: the migrations build on articles.py, which builds on this

    version = db.execute("PRAGMA user_version").fetchone()[0]
    if not db["articles"].exists():
        db.executescript(ARTICLE_TABLES + PASSAGE_TABLES)
        MIGRATIONS.ensure_migrations_table(db)
        applied_at = str(datetime.datetime.now(datetime.UTC))  # as sqlite-utils records an applied one
        db.table(MIGRATIONS.migrations_table).insert_all(
            {"migration_set": MIGRATIONS.name, "name": migration.name, "applied_at": applied_at}
            for migration in MIGRATIONS.pending(db)
        )
        db.executescript(DESK_COUNTS + VIEWS + "".join(fts_definition(table) for table in FTS_TABLES))
    elif version < BASELINE_VERSION:
        raise StoreError(
            f"{path}: built by an early version of newsarchive (schema {version}, migrations start "
            f"at {BASELINE_VERSION}); ingest into a new database file"
        )
    else:
        MIGRATIONS.apply(db)
        db.executescript(ARTICLE_TABLES + PASSAGE_TABLES + DESK_COUNTS + VIEWS)
        create_fts(db)
    if version != BASELINE_VERSION:
        db.execute(f"PRAGMA user_version = {BASELINE_VERSION}")  # later versions are recorded as migrations


def create_fts(db: sqlite_utils.Database) -> None:
    """Make each full-text index that is missing or lacks a trigger again, filled from its
    table, in one transaction. Releases that created an archive in place made an index and its
    triggers in separate steps, and a process killed between them left an index that misses
    every article written since; bench/scale_archive.py drops the indexes to copy rows fast
    and has them made again here."""
    present = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    for table in FTS_TABLES:
        if {f"{table}_fts", f"{table}_ai", f"{table}_ad", f"{table}_au"} <= present:
            continue
        with db.atomic():
            for suffix in ("_ai", "_ad", "_au"):
                db.execute(f'DROP TRIGGER IF EXISTS "{table}{suffix}"')
            db.execute(f'DROP TABLE IF EXISTS "{table}_fts"')
            for statement in statements(fts_definition(table)):
                db.execute(statement)
            db.execute(f'INSERT INTO "{table}_fts" ("{table}_fts") VALUES (\'rebuild\')')


def _open(path: str) -> sqlite_utils.Database:
    try:
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # with WAL: a killed process loses nothing committed
        ensure_shape(db, path)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"{path}: not an archive database ({error})") from error
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
