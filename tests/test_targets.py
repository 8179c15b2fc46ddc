"""The two targets of the one ingest driver (`pipeline.ingest`), asked what the driver asks:
what is stored (an article id's content hash, in each database holding it), where an article
goes (the database it is written to), and which databases take the after-pass."""

import sqlite3
from pathlib import Path

import pytest
from support import SEEDS, article_from_sentences

from ingest.pipeline import ingest_archive, ingest_paths
from ingest.store.lock import IngestLock, IngestLocked, lock_path
from ingest.store.one_file import OneFile
from ingest.store.partitions import Partitions, partition_path

SEED = SEEDS / "003_1cb966e1a36f34cb.txt"  # published 2023-09-05


def stored_row(db: Path) -> tuple[str, str]:
    with sqlite3.connect(db) as connection:
        return connection.execute("select id, content_hash from articles").fetchone()


def test_one_file_holds_every_article_and_is_locked_from_claim_to_close(tmp_path):
    db = tmp_path / "archive.db"
    assert ingest_paths([SEED], str(db)).new == 1
    identifier, stored = stored_row(db)
    target = OneFile(str(db))
    target.claim()
    try:
        with pytest.raises(IngestLocked):
            IngestLock(db).acquire()  # a second ingest is refused before it reads anything
        target.open()
        assert target.stored(identifier) == {db: stored}
        assert target.stored("no-such-article") == {}
        assert target.place_of(article_from_sentences("x", "t", ["Satu."], [], published="2024-06-19")) == db
        assert target.to_finish() == [db]
    finally:
        target.close()
    assert not lock_path(db).exists()


def test_partitions_route_by_period_and_lock_each_partition_on_first_write(tmp_path):
    folder = tmp_path / "news"
    assert ingest_archive([SEED], folder).run.new == 1
    september = partition_path(folder, "2023-09")
    identifier, stored = stored_row(september)
    target = Partitions(folder, "month")
    target.claim()
    target.open()
    try:
        assert target.stored(identifier) == {september: stored}
        june = target.place_of(article_from_sentences("x", "t", ["Satu."], [], published="2024-06-19"))
        undated = target.place_of(article_from_sentences("y", "t", ["Dua."], []))
        assert (june, undated) == (partition_path(folder, "2024-06"), partition_path(folder, "undated"))
        assert target.to_finish() == []  # nothing written, no partition behind
        assert not lock_path(september).exists()  # only read so far
        target.writer(june)
        with pytest.raises(IngestLocked):
            IngestLock(june).acquire()
        assert target.to_finish() == [june]
    finally:
        target.close()
    assert not lock_path(june).exists()


def test_a_partition_another_ingest_holds_stays_refused_for_the_run(tmp_path):
    folder = tmp_path / "news"
    held = IngestLock(partition_path(folder, "2023-09"))
    folder.mkdir()
    held.acquire()
    try:
        summary = ingest_archive([SEED], folder)
    finally:
        held.release()
    assert summary.failed == 1 and summary.run.new == 0 and summary.partitions == {}
    assert "not written" in summary.run.errors[0] and "another ingest" in summary.run.errors[0]
