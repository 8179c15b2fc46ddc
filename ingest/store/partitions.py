"""An archive that grows by period: one database per month or year, chosen by each article's
published date (`newsarchive ingest ... --archive DIR --partition month|year`).

    DIR/2024-06.db   articles published in June 2024 (--partition month)
    DIR/2024.db      articles published in 2024 (--partition year)
    DIR/undated.db   articles whose date is not known (neither stated nor found in the text)

Every partition is an ordinary archive database: the same schema and migrations
(`schema.open_database`), servable and queryable alone (`newsarchive serve --db DIR/2024.db`),
and entity ids are made from entity keys (`store.entity_id`), so an entity has the same id
and key in every partition and counts add up across them.

The period is known only once an article is built (the date may come from its text), so the
pipeline asks `Partitions`, its target for an archive, where each built article goes; the rest
is the pipeline's: the same documents, ids, content hashes, workers, one transaction per
article and after-pass (`pipeline.ingest`).

- **Re-runs change nothing**: each document's stored hash is looked up in every partition
  before it is built; an unchanged one is counted and left alone, and no partition is opened
  for writing when nothing changed.
- **An article lives in one partition.** One whose date moved it (an edited page, a better
  date found by a newer pipeline) is written to its new partition, then deleted from the old
  one; a copy left in another partition (a run killed between the two) is deleted by the
  next run that reads the article (the pipeline builds an article stored twice again).
- **One writer per partition**, with the ingest lock of `lock.py` on each partition file,
  taken when this run first writes to it and held to the end of the run (with its after-pass:
  shared passages and orphan entities). Separate processes ingest different partitions at
  the same time; articles for a partition another ingest holds are reported as not written
  (run again when it is done) and the others go in.
- One granularity per directory: month partitions and year partitions would overlap, so an
  ingest with the other one is refused.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import sqlite_utils

from ingest.models import Article
from ingest.store.articles import stored_hash
from ingest.store.lock import IngestLock, IngestLocked
from ingest.store.passages import pending
from ingest.store.schema import StoreError, open_database

GRANULARITIES = ("month", "year")
UNDATED = "undated"
SUFFIX = ".db"
PERIOD = re.compile(r"^(?:(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?|undated)$")


class ArchiveError(Exception):
    """The archive directory cannot be ingested into as asked."""


def period_of(published: str | None, granularity: str) -> str:
    """The partition of an article published on `published` (ISO, YYYY-MM-DD): `2024-06` by
    month, `2024` by year, `undated` without a usable date."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"partition by {granularity!r}: use one of {', '.join(GRANULARITIES)}")
    match = re.match(r"^(\d{4})-(0[1-9]|1[0-2])", published or "")
    if not match:
        return UNDATED
    return f"{match[1]}-{match[2]}" if granularity == "month" else match[1]


def is_period(name: str) -> bool:
    """Whether `name` (a file's stem, a database's name) names a partition."""
    return bool(PERIOD.match(name))


def granularity_of(period: str) -> str | None:
    """ "month" for 2024-06, "year" for 2024, None for undated."""
    match = PERIOD.match(period)
    if not match or period == UNDATED:
        return None
    return "month" if match["month"] else "year"


def period_order(period: str) -> tuple:
    """Sort key putting the newest period first and `undated` last."""
    return (period == UNDATED, tuple(-ord(c) for c in period))


def partition_path(archive: str | Path, period: str) -> Path:
    return Path(archive) / f"{period}{SUFFIX}"


def partition_files(archive: str | Path) -> list[Path]:
    """The partitions in `archive`, newest first, `undated` last (other files are ignored)."""
    folder = Path(archive)
    if not folder.is_dir():
        return []
    found = [path for path in folder.iterdir() if path.suffix == SUFFIX and is_period(path.stem) and path.is_file()]
    return sorted(found, key=lambda path: period_order(path.stem))


class Partitions:
    """The pipeline's target for the archive directory `archive`, one partition per
    `granularity` ("month" or "year"): stored hashes looked up in every partition, each
    article written to its period's, and the after-pass for each partition written to and
    each an earlier run left unfinished."""

    def __init__(self, archive: str | Path, granularity: str):
        self.folder = Path(archive)
        self.granularity = granularity
        # Plain connections that only read, one per partition there at the start (closed at
        # the end, so that no -wal or -shm file is left beside a partition only read).
        self._readers: dict[Path, sqlite_utils.Database] = {}
        self._writers: dict[Path, tuple[IngestLock, sqlite_utils.Database]] = {}
        self._refused: dict[Path, IngestLocked] = {}  # partitions another ingest holds

    def claim(self) -> None:
        """Refuse an unknown granularity, a file in the directory's place, or a directory of
        partitions by the other granularity (they would overlap)."""
        period_of(None, self.granularity)
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise ArchiveError(f"{folder}: not a directory")
        other = [p.name for p in partition_files(folder) if granularity_of(p.stem) not in (None, self.granularity)]
        if other:
            raise ArchiveError(
                f"{folder}: holds partitions by {granularity_of(Path(other[0]).stem)} ({', '.join(other[:3])}); "
                f"ingest with --partition {granularity_of(Path(other[0]).stem)}, or into another directory"
            )

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in partition_files(self.folder):
            connection = sqlite3.connect(path)
            try:
                connection.execute("select 1 from articles limit 1")
            except sqlite3.DatabaseError as error:
                connection.close()
                raise StoreError(f"{path}: not an archive database ({error})") from None
            self._readers[path] = sqlite_utils.Database(connection)

    def stored(self, article_id: str) -> dict[Path, str]:
        found = {}
        for path, db in self._readers.items():
            stored = stored_hash(db, article_id)
            if stored is not None:
                found[path] = stored
        return found

    def place_of(self, article: Article) -> Path:
        return partition_path(self.folder, period_of(article.published, self.granularity))

    def writer(self, place: Path) -> sqlite_utils.Database:
        """The partition at `place`, locked and opened (created if new) on first use and held
        to the end of the run. A partition another ingest holds stays refused for the run."""
        if place in self._writers:
            return self._writers[place][1]
        if place in self._refused:
            raise self._refused[place]
        lock = IngestLock(place)
        try:
            lock.acquire()
        except IngestLocked as error:
            self._refused[place] = error
            raise
        try:
            db = open_database(str(place))
        except BaseException:
            lock.release()
            raise
        self._writers[place] = (lock, db)
        return db

    def to_finish(self) -> list[Path]:
        """The partitions written to, and those whose shared-passage index is behind their
        sentences (an earlier run stopped before its after-pass)."""
        behind = [path for path, db in self._readers.items() if pending(db)]
        return sorted({*self._writers, *behind})

    def close(self) -> None:
        for lock, db in self._writers.values():
            db.close()
            lock.release()
        self._writers.clear()
        for db in self._readers.values():
            db.close()
        self._readers.clear()
