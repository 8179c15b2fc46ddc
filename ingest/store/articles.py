"""The article tables: their definitions, and one transaction per article.

This module owns (defines, writes and deletes) the tables an `Article` fills: articles,
sentences, entities, mentions, places, quotes, dated_mentions, furniture, and their FTS
indexes. `passages.py` owns the passage tables; `schema.ensure_schema` puts both together
and migrates older archives. The schema is the researchers' contract (README, "Schema"):
offsets in `sentences` point into `articles.body`, offsets in `mentions` point into
`sentences.text`.
"""

from __future__ import annotations

import hashlib
import sqlite3

import sqlite_utils

from ingest.models import Article, Entity
from ingest.store.passages import forget_article

SCHEMA = """
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
-- Every way a researcher may name an entity: id, key, Wikidata id, name, or a spelling the
-- articles use ("Moskow"). The canned queries look entities up through it.
CREATE VIEW IF NOT EXISTS entity_names AS
    SELECT id AS entity_id, CAST(id AS TEXT) AS term FROM entities
    UNION ALL SELECT id, key FROM entities
    UNION ALL SELECT id, wikidata FROM entities WHERE wikidata IS NOT NULL
    UNION ALL SELECT id, name FROM entities
    UNION ALL SELECT DISTINCT entity_id, surface FROM mentions;
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

# Folds diacritics so that "Moskva" finds "Moskvá"; FTS5 tables are kept in sync by triggers.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"
FTS_TABLES = {"articles": ["title", "body"], "sentences": ["text", "stemmed"]}


class StoreError(Exception):
    """The database cannot be opened or written."""


def stored_hash(db: sqlite_utils.Database, article_id: str) -> str | None:
    row = db.execute("SELECT content_hash FROM articles WHERE id = ?", [article_id]).fetchone()
    return row[0] if row else None


def save_article(db: sqlite_utils.Database, article: Article, ingested_at: str) -> None:
    """Replace one article, its sentences, mentions and furniture, in one transaction.

    Every sentence must carry its stems (`Sentence.stemmed`, set by the build). A failure
    anywhere rolls the whole article back, so the database is as it was before this article.
    """
    unstemmed = [s.position for s in article.sentences if s.stemmed is None]
    if unstemmed:
        raise ValueError(
            f"{article.source}: sentences {unstemmed[:5]} have no stems; build articles with build_article"
        )
    conn = db.conn
    with conn:  # BEGIN ... COMMIT, or ROLLBACK on any exception
        _delete_article_rows(conn, article.id)
        conn.execute(
            """INSERT OR REPLACE INTO articles (id, title, title_from, outlet, published, language, body,
               raw, source, url, format, content_hash, sentence_count, mention_count, ingested_at, author,
               published_from, published_stated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                article.id,
                article.title,
                article.title_from,
                article.outlet,
                article.published,
                article.language,
                article.body,
                article.raw,
                article.source,
                article.url,
                article.format,
                article.content_hash,
                len(article.sentences),
                len(article.mentions),
                ingested_at,
                article.author,
                article.published_from,
                article.published_stated,
            ],
        )
        sentence_ids = {}
        for sentence in article.sentences:
            cursor = conn.execute(
                """INSERT INTO sentences (article_id, position, char_start, char_end, text, stemmed, section)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    article.id,
                    sentence.position,
                    sentence.char_start,
                    sentence.char_end,
                    sentence.text,
                    sentence.stemmed,
                    sentence.section,
                ],
            )
            sentence_ids[sentence.position] = cursor.lastrowid
        entity_ids: dict[str, int] = {}
        for mention in article.mentions:
            entity_id = entity_ids.get(mention.entity.key)
            if entity_id is None:
                entity_id = entity_ids[mention.entity.key] = _upsert_entity(conn, mention.entity)
            conn.execute(
                """INSERT INTO mentions (entity_id, article_id, sentence_id, char_start, char_end, surface)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                [
                    entity_id,
                    article.id,
                    sentence_ids[mention.sentence_position],
                    mention.char_start,
                    mention.char_end,
                    mention.surface,
                ],
            )
        _count_mentions(conn, article.id, 1)
        for quote in article.quotes:
            speaker = quote.speaker
            speaker_id = None if speaker is None else entity_ids.get(speaker.key) or _upsert_entity(conn, speaker)
            conn.execute(
                """INSERT INTO quotes (article_id, sentence_id, speaker_id, kind, cue, char_start, char_end, text)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    article.id,
                    sentence_ids[quote.sentence_position],
                    speaker_id,
                    quote.kind,
                    quote.cue,
                    quote.char_start,
                    quote.char_end,
                    quote.text,
                ],
            )
        conn.executemany(
            """INSERT INTO dated_mentions (article_id, sentence_id, char_start, char_end, surface, date_start,
               date_end, granularity, relative) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                [
                    article.id,
                    sentence_ids[d.sentence_position],
                    d.char_start,
                    d.char_end,
                    d.surface,
                    d.date_start,
                    d.date_end,
                    d.granularity,
                    int(d.relative),
                ]
                for d in article.dates
            ],
        )
        conn.executemany(
            "INSERT INTO furniture (article_id, kind, text, raw_start, raw_end) VALUES (?, ?, ?, ?, ?)",
            [[article.id, f.kind, f.text, f.raw_start, f.raw_end] for f in article.furniture],
        )


def _count_mentions(conn: sqlite3.Connection, article_id: str, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the article's mentions from its entities' and
    places' counts."""
    counted = "(SELECT entity_id, count(*) AS n FROM mentions WHERE article_id = ? GROUP BY entity_id) AS counted"
    conn.execute(
        f"""UPDATE entities SET mentions = entities.mentions + ? * counted.n FROM {counted}
                     WHERE entities.id = counted.entity_id""",
        [sign, article_id],
    )
    conn.execute(
        f"""UPDATE places SET mentions = places.mentions + ? * counted.n FROM {counted}
                     WHERE places.entity_id = counted.entity_id""",
        [sign, article_id],
    )
    save_desk_counts(conn, article_id, sign)


def save_desk_counts(conn: sqlite3.Connection, article_id: str, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the article's mentions from `entity_dates` (mentions
    and articles per entity and publication date, '' for none) and `entity_spellings` (mentions
    per entity and spelling), the counts the entity page, its chart and every look-up of an
    entity by name read instead of the mentions table (migration 0006, ingest/store/schema.py). Rows
    counted down to nothing are deleted."""
    dated = "(SELECT coalesce(published, '') FROM articles WHERE id = :article)"
    conn.execute(
        f"""INSERT INTO entity_dates (entity_id, published, mentions, articles)
            SELECT entity_id, {dated}, :sign * count(*), :sign FROM mentions WHERE article_id = :article
            GROUP BY entity_id
            ON CONFLICT (entity_id, published) DO UPDATE
            SET mentions = mentions + excluded.mentions, articles = articles + excluded.articles""",
        {"sign": sign, "article": article_id},
    )
    conn.execute(
        """INSERT INTO entity_spellings (entity_id, surface, mentions)
           SELECT entity_id, surface, :sign * count(*) FROM mentions WHERE article_id = :article
           GROUP BY entity_id, surface
           ON CONFLICT (entity_id, surface) DO UPDATE SET mentions = mentions + excluded.mentions""",
        {"sign": sign, "article": article_id},
    )
    if sign < 0:
        conn.execute(
            f"""DELETE FROM entity_dates WHERE mentions <= 0 AND published = {dated}
                AND entity_id IN (SELECT entity_id FROM mentions WHERE article_id = :article)""",
            {"article": article_id},
        )
        conn.execute(
            """DELETE FROM entity_spellings WHERE mentions <= 0
               AND (entity_id, surface) IN (SELECT entity_id, surface FROM mentions WHERE article_id = :article)""",
            {"article": article_id},
        )


def refresh_desk_counts(db: sqlite_utils.Database) -> None:
    """`entity_dates`, `entity_spellings` and `dated_months` counted again from the mentions
    (migration 0006 on an older archive, bench/scale_archive.py on a replicated one)."""
    with db.atomic():  # a savepoint inside a migration's transaction
        db.execute("DELETE FROM entity_dates")
        db.execute(
            """INSERT INTO entity_dates (entity_id, published, mentions, articles)
               SELECT m.entity_id, coalesce(a.published, ''), count(*), count(DISTINCT m.article_id)
               FROM mentions m JOIN articles a ON a.id = m.article_id GROUP BY 1, 2"""
        )
        db.execute("DELETE FROM entity_spellings")
        db.execute(
            """INSERT INTO entity_spellings (entity_id, surface, mentions)
               SELECT entity_id, surface, count(*) FROM mentions GROUP BY 1, 2"""
        )
        db.execute("DELETE FROM dated_months")
        db.execute(
            """INSERT INTO dated_months (month, events) SELECT substr(date_start, 1, 7), count(*)
               FROM dated_mentions WHERE date_start IS NOT NULL GROUP BY 1"""
        )


def _delete_article_rows(conn: sqlite3.Connection, article_id: str) -> None:
    _count_mentions(conn, article_id, -1)
    conn.execute("DELETE FROM quotes WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM dated_mentions WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM mentions WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM sentences WHERE article_id = ?", [article_id])
    conn.execute("DELETE FROM furniture WHERE article_id = ?", [article_id])
    forget_article(conn, article_id)  # the passage tables' rows of this article, by their owner


def entity_id(key: str, attempt: int = 0) -> int:
    """An entity's id, made from its key, so that one key has one id in every database (the
    partitions of an archive, ingest/store/partitions.py): 52 bits of the key's SHA-1 (exact as a
    JavaScript number). `attempt` > 0 gives the next candidates after a collision."""
    salted = key if attempt == 0 else f"{key}\x00{attempt}"
    return int.from_bytes(hashlib.sha1(salted.encode("utf-8")).digest()[:8], "big") >> 12


def _upsert_entity(conn: sqlite3.Connection, entity: Entity) -> int:
    for attempt in range(8):  # a second key with the same 52 bits (about 1 in 10^4 at 10^6 entities) takes the next
        try:
            (stored_id,) = conn.execute(
                """INSERT INTO entities (id, key, name, type, wikidata) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT(key) DO UPDATE SET wikidata = coalesce(excluded.wikidata, wikidata)
                   RETURNING id""",
                [entity_id(entity.key, attempt), entity.key, entity.name, entity.type, entity.wikidata],
            ).fetchone()
            break
        except sqlite3.IntegrityError as error:
            if "entities.id" not in str(error):
                raise
            continue  # the id belongs to another key: try the next candidate
    else:
        raise StoreError(f"{entity.key}: no free entity id")
    place = entity.place
    if place is not None:
        conn.execute(
            """INSERT INTO places (entity_id, name, latitude, longitude, country_code, kind, geonames_id, population)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(entity_id) DO UPDATE SET name = excluded.name, latitude = excluded.latitude,
                   longitude = excluded.longitude, country_code = excluded.country_code, kind = excluded.kind,
                   geonames_id = excluded.geonames_id, population = excluded.population""",
            [
                stored_id,
                entity.name,
                place.latitude,
                place.longitude,
                place.country_code,
                place.kind,
                place.geonames_id,
                place.population,
            ],
        )
    return stored_id


def delete_article(db: sqlite_utils.Database, article_id: str) -> bool:
    """Remove one article and all its rows in one transaction (an article whose date moved it
    to another partition of an archive); False when there was none."""
    with db.conn:
        _delete_article_rows(db.conn, article_id)
        return db.conn.execute("DELETE FROM articles WHERE id = ?", [article_id]).rowcount > 0


def remove_orphan_entities(db: sqlite_utils.Database) -> int:
    """Delete entities (and their places) that no mention refers to any more."""
    with db.conn:
        # NOT EXISTS probes the entity_id and speaker_id indexes: no scan of mentions.
        orphans = (
            "SELECT id FROM entities e WHERE NOT EXISTS (SELECT 1 FROM mentions WHERE entity_id = e.id) "
            "AND NOT EXISTS (SELECT 1 FROM quotes WHERE speaker_id = e.id)"
        )
        db.conn.execute(f"DELETE FROM places WHERE entity_id IN ({orphans})")
        return db.conn.execute(f"DELETE FROM entities WHERE id IN ({orphans})").rowcount


def create_fts(db: sqlite_utils.Database) -> None:
    """Full-text indexes kept in sync by triggers. replace=True also rebuilds an index whose
    triggers a killed process cut off."""
    for table, columns in FTS_TABLES.items():
        db.table(table).enable_fts(
            columns, fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE, replace=True
        )


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {table: db[table].count for table in ("articles", "sentences", "entities", "mentions", "places")}
