"""A killed ingest leaves no half-written article, and a re-run completes the archive."""

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIES = 80  # 400 articles: a few seconds of work, long enough to be killed part-way


def make_corpus(folder: Path) -> None:
    for copy in range(COPIES):
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{copy:03d}_{seed.name}").write_text(text + f"\n\nSalinan nomor {copy}.\n", encoding="utf-8")


def ingest(corpus, db):
    return subprocess.Popen([sys.executable, "-m", "ingest", "ingest", str(corpus), "--db", str(db)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for_first_article(db, process, seconds=60):
    """Poll until the ingest has committed an article, so a kill lands in the middle of the work."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(db) as connection:
                if connection.execute("SELECT count(*) FROM articles").fetchone()[0] > 0:
                    return
        except sqlite3.OperationalError:
            pass  # the schema is not there yet
        time.sleep(0.05)


def state(db):
    with sqlite3.connect(db) as connection:
        return (connection.execute("SELECT id, content_hash FROM articles ORDER BY id").fetchall(),
                connection.execute("SELECT article_id, position, text FROM sentences ORDER BY 1, 2").fetchall(),
                connection.execute("SELECT article_id, surface, char_start FROM mentions ORDER BY 1, 2, 3").fetchall())


def assert_whole(db):
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        connection.execute("INSERT INTO sentences_fts(sentences_fts, rank) VALUES ('integrity-check', 1)")
        partial = connection.execute(
            """SELECT a.id FROM articles a WHERE a.sentence_count != (SELECT count(*) FROM sentences s WHERE s.article_id = a.id)
               OR a.mention_count != (SELECT count(*) FROM mentions m WHERE m.article_id = a.id)""").fetchall()
        assert partial == []


def test_kills_at_random_points_leave_whole_articles_and_a_rerun_completes(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_corpus(corpus)
    reference = tmp_path / "reference.db"
    assert ingest(corpus, reference).wait() == 0
    killed = tmp_path / "killed.db"
    randomness = random.Random(20231213)
    stored_after_kills = []
    for _ in range(3):
        process = ingest(corpus, killed)
        wait_for_first_article(killed, process)
        time.sleep(randomness.uniform(0.0, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        if killed.exists():
            assert_whole(killed)
            stored_after_kills.append(len(state(killed)[0]))
    assert any(0 < stored < COPIES * 5 for stored in stored_after_kills), stored_after_kills  # killed part-way
    assert ingest(corpus, killed).wait() == 0
    assert_whole(killed)
    assert state(killed) == state(reference)
