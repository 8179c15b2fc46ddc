"""The article tables written and deleted, one transaction per article.

This module writes and deletes the rows an `Article` fills: articles, sentences, entities,
mentions, places, quotes, dated_mentions, furniture (their full-text indexes follow by
trigger), and the counts kept with them (entity_dates, entity_spellings). The tables are
defined in `schema.py`, with every other part of the archive's shape; `passages.py` writes
the passage tables.
"""

from __future__ import annotations

import hashlib
import sqlite3

import sqlite_utils

from ingest.models import Article, Entity
from ingest.store.passages import forget_article

# Re-exported (`as`): bench/scale_archive.py and the search tests take the full-text setup from here.
from ingest.store.schema import StoreError


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
    entity by name read instead of the mentions table (`schema.DESK_COUNTS`). Rows counted
    down to nothing are deleted."""
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


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {table: db[table].count for table in ("articles", "sentences", "entities", "mentions", "places")}
