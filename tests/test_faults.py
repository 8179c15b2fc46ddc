"""Faults during ingest (issue 6): a killed ingest leaves only whole articles and a re-run
completes the archive; two ingests on one database never interleave; a live server reading
the archive while an ingest writes it never sees an error or half an article.

Every ingest here is the real command (`python -m ingest ingest`) in its own process group,
so a SIGKILL takes down the whole ingest, worker processes included.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support import ROOT, free_port, start_server, stop_server

from ingest.store.lock import IngestLock, IngestLocked, lock_path

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
COPIES = 20  # 100 articles: long enough to be killed part-way twenty times (a kill lands within 0.1 s of a commit)
KILLS = 20
EDITED = 30  # files edited half-way through the kills, so that later kills land in updates too


def make_corpus(folder: Path, copies: int = COPIES, first: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for copy in range(first, first + copies):
        for seed in SEEDS:
            text = seed.read_text(encoding="utf-8")
            (folder / f"{copy:03d}_{seed.name}").write_text(text + f"\n\nSalinan nomor {copy}.\n", encoding="utf-8")
    return folder


def edit_corpus(folder: Path, count: int) -> None:
    """Change the first `count` files (in ingest order): a new sentence naming a new person."""
    for number, path in enumerate(sorted(folder.iterdir())[:count]):
        path.write_text(
            path.read_text(encoding="utf-8") + f"\nMenteri Luar Negeri Budi Santoso{number} menyambut pertemuan itu.\n",
            encoding="utf-8",
        )


def ingest(corpus, db, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingest", "ingest", str(corpus), "--db", str(db), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish(process, seconds=300) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=seconds)
    return process.returncode, out, err


def kill(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the ingest and any workers it started
    except ProcessLookupError:
        pass
    process.communicate(timeout=60)


def wait_for_a_commit(db: Path, process, seconds=60) -> bool:
    """True once `process` has committed something to `db` since this call; False if it ended first.

    `PRAGMA data_version` changes on a connection when another connection commits."""
    deadline = time.monotonic() + seconds
    connection, version = None, None
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if connection is None and db.exists():
                connection = sqlite3.connect(db, timeout=0)
            if connection is not None:
                try:
                    current = connection.execute("PRAGMA data_version").fetchone()[0]
                    if version is None:
                        version = current
                    elif current != version:
                        return True
                except sqlite3.OperationalError:
                    pass  # the file is being created
            time.sleep(0.01)
        return False
    finally:
        if connection is not None:
            connection.close()


def state(db: Path) -> dict:
    """Everything the archive holds, without row ids or ingest times (which differ between runs)."""
    with sqlite3.connect(db) as c:
        return {
            "articles": c.execute("""select id, title, title_from, outlet, published, language, body, raw, source,
                url, format, content_hash, sentence_count, mention_count from articles order by id""").fetchall(),
            "sentences": c.execute("""select article_id, position, char_start, char_end, text, stemmed, section
                from sentences order by 1, 2""").fetchall(),
            "mentions": c.execute("""select m.article_id, s.position, m.char_start, m.char_end, m.surface, e.key
                from mentions m join sentences s on s.id = m.sentence_id join entities e on e.id = m.entity_id
                order by 1, 2, 3, 4, 6""").fetchall(),
            "entities": c.execute("select key, name, type, wikidata from entities order by key").fetchall(),
            "places": c.execute("""select e.key, p.name, p.latitude, p.longitude, p.country_code, p.kind,
                p.geonames_id, p.population from places p join entities e on e.id = p.entity_id
                order by 1""").fetchall(),
            "furniture": c.execute("""select article_id, kind, text, raw_start, raw_end from furniture
                order by 1, 4, 5, 2""").fetchall(),
        }


def assert_whole(db: Path) -> int:
    """The database is sound and holds only whole articles; returns the number of articles."""
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        for fts in ("articles_fts", "sentences_fts"):  # raises "database disk image is malformed" if out of sync
            c.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
        partial = c.execute(
            """select a.id from articles a
               where a.sentence_count != (select count(*) from sentences s where s.article_id = a.id)
                  or a.mention_count != (select count(*) from mentions m where m.article_id = a.id)
                  or a.sentence_count = 0"""
        ).fetchall()
        assert partial == [], "articles without all their sentences or mentions"
        miscounted = c.execute("""select p.entity_id from places p
                                  where p.mentions != (select count(*) from mentions m where m.entity_id = p.entity_id)""")
        assert miscounted.fetchall() == [], "places whose mention count is not their rows in mentions"
        misplaced = [
            row
            for row in c.execute(
                "select a.body, s.char_start, s.char_end, s.text from sentences s join articles a on a.id = s.article_id"
            )
            if row[0][row[1] : row[2]] != row[3]
        ]
        assert misplaced == []
        return c.execute("select count(*) from articles").fetchone()[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("faults") / "corpus")


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict:
    """The state of an uninterrupted ingest of `corpus`."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    code, _, err = finish(ingest(corpus, db))
    assert code == 0, err
    return state(db)


# SIGKILL ---------------------------------------------------------------------------------


@pytest.mark.slow  # ingest and server processes, killed and raced
def test_twenty_kills_at_random_points_leave_whole_articles_and_a_rerun_completes(tmp_path):
    corpus = make_corpus(tmp_path / "corpus")
    killed = tmp_path / "killed.db"
    randomness = random.Random(20231213)
    after_kills, kills, attempts = [], 0, 0
    while kills < KILLS and attempts < 3 * KILLS:
        attempts += 1
        if kills == KILLS // 2 and len(after_kills) == kills:
            edit_corpus(corpus, EDITED)  # from here on, kills also land while articles are being replaced
            after_kills.append("edited")
        process = ingest(corpus, killed, *(["--workers", "2"] if attempts % 5 == 0 else []))  # workers die too
        if not wait_for_a_commit(killed, process):
            code, _, err = finish(process)  # it finished (nothing left to do) before committing anything
            assert code == 0, err
            continue
        time.sleep(randomness.uniform(0.0, 0.1))
        if process.poll() is not None:  # it finished in the meantime: not a kill
            assert process.wait() == 0
            continue
        kill(process)
        kills += 1
        after_kills.append(assert_whole(killed))
    assert kills == KILLS, after_kills
    counts = [n for n in after_kills if n != "edited"]
    total = COPIES * len(SEEDS)
    assert any(0 < n < total for n in counts), after_kills  # some kills left the archive part-way
    assert "edited" in after_kills

    code, out, err = finish(ingest(corpus, killed))
    assert code == 0, err
    assert_whole(killed)
    uninterrupted = tmp_path / "uninterrupted.db"
    code, _, err = finish(ingest(corpus, uninterrupted))
    assert code == 0, err
    assert state(killed) == state(uninterrupted)
    assert len(state(killed)["articles"]) == total


# Two ingests on one database ---------------------------------------------------------------


def test_ingest_lock_is_exclusive_names_the_database_and_is_released(tmp_path):
    db = tmp_path / "archive.db"
    with IngestLock(db):
        assert lock_path(db).exists()
        with pytest.raises(IngestLocked) as refused:
            IngestLock(db).acquire()
        assert str(db) in str(refused.value) and str(os.getpid()) in str(refused.value)
    assert not lock_path(db).exists()
    lock_path(db).write_text("999999\n")  # left behind by a killed ingest: not held by anyone
    with IngestLock(db):
        pass


@pytest.mark.slow  # ingest and server processes, killed and raced
def test_an_ingest_refuses_while_another_holds_the_database(tmp_path, corpus):
    db = tmp_path / "archive.db"
    with IngestLock(db):
        code, out, err = finish(ingest(ROOT / "seeds", db))
    assert code == 2
    assert f"{db}: another ingest is writing this database" in err and "error:" in err
    assert not db.exists()  # refused before touching anything
    code, _, err = finish(ingest(ROOT / "seeds", db))  # once the lock is free, it goes in
    assert code == 0, err


@pytest.mark.slow  # ingest and server processes, killed and raced
def test_two_ingests_at_once_one_refuses_and_the_other_is_whole(tmp_path, corpus, reference):
    """Both start together; whichever takes the lock first ingests the corpus, the other
    refuses naming the database and writes nothing."""
    db = tmp_path / "archive.db"
    other = make_corpus(tmp_path / "other", copies=5, first=500)  # articles the refused one would add
    first, second = ingest(corpus, db), ingest(other, db)
    results = [finish(first), finish(second)]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, _, err in results if code == 2)
    assert f"{db}: another ingest is writing this database" in refused
    assert_whole(db)
    winner = results.index(next(r for r in results if r[0] == 0))
    if winner == 0:
        assert state(db) == reference
    else:
        assert {row[8] for row in state(db)["articles"]} == {f"{path.as_posix()}" for path in sorted(other.iterdir())}


# Serving while ingesting -------------------------------------------------------------------


CONSISTENCY_SQL = """select a.id, a.sentence_count, a.mention_count,
  (select count(*) from sentences s where s.article_id = a.id) as sentences,
  (select count(*) from mentions m where m.article_id = a.id) as mentions
from articles a order by a.rowid desc limit 1000"""


@pytest.mark.slow  # ingest and server processes, killed and raced
def test_a_live_server_never_shows_an_error_or_half_an_article_while_an_ingest_runs(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", copies=10)  # 50 articles: the server is polled many times meanwhile
    db = tmp_path / "live.db"
    code, _, err = finish(ingest(ROOT / "seeds", db))
    assert code == 0, err
    port = free_port()
    server = start_server(
        [sys.executable, "-m", "ingest", "serve", "--live", "--db", str(db), "--port", str(port)],
        port,
        tmp_path / "serve.log",
    )
    seen_counts, pages, failures = set(), {}, []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            assert http.get("/-/databases.json").json()[0]["is_mutable"] is True
            writer = ingest(corpus, db)
            deadline = time.monotonic() + 240
            while writer.poll() is None and time.monotonic() < deadline:
                response = http.get("/live.json", params={"sql": CONSISTENCY_SQL, "_shape": "array"})
                if response.status_code != 200:
                    failures.append((response.url, response.status_code, response.text[:300]))
                    continue
                rows = response.json()
                seen_counts.add(len(rows))
                failures += [
                    row
                    for row in rows
                    if (row["sentences"], row["mentions"]) != (row["sentence_count"], row["mention_count"])
                    or row["sentences"] == 0
                ]
                newest = rows[0]["id"]
                for path in [
                    f"/article/{newest}",
                    "/live/articles.json?_shape=array&_size=20&_sort_desc=published",
                    "/live/search.json?q=pertemuan&_shape=array",
                    "/live/places_map.json?_shape=array",
                    "/live/sentences.csv?_size=100",
                    "/live/entities",
                ]:
                    page = http.get(path)
                    if page.status_code != 200:
                        failures.append((path, page.status_code, page.text[:300]))
                    elif path.startswith("/article/"):
                        pages[path] = page.text.count('<a class="mention ')
            code, _, err = finish(writer)
            assert code == 0, err
            assert failures == []
            assert len(seen_counts) >= 2, "the server was not polled while the ingest was writing"
            for path, marks in pages.items():  # an article page seen mid-ingest equals the finished one
                assert http.get(path).text.count('<a class="mention ') == marks, path
    finally:
        stop_server(server)
    log = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in log and "database is locked" not in log


@pytest.mark.slow  # ingest and server processes, killed and raced
@pytest.mark.parametrize(
    "make_db",
    [
        lambda folder: folder / "missing-folder" / "archive.db",
        lambda folder: (folder / "junk.db").write_bytes(b"not a database " * 100) and folder / "junk.db",
    ],
)
def test_an_unusable_database_is_a_clear_error_naming_it(tmp_path, make_db):
    db = make_db(tmp_path)
    code, _, err = finish(ingest(ROOT / "seeds", db))
    assert code == 2
    assert err.startswith(f"error: {db}: ") and "Traceback" not in err


KILL_WHILE_MAKING_THE_SEARCH_INDEXES = """
import os, signal, sys
import sqlite_utils.db
made = sqlite_utils.db.Database.executescript
def killed(self, script):  # the tables are made, the search indexes not yet
    if "USING FTS5" in script:
        os.kill(os.getpid(), signal.SIGKILL)
    return made(self, script)
sqlite_utils.db.Database.executescript = killed
from ingest.cli import cli
cli.main(args=["ingest", sys.argv[1], "--db", sys.argv[2]])
"""


def indexed_whole(db: Path) -> None:
    with sqlite3.connect(db) as c:
        assert (
            c.execute("select count(*) from sentences_fts").fetchone()
            == c.execute("select count(*) from sentences").fetchone()
        )
        assert c.execute("select count(*) from articles_fts where articles_fts match 'Vostochny'").fetchone()[0] > 0


@pytest.mark.slow  # ingest processes, killed
def test_a_kill_while_a_new_archive_is_made_leaves_nothing_half_made(tmp_path):
    """A new archive is made under a temporary name and renamed into place: a kill before its
    search indexes exist leaves no archive, and the next ingest makes a whole one."""
    db = tmp_path / "archive.db"
    killed = subprocess.run(
        [sys.executable, "-c", KILL_WHILE_MAKING_THE_SEARCH_INDEXES, str(ROOT / "seeds"), str(db)], cwd=ROOT
    )
    assert killed.returncode == -signal.SIGKILL
    assert not db.exists()
    code, _, err = finish(ingest(ROOT / "seeds", db))
    assert code == 0, err
    assert_whole(db)
    indexed_whole(db)


@pytest.mark.slow  # two ingest processes
def test_a_search_index_without_its_triggers_is_made_again_whole(tmp_path):
    """Releases that made an archive in place created a search index and its triggers in
    separate steps, and a kill between them left an index every later article was missing
    from. The next ingest makes such an index again, filled from its table."""
    db = tmp_path / "archive.db"
    code, _, err = finish(ingest(ROOT / "seeds", db))
    assert code == 0, err
    with sqlite3.connect(db) as c:
        for trigger in ("sentences_ai", "sentences_ad", "sentences_au"):
            c.execute(f"drop trigger {trigger}")
        c.execute("insert into sentences_fts (sentences_fts) values ('delete-all')")  # as if written without them
    code, _, err = finish(ingest(ROOT / "seeds", db))
    assert code == 0, err
    assert_whole(db)
    indexed_whole(db)


@pytest.mark.slow  # ingest and server processes, killed and raced
def test_serving_an_interrupted_archive_shows_every_committed_article(tmp_path, corpus):
    """`newsarchive serve` (immutable) after a killed ingest: what the ingest committed may
    still be in the WAL, which an immutable database is read without; serve folds it in first."""
    db = tmp_path / "archive.db"
    process = ingest(corpus, db)
    for _ in range(1000):  # until an article is committed (the first commits are the schema)
        assert wait_for_a_commit(db, process)
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            if c.execute("select count(*) from articles").fetchone()[0]:
                break
    time.sleep(0.3)
    kill(process)
    port = free_port()
    server = start_server(
        [sys.executable, "-m", "ingest", "serve", "--db", str(db), "--port", str(port)], port, tmp_path / "serve.log"
    )
    try:
        served = httpx.get(
            f"http://127.0.0.1:{port}/archive.json", params={"sql": "select count(*) from articles", "_shape": "arrays"}
        ).json()["rows"][0][0]
    finally:
        stop_server(server)
    committed = assert_whole(db)
    assert served == committed > 0
