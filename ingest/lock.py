"""One ingest at a time per database: a second ingest on the same archive is refused.

SQLite would serialise the two writers' transactions, so neither could corrupt the
file, but two runs interleaving their articles and both removing "orphan" entities make
a summary that is wrong for both and a run that is hard to reason about. The lock is an
advisory `flock` on `<database>.lock` next to the database (never on the database file
itself: opening and closing another descriptor on it would drop SQLite's own POSIX locks).

The kernel releases the lock when the process ends, however it ends, so a killed ingest
never leaves the archive locked; the lock file is removed by a run that ends normally and
a stale one left by a killed run is simply taken over.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
from pathlib import Path

from .store import StoreError


class IngestLocked(Exception):
    """Another ingest is writing the same database. str() names the database."""

    def __init__(self, db_path: str | os.PathLike, holder: str):
        super().__init__(os.fspath(db_path), holder)
        self.db_path = os.fspath(db_path)
        self.holder = holder

    def __str__(self) -> str:
        who = f" (process {self.holder})" if self.holder else ""
        return (
            f"{self.db_path}: another ingest is writing this database{who}; "
            f"wait for it to finish, then run this ingest again"
        )


def lock_path(db_path: str | os.PathLike) -> Path:
    return Path(os.fspath(db_path) + ".lock")


class IngestLock:
    """`with IngestLock(db_path):` holds the database's ingest lock, or raises IngestLocked at once."""

    def __init__(self, db_path: str | os.PathLike):
        self.db_path = os.fspath(db_path)
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> IngestLock:
        for _ in range(10):  # a finishing ingest may unlink the file between our open and flock
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as error:
                raise StoreError(
                    f"{self.db_path}: cannot create the ingest lock {self.path} ({error.strerror or error})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                holder = _read_holder(fd)
                os.close(fd)
                if error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise IngestLocked(self.db_path, holder) from None
                raise
            if _same_file(fd, self.path):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                self._fd = fd
                return self
            os.close(fd)  # we locked a file that was unlinked meanwhile: try the new one
        raise IngestLocked(self.db_path, "")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.unlink(self.path)  # while still locked, so nobody takes the file we remove
        except FileNotFoundError:
            pass
        os.close(self._fd)  # closing releases the flock
        self._fd = None

    def __enter__(self) -> IngestLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def holding_ingest_lock(function):
    """Decorator for `function(paths, db_path, ...)`: run it holding `db_path`'s ingest lock."""

    @functools.wraps(function)
    def wrapper(paths, db_path, *args, **kwargs):
        with IngestLock(db_path):
            return function(paths, db_path, *args, **kwargs)

    return wrapper


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)
