"""One ingest at a time per database, and none while it is served immutable: a second ingest
on the same archive is refused, as is an ingest into an archive `newsarchive serve` reads
immutable (`ServingLock`), and such a server refuses to start while an ingest writes.

SQLite would serialise the two writers' transactions, so neither could corrupt the
file, but two runs interleaving their articles and both removing "orphan" entities make
a summary that is wrong for both and a run that is hard to reason about. The lock is an
advisory `flock` on `<database>.lock` next to the database (never on the database file
itself: opening and closing another descriptor on it would drop SQLite's own POSIX locks).

The kernel releases the lock when the process ends, however it ends, so a killed ingest
never leaves the archive locked; a stale lock file left by a killed process is simply taken
over. The file is removed by whoever lets go of it last, an ingest that ends normally or the
last server to stop cleanly, and only while holding it alone (`LOCK_EX`): a file unlinked
while another process holds it, or has it open and is about to lock it, would let a newcomer
create and lock a second file, and two processes would each hold "the" lock. So every locker
checks, once it holds the lock, that the path still names the file it locked, and starts
again on the new one if not (`_locked`); and a server, which holds its lock shared, removes the
file only if turning its lock exclusive succeeds, i.e. no other server holds it.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from ingest.store.schema import StoreError


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


class ArchiveServed(IngestLocked):
    """The database is being served immutable (`newsarchive serve` without --live), which reads
    the file as if nothing ever wrote it: an ingest now would make it answer "database disk
    image is malformed" and stale counts. str() names the database and says what to do."""

    def __str__(self) -> str:
        return (
            f"{self.db_path}: being served read-only by `newsarchive serve`, which assumes the file never "
            f"changes; stop the server (or serve with --live, which an ingest may write under), then run "
            f"this ingest again"
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
        try:
            fd = _locked(self.path, fcntl.LOCK_EX)
        except _Unopenable as unopenable:
            error = unopenable.error
            raise StoreError(
                f"{self.db_path}: cannot create the ingest lock {self.path} ({error.strerror or error})"
            ) from None
        except _Busy as busy:
            raise (ArchiveServed if busy.shared else IngestLocked)(self.db_path, busy.holder) from None
        if fd is None:
            raise IngestLocked(self.db_path, "")
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        _remove(self._fd, self.path)  # while still locked, so nobody takes the file we remove
        os.close(self._fd)  # closing releases the flock
        self._fd = None

    def __enter__(self) -> IngestLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


class ServingLock:
    """`ServingLock(db_path).acquire()`: held by a server that reads the database immutable, for
    as long as it runs (the kernel drops it when the process ends). A shared `flock` on the same
    `<database>.lock`: any number of servers hold it at once, an ingest (which wants it alone)
    is refused while one does (`ArchiveServed`), and a server is refused while an ingest holds
    it (IngestLocked, naming the ingest's process). The last server to let go removes the file."""

    def __init__(self, db_path: str | os.PathLike):
        self.db_path = os.fspath(db_path)
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def acquire(self) -> ServingLock:
        try:
            fd = _locked(self.path, fcntl.LOCK_SH)
        except _Unopenable:
            return self  # a folder we may not write to: nobody can ingest there either
        except _Busy as busy:
            raise IngestLocked(self.db_path, busy.holder) from None
        if fd is None:
            raise IngestLocked(self.db_path, "")
        self._fd = fd
        return self

    def release(self) -> None:
        """Let go (a server that stops cleanly); the file is removed if no other server holds it.
        Turning a shared flock exclusive is not atomic: the shared lock goes first, and if another
        server's keeps the exclusive one from being had, ours is gone too. A server that stops
        no longer needs it."""
        if self._fd is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another server holds it: the file stays for it
        else:
            _remove(self._fd, self.path)
        os.close(self._fd)
        self._fd = None


class _Unopenable(Exception):
    """The lock file cannot be opened or created (`error` says why)."""

    def __init__(self, error: OSError):
        super().__init__(error)
        self.error = error


class _Busy(Exception):
    """Another process holds the lock: its process id if it wrote one, and whether its lock is
    shared (servers) rather than exclusive (an ingest)."""

    def __init__(self, holder: str, shared: bool):
        super().__init__(holder, shared)
        self.holder, self.shared = holder, shared


def _locked(path: Path, mode: int) -> int | None:
    """A descriptor of `path` (created if missing) holding a `mode` flock (LOCK_EX or LOCK_SH),
    or None when every try met a file that one letting go of the lock (an ingest that ends, the
    last server to stop) had unlinked between our open and flock. Raises _Unopenable or _Busy;
    other flock errors as they come."""
    for _ in range(10):
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:
            raise _Unopenable(error) from None
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except OSError as error:
            busy = error.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK)
            if busy and not _same_file(fd, path):
                os.close(fd)  # held by one letting go, which has just removed it: try the new one
                continue
            holder, shared = (_read_holder(fd), _only_shared(fd)) if busy else ("", False)
            os.close(fd)
            if busy:
                raise _Busy(holder, shared) from None
            raise
        if _same_file(fd, path):
            return fd
        os.close(fd)  # we locked a file that was unlinked meanwhile: try the new one
    return None


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""


def _only_shared(fd: int) -> bool:
    """Whether the lock another process holds on `fd`'s file is shared (servers), not exclusive
    (an ingest): a shared lock can still be had. Ours is dropped again at once."""
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True


def _remove(fd: int, path: Path) -> None:
    """Unlink `path` if it still names `fd`'s file, whose flock the caller holds exclusively."""
    if _same_file(fd, path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)
