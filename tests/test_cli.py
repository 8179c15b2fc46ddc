"""The `newsarchive` command as a user runs it: real files, a real database, a real process.
An archive a test only starts from is ingested by the same command in this process."""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support import ingest_in_process

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "ingest", *args], cwd=cwd, capture_output=True, text=True)


def snapshot(db_path):
    """Everything a researcher could see, minus the ingest timestamp and the mention counters
    (`entities.mentions`, `places.mentions`), which grow when a new article names a known entity."""
    with sqlite3.connect(db_path) as db:
        rows = {
            table: db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("sentences", "mentions", "furniture")
        }
        for table in ("entities", "places"):
            columns = [row[1] for row in db.execute(f"pragma table_info({table})") if row[1] != "mentions"]
            rows[table] = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1").fetchall()
        return rows | {
            "articles": db.execute("SELECT id, title, body, content_hash FROM articles ORDER BY id").fetchall()
        }


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(SEEDS, folder)
    return folder


def test_help_shows_an_example():
    for command in ("ingest", "serve"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "Example:" in result.stdout and f"newsarchive {command}" in result.stdout


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_reingesting_the_same_files_changes_nothing(corpus, tmp_path):
    db = tmp_path / "a.db"
    first = run("ingest", str(corpus), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "5 new" in first.stdout
    before = snapshot(db)
    second = run("ingest", str(corpus), "--db", str(db))
    assert second.returncode == 0
    assert "0 new, 0 updated, 5 unchanged, 0 failed" in second.stdout
    assert snapshot(db) == before


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_an_edited_file_replaces_its_article(corpus, tmp_path):
    db = tmp_path / "a.db"
    ingest_in_process(str(corpus), "--db", str(db))
    path = sorted(corpus.glob("*.txt"))[0]
    path.write_text(
        path.read_text() + "\n\nPresiden Prancis Emmanuel Macron tiba di Jakarta untuk bertemu "
        "para pemimpin ASEAN pada pekan depan.\n",
        encoding="utf-8",
    )
    result = run("ingest", str(corpus), "--db", str(db))
    assert "0 new, 1 updated, 4 unchanged" in result.stdout
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
        surfaces = {row[0] for row in connection.execute("SELECT surface FROM mentions")}
        assert "Emmanuel Macron" in surfaces
        positions = connection.execute(
            "SELECT article_id, position, count(*) FROM sentences GROUP BY 1, 2 HAVING count(*) > 1"
        ).fetchall()
        assert positions == []  # the old sentences were replaced, not added to


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_bad_files_are_reported_by_name_and_the_rest_go_in(corpus, tmp_path):
    db = tmp_path / "a.db"
    ingest_in_process(str(corpus), "--db", str(db))
    before = snapshot(db)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (bad / "broken.json").write_text('{"title": "x", "body": ', encoding="utf-8")
    (bad / "broken.jsonl").write_text('{"title": "a", "body": "Teks pertama yang cukup panjang."}\n{oops\n')
    with open(bad / "huge.txt", "wb") as huge:
        huge.truncate(50 * 1024 * 1024)
    (bad / "cp1252.txt").write_bytes(
        b"Berita Hari Ini\n\n\x93Kami siap,\x94 kata Menteri Luar Negeri Retno Marsudi "
        b"di Jakarta pada hari Senin kepada para wartawan yang hadir di sana."
    )
    (bad / "bom.txt").write_bytes(
        "\ufeffJudul\n\nPresiden Joko Widodo meresmikan bendungan baru di Jawa Tengah "
        "pada hari Kamis bersama gubernur.".encode("utf-8")
    )
    (bad / "records.json").write_text(
        json.dumps(
            [
                {
                    "title": "Kunjungan ke Hanoi",
                    "url": "https://example.org/a/1",
                    "published": "2023-09-13",
                    "outlet": "Example News",
                    "body": "Perdana Menteri Vietnam Pham Minh Chinh menerima delegasi "
                    "Indonesia di Hanoi pada hari Rabu untuk membahas perdagangan.",
                }
            ]
        )
    )
    result = run("ingest", str(bad), "--db", str(db))
    assert result.returncode == 1
    for name, reason in [
        ("empty.txt", "empty"),
        ("binary.txt", "binary"),
        ("broken.json", "invalid JSON"),
        ("broken.jsonl", "line 2"),
        ("huge.txt", "over the 20 MB limit"),
    ]:
        assert any(name in line and reason in line for line in result.stderr.splitlines()), (name, result.stderr)
    assert "3 new" in result.stdout and "5 failed" in result.stdout
    after = snapshot(db)
    for table, rows in before.items():
        assert set(rows) <= set(after[table]), table  # nothing stored before is lost
    with sqlite3.connect(db) as connection:
        bodies = dict(connection.execute("SELECT source, body FROM articles"))
        (cp1252_body,) = [body for source, body in bodies.items() if source.endswith("cp1252.txt")]
        assert cp1252_body.startswith("“Kami siap,” kata")
        (record,) = connection.execute(
            "SELECT title, outlet, published, url FROM articles WHERE url IS NOT NULL"
        ).fetchall()
        assert record == ("Kunjungan ke Hanoi", "Example News", "2023-09-13", "https://example.org/a/1")


def test_missing_path_is_a_clear_error(tmp_path):
    result = run("ingest", str(tmp_path / "nowhere"), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1
    assert "nowhere" in result.stderr and "no such file" in result.stderr


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_an_html_page_goes_in_with_its_metadata(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        """<html lang="id"><head><title>Situs Berita</title>
<meta property="og:title" content="Menlu Bertemu Mitra di Hanoi">
<meta property="og:site_name" content="Berita Contoh">
<meta property="article:published_time" content="2023-09-13T08:00:00+07:00">
<link rel="canonical" href="https://berita.example/hanoi"></head>
<body><nav>Beranda | Dunia</nav><article><h1>Menlu Bertemu Mitra di Hanoi</h1>
<p>Menteri Luar Negeri Retno Marsudi tiba di Hanoi pada hari Rabu untuk bertemu mitranya dari Vietnam.</p>
<p>Baca juga: Harga Beras Naik</p>
<p>"Kerja sama ini penting," kata Retno kepada wartawan di Hanoi.</p></article>
<script>alert(1)</script></body></html>""",
        encoding="utf-8",
    )
    db = tmp_path / "a.db"
    result = run("ingest", str(page), "--db", str(db))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT title, outlet, published, url, language, body FROM articles").fetchone()
        people = {r[0] for r in connection.execute("SELECT e.name FROM entities e WHERE e.type = 'person'")}
    title, outlet, published, url, language, body = row
    assert (title, outlet, published, url, language) == (
        "Menlu Bertemu Mitra di Hanoi",
        "Berita Contoh",
        "2023-09-13",
        "https://berita.example/hanoi",
        "id",
    )
    assert "Baca juga" not in body and "alert" not in body and "Beranda" not in body
    assert "Retno Marsudi" in people


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_two_workers_store_exactly_what_one_does(corpus, tmp_path):
    serial, parallel = tmp_path / "serial.db", tmp_path / "parallel.db"
    ingest_in_process(str(corpus), "--db", str(serial))
    result = run("ingest", str(corpus), "--db", str(parallel), "--workers", "2")
    assert result.returncode == 0, result.stderr
    assert "5 new" in result.stdout
    assert snapshot(parallel) == snapshot(serial)
