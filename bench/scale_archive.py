"""A bigger archive made from a smaller one by replicating its rows in SQL: a query-tuning aid.

    python -m bench.scale_archive SOURCE.db OUT.db [--factor 10] [--shift-days 1]

Building a real 100,000-article archive takes about an hour of both cores; tuning the pages'
queries needs one of that shape, not of that provenance. This copies SOURCE (say a
10,000-article bench archive, `python -m bench.generate 10000` ingested with `--workers 2`)
to OUT and adds `factor - 1` replicas of every article with everything the pages read: its
sentences, mentions, quotes, dated mentions, furniture and shared-passage memberships. Replica
k (1, 2, ...) of an article gets a fresh id (16 hex digits, as the pipeline's), sentence and
row ids above every id of the replica before it (so an article's sentences stay one run of
ids, in ingest order), and its publication date, and the dates its text mentions, moved
`k * shift_days` days later: the replicas spread over the same years as the source, each month
holding `factor` times as many articles, as a bigger corpus from `bench/generate.py` would.

Then the counts the ingest keeps (`entities.mentions`, `places.mentions`, the clusters'
sentence and article counts and, where the archive has them, the counts of migration 0006:
`ingest.store.articles.refresh_desk_counts`) are recounted,
the FTS indexes are rebuilt (`ingest.store.schema.create_fts`), and the shared-passage mark is set
past the last sentence, so the copy is served as it is and never indexed again.

What it is not: the real bench run. Entities, outlets and wording do not grow with the copy
(every sentence has nine twins word for word, which a search for a common word sees as 10x
the matches, as a real corpus of 10x the articles would have), and the passage index's
internal tables (`passage_bands`, `passage_pairs`, `article_bands`, `article_copies`,
`passage_wordings`) are not replicated. Ingesting into the copy is not supported. Figures
measured on it say how the queries scale with rows; `make bench` measures the pipeline.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from datetime import date, timedelta
from pathlib import Path

# Per table: how a replica's column is made from the source's ({k}: replica number, {ids}: the
# offsets of this replica's ids). Columns not named are copied as they are; tables not named
# are not replicated (the passage index's internals).
REPLICATED = {
    "articles": {"id": "replica_id(id, {k})", "published": "shifted(published, {k})"},
    "sentences": {"id": "id + {sentences}", "article_id": "replica_id(article_id, {k})"},
    "mentions": {
        "id": "id + {mentions}",
        "article_id": "replica_id(article_id, {k})",
        "sentence_id": "sentence_id + {sentences}",
    },
    "quotes": {
        "id": "id + {quotes}",
        "article_id": "replica_id(article_id, {k})",
        "sentence_id": "sentence_id + {sentences}",
    },
    "dated_mentions": {
        "id": "id + {dated_mentions}",
        "article_id": "replica_id(article_id, {k})",
        "sentence_id": "sentence_id + {sentences}",
        "date_start": "shifted(date_start, {k})",
        "date_end": "shifted(date_end, {k})",
    },
    "furniture": {"id": "id + {furniture}", "article_id": "replica_id(article_id, {k})"},
    "passage_members": {
        "sentence_id": "sentence_id + {sentences}",
        "article_id": "replica_id(article_id, {k})",
        "published": "shifted(published, {k})",
    },
}
ID_TABLES = ["sentences", "mentions", "quotes", "dated_mentions", "furniture"]  # integer ids to move past


def replica_id(article_id: str, k: int) -> str:
    return hashlib.sha256(f"{article_id}#replica{k}".encode()).hexdigest()[:16]


def connect(path: Path, shift_days: int) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.create_function("replica_id", 2, replica_id, deterministic=True)

    def shifted(value, k):
        try:
            return (date.fromisoformat(value) + timedelta(days=k * shift_days)).isoformat()
        except (TypeError, ValueError):
            return value  # null, or not a day (YYYY-MM): as it was

    connection.create_function("shifted", 2, shifted, deterministic=True)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000", "temp_store = MEMORY"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


def columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"pragma table_info([{table}])")]


def scale(source: Path, out: Path, factor: int, shift_days: int = 1, log=print) -> dict:
    """Write OUT as SOURCE with every article `factor` times; returns the row counts."""
    from ingest.store import articles as store
    from ingest.store import schema

    if factor < 1:
        raise ValueError("factor must be at least 1")
    if out.exists():
        raise FileExistsError(f"{out} exists; remove it first")
    started = time.monotonic()
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(out)
    reading.backup(copy)  # a consistent copy even of a WAL database, into one file
    reading.close()
    copy.execute("PRAGMA journal_mode = DELETE")
    copy.close()
    connection = connect(out, shift_days)
    present = {name for (name,) in connection.execute("select name from sqlite_master where type = 'table'")}
    fts = [table for table in schema.FTS_TABLES if f"{table}_fts" in present]
    for table in fts:  # dropped (triggers too) and rebuilt at the end: one pass instead of a trigger per row
        connection.execute(f"DROP TABLE IF EXISTS [{table}_fts]")
        for suffix in ("_ai", "_ad", "_au"):
            connection.execute(f"DROP TRIGGER IF EXISTS [{table}{suffix}]")
    steps = {
        table: {name: transform for name, transform in changes.items() if name in columns(connection, table)}
        for table, changes in REPLICATED.items()
        if table in present
    }
    # The source's rows are those up to its largest rowid; replica k's ids are the source's
    # plus k times the source's largest id (per table), so no two replicas' ids meet.
    last = {
        table: connection.execute(f"select coalesce(max(rowid), 0) from [{table}]").fetchone()[0] for table in steps
    }
    for k in range(1, factor):
        offsets = {table: k * last[table] for table in ID_TABLES if table in steps}
        connection.execute("BEGIN")
        for table, changes in steps.items():
            names = columns(connection, table)
            made = [changes.get(name, f"[{name}]").format(k=k, **offsets) for name in names]
            connection.execute(
                f"INSERT INTO [{table}] ({', '.join(f'[{n}]' for n in names)}) "
                f"SELECT {', '.join(made)} FROM [{table}] WHERE rowid <= {last[table]} ORDER BY rowid"
            )
        connection.execute("COMMIT")
        log(f"replica {k} of {factor - 1} written ({time.monotonic() - started:.0f} s)")
    recount(connection, factor, present)
    connection.close()
    import sqlite_utils

    db = sqlite_utils.Database(out)
    schema.create_fts(db)
    if "entity_dates" in present:  # the counts migration 0006 keeps, counted again
        store.refresh_desk_counts(db)
    db.execute("PRAGMA journal_mode = DELETE")
    counted = {t: db[t].count for t in ("articles", "sentences", "mentions") if t in present}
    db.close()
    log(f"{out}: {counted} in {time.monotonic() - started:.0f} s")
    return counted


def recount(connection: sqlite3.Connection, factor: int, present: set[str]) -> None:
    """The counts save_article keeps, recounted; the clusters' sizes scaled; the passage mark moved."""
    counted = "(select entity_id, count(*) as n from mentions group by entity_id) as counted"
    connection.execute(f"update entities set mentions = counted.n from {counted} where entities.id = counted.entity_id")
    connection.execute(
        f"update places set mentions = counted.n from {counted} where places.entity_id = counted.entity_id"
    )
    if "passage_clusters" in present:
        connection.execute(
            "update passage_clusters set sentences = sentences * ?, articles = articles * ?", [factor, factor]
        )
    if "passage_progress" in present:
        connection.execute("update passage_progress set last_sentence_id = (select max(id) from sentences)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the archive to replicate (read only)")
    parser.add_argument("out", type=Path, help="the bigger archive to write (must not exist)")
    parser.add_argument("--factor", type=int, default=10, help="copies of every article in OUT, the original included")
    parser.add_argument("--shift-days", type=int, default=1, help="replica k is published k times this many days later")
    args = parser.parse_args()
    if not args.source.is_file():
        parser.error(f"{args.source}: no such file")
    scale(args.source, args.out, args.factor, args.shift_days, log=lambda line: print(line, file=sys.stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
