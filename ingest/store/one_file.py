"""The target of an ingest into one database file (`newsarchive ingest ... --db FILE`): the
pipeline's `Target` for an archive of one partition.

Its lock is taken before anything is read, so a second ingest into the same file is refused
at once (`lock.IngestLocked`) rather than after reading its files; every article goes to the
file and the file always takes the after-pass.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from ingest.models import Article
from ingest.store.articles import stored_hash
from ingest.store.lock import IngestLock
from ingest.store.schema import open_database


class OneFile:
    """The database at `db_path`, created if needed, written by one ingest at a time."""

    def __init__(self, db_path: str):
        self.db_path = db_path  # as given: messages name the file the way the user did
        self.place = Path(db_path)
        self._lock = IngestLock(db_path)
        self._db: sqlite_utils.Database | None = None

    def claim(self) -> None:
        self._lock.acquire()

    def open(self) -> None:
        self._db = open_database(self.db_path)

    def stored(self, article_id: str) -> dict[Path, str]:
        found = stored_hash(self._opened(), article_id)
        return {} if found is None else {self.place: found}

    def place_of(self, article: Article) -> Path:
        return self.place

    def writer(self, place: Path) -> sqlite_utils.Database:
        return self._opened()

    def to_finish(self) -> list[Path]:
        return [self.place]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._lock.release()

    def _opened(self) -> sqlite_utils.Database:
        assert self._db is not None, "opened by open()"
        return self._db
