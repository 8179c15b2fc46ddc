"""Serving and ingesting the same archive at once. An ingest into an archive served immutable
(`newsarchive serve` without --live) made the server answer 500 "database disk image is
malformed" on /search and /article during and after it, and stale counts until restarted,
with no word to the user. The design chosen (ingest/store/lock.py, ingest/serve/app.py; docs/serving.md
says why): an immutable server holds a shared lock on `<db>.lock` while it runs, so an ingest
is refused while one serves the file, and a server is refused while an ingest writes it;
`--live` serves a file an ingest may write, and takes no lock. The lock file goes with the last
server to stop cleanly, as it goes with an ingest that ends."""

import shutil
import sqlite3
import subprocess
import sys

import pytest
from support import ROOT, free_port

from ingest.serve.app import ServerProcess
from ingest.store.lock import ArchiveServed, IngestLock, IngestLocked, ServingLock, lock_path


def ingest(db, *paths):
    return subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", *map(str, paths), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def articles(db) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute("select count(*) from articles").fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def small(seeds_db, tmp_path):
    """A copy of the seeds' archive, and one more article to ingest into it."""
    db = tmp_path / "archive.db"
    shutil.copy(seeds_db, db)
    extra = tmp_path / "more" / "baru.txt"
    extra.parent.mkdir()
    extra.write_text(
        "Menteri bertemu wartawan\n\nMenteri luar negeri bertemu wartawan di Jakarta pada hari Senin. "
        "Pertemuan itu membahas kerja sama kedua negara, kata juru bicara.\n"
    )
    return db, extra.parent


@pytest.mark.slow  # server and ingest processes
def test_an_ingest_into_an_archive_served_immutable_is_refused(small, tmp_path):
    db, more = small
    before = articles(db)
    server = ServerProcess.serving(db, tmp_path / "server.log").start(timeout=120)
    try:
        result = ingest(db, more)
        assert result.returncode == 2, result.stderr
        assert "being served read-only by `newsarchive serve`" in result.stderr
        assert str(db) in result.stderr
        assert articles(db) == before
    finally:
        server.stop()
    result = ingest(db, more)  # the server gone, the same ingest goes in
    assert result.returncode == 0, result.stderr
    assert articles(db) == before + 1


@pytest.mark.slow  # server and ingest processes
def test_serving_immutable_an_archive_an_ingest_holds_is_refused(small):
    db, _ = small
    with IngestLock(db):  # what an ingest holds while it writes: a real lock, in this process
        result = subprocess.run(
            [sys.executable, "-m", "ingest", "serve", "--db", str(db), "--port", str(free_port())],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,  # it starts no server: it stops at once
        )
    assert result.returncode != 0
    assert "an ingest is writing this database" in result.stderr and "--live" in result.stderr


@pytest.mark.slow  # server and ingest processes
def test_a_live_server_lets_an_ingest_write(small, tmp_path):
    db, more = small
    server = ServerProcess.serving(db, tmp_path / "server.log", "--live").start(timeout=120)
    try:
        result = ingest(db, more)
        assert result.returncode == 0, result.stderr
    finally:
        server.stop()


@pytest.mark.slow  # server and ingest processes
def test_two_immutable_servers_share_an_archive_and_the_last_to_stop_removes_the_lock_file(small, tmp_path):
    db, more = small
    first = ServerProcess.serving(db, tmp_path / "one.log").start(timeout=120)
    second = ServerProcess.serving(db, tmp_path / "two.log")
    try:
        second.start(timeout=120)
        first.stop()  # SIGTERM: a clean stop
        assert lock_path(db).exists()  # still the second server's
        assert ingest(db, more).returncode == 2
    finally:
        first.stop()
        second.stop()
    assert not lock_path(db).exists()
    assert ingest(db, more).returncode == 0


@pytest.mark.slow  # server and ingest processes
def test_a_killed_server_leaves_the_lock_file_to_the_next_user(small, tmp_path):
    db, more = small
    server = ServerProcess.serving(db, tmp_path / "server.log").start(timeout=120)
    server.process.kill()
    server.process.wait()
    assert lock_path(db).exists()
    result = ingest(db, more)  # not held by anyone: taken over
    assert result.returncode == 0, result.stderr
    assert not lock_path(db).exists()


def test_a_lock_file_goes_only_when_no_server_holds_it(tmp_path):
    """Each `acquire` opens the file anew, so two locks in one process are two holders to
    `flock`, as two servers are. A server lets go of a shared lock by turning it exclusive
    first: it can only remove the file when that succeeds."""
    db = tmp_path / "archive.db"
    one, two = ServingLock(db).acquire(), ServingLock(db).acquire()
    one.release()
    assert lock_path(db).exists()
    with pytest.raises(ArchiveServed):
        IngestLock(db).acquire()
    two.release()
    assert not lock_path(db).exists()
    with IngestLock(db), pytest.raises(IngestLocked):  # the new file is a lock like the old
        ServingLock(db).acquire()
