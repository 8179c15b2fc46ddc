"""Serving and ingesting the same archive at once. An ingest into an archive served immutable
(`newsarchive serve` without --live) made the server answer 500 "database disk image is
malformed" on /search and /article during and after it, and stale counts until restarted,
with no word to the user. The design chosen (ingest/lock.py, ingest/serve.py; docs/serving.md
says why): an immutable server holds a shared lock on `<db>.lock` while it runs, so an ingest
is refused while one serves the file, and a server is refused while an ingest writes it;
`--live` serves a file an ingest may write, and takes no lock."""

import shutil
import sqlite3
import subprocess
import sys

import pytest
from support import ROOT, free_port

from ingest.lock import IngestLock
from ingest.serve import ServerProcess


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


def test_a_live_server_lets_an_ingest_write(small, tmp_path):
    db, more = small
    server = ServerProcess.serving(db, tmp_path / "server.log", "--live").start(timeout=120)
    try:
        result = ingest(db, more)
        assert result.returncode == 0, result.stderr
    finally:
        server.stop()


def test_two_immutable_servers_share_an_archive(small, tmp_path):
    db, _ = small
    first = ServerProcess.serving(db, tmp_path / "one.log").start(timeout=120)
    try:
        second = ServerProcess.serving(db, tmp_path / "two.log").start(timeout=120)
        second.stop()
    finally:
        first.stop()
