"""Hostile and broken input (issue 6): one batch of bad files built here, ingested by the real
command. Every file has a stated outcome, either stored correctly (checked in the database)
or refused with an error line naming the file and the reason, and the rest of the batch goes in.
"""

import codecs
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

SEED = ROOT / "seeds"
SENTENCES = (
    "Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di Kosmodrom Vostochny. "
    "Pertemuan itu berlangsung selama empat jam, kata juru bicara Kremlin Dmitry Peskov kepada wartawan."
)
ZERO_WIDTH_RTL = "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u200f\u200e\u2066\u2069"
EMOJI = "🇷🇺🤝🇰🇵 👍🏽 👨‍👩‍👧"
SCRIPT = "<script>alert('xss')</script>"


def page(body: str, title: str = "Putin dan Kim bertemu di Vostochny") -> str:
    """A scraped page as .txt: headline, date line, then the body."""
    return f"{title}\nRabu, 13 September 2023 15:00 WIB\n\n{body}\n"


# name -> (bytes to write, expected outcome): "error: <reason>" or a function checking the stored row.
def stored_body_contains(*parts):
    def check(row):
        for part in parts:
            assert part in row["body"], (part, row["body"][:200])

    return check


CASES = {
    "empty.txt": (b"", "error: file is empty"),
    "whitespace.txt": (b" \n\t\n  ", "error: file has no text (only whitespace)"),
    "binary.txt": (random.Random(6).randbytes(4096), "error: looks like a binary file"),
    "binary-without-nul.txt": (
        bytes(b for b in random.Random(7).randbytes(8192) if b)[:4095],
        "error: looks like a binary file",
    ),
    "punctuation-only.txt": (b")" * 4096, "error: no article text left after removing page furniture"),
    "nul-bytes.txt": (
        page(SENTENCES).encode() + b"\x00\x00abc",
        "error: looks like a binary file (contains NUL bytes)",
    ),
    "cp1252.txt": (
        page(SENTENCES + " \u201cKami sepakat\u201d \u2013 ujar Putin \u20ac5.").encode("cp1252"),
        stored_body_contains("\u201cKami sepakat\u201d \u2013 ujar Putin \u20ac5."),
    ),
    "latin1.txt": (
        page(SENTENCES + " Kafe \u00abCaf\u00e9 M\u00fcnchen\u00bb di Pyongyang buka lagi.").encode("latin-1"),
        stored_body_contains("Kafe \u00abCaf\u00e9 M\u00fcnchen\u00bb di Pyongyang buka lagi."),
    ),
    "utf16.txt": (
        page(SENTENCES + " Łódź dan Škoda.").encode("utf-16"),
        stored_body_contains(SENTENCES, "Łódź dan Škoda."),
    ),
    "utf16be-no-bom.txt": (page(SENTENCES).encode("utf-16-be"), stored_body_contains(SENTENCES)),
    "utf8-bom.txt": (codecs.BOM_UTF8 + page(SENTENCES).encode(), stored_body_contains(SENTENCES)),
    "zero-width-rtl.txt": (
        page(f"Presiden{ZERO_WIDTH_RTL} Putin bertemu Kim \u202eJong Un\u202c di Vostochny. " + SENTENCES).encode(),
        stored_body_contains(ZERO_WIDTH_RTL, SENTENCES),
    ),
    "emoji.txt": (
        page(f"Putin {EMOJI} bertemu Kim di Vostochny {EMOJI}. " + SENTENCES).encode(),
        stored_body_contains(EMOJI, SENTENCES),
    ),
    "markup-in-text.txt": (
        page(
            f"{SCRIPT} {SENTENCES} <b onmouseover=alert(1)>tebal</b>",
            title=f"{SCRIPT} Putin <img src=x onerror=alert(1)>",
        ).encode(),
        stored_body_contains(SCRIPT, "<b onmouseover=alert(1)>tebal</b>"),
    ),
    "malformed.html": (
        (
            "<html><head><title>Putin & Kim <unclosed</title><body><div><p>"
            + SENTENCES
            + "<p>Paragraf kedua tanpa penutup <b>tebal <i>miring</b> salah urut."
            + "<script>alert(1)</script><table><tr><td>sel</div></p></html><<>>&&;"
        ).encode(),
        stored_body_contains(SENTENCES, "Paragraf kedua tanpa penutup tebal miring salah urut."),
    ),
    "malformed.json": (b'{"title": "Putin", "body": "Presiden Putin', "error: invalid JSON at line 1"),
    "malformed.jsonl": (json.dumps({"body": SENTENCES}).encode() + b"\n{not json}\n", "error: line 2: invalid JSON"),
    "wrong-shape.json": (b'[{"title": 5, "body": ["a", 1]}]', "error: record 1: 'body' should be text, not list"),
    "hostile.json": (
        json.dumps(
            {
                "title": f"{SCRIPT} Judul <img src=x onerror=alert(2)>",
                "outlet": f"{SCRIPT}<i>Outlet</i>",
                "url": "https://example.org/a?x=<script>",
                "body": f'{SENTENCES} {SCRIPT} dan "><svg onload=alert(3)>',
            }
        ).encode(),
        stored_body_contains(SENTENCES, SCRIPT, '"><svg onload=alert(3)>'),
    ),
}
HUGE = 50 * 1024 * 1024
LONG_LINE = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The bad files plus two good seeds, ingested in one run: (returncode, stderr, rows by file name, db)."""
    folder = tmp_path_factory.mktemp("hostile") / "batch"
    folder.mkdir()
    for name, (content, _) in CASES.items():
        (folder / name).write_bytes(content)
    with open(folder / "huge-sparse.txt", "wb") as file:  # 50 MB on disk as a hole: refused from its size
        file.truncate(HUGE)
    # One 5 MB line with no sentence end (a minified blob saved as text): all headline, no body.
    words = "Presiden Putin bertemu Kim di Vostochny dan Moskow membahas kerja sama "
    (folder / "one-long-line.txt").write_text((words * (LONG_LINE // len(words) + 1))[:LONG_LINE])
    good = sorted(SEED.glob("*.txt"))[:2]
    for seed in good:
        (folder / seed.name).write_bytes(seed.read_bytes())
    db = folder.parent / "hostile.db"
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(folder), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    rows = {Path(row["source"].split("#")[0]).name: dict(row) for row in connection.execute("select * from articles")}
    connection.close()
    return result.returncode, result.stderr, rows, db, folder, [seed.name for seed in good]


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error: ")]


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_bad_file_has_its_stated_outcome(batch, name):
    code, stderr, rows, db, folder, _ = batch
    expected = CASES[name][1]
    mine = [line for line in error_lines(stderr) if f"{folder / name}:" in line]
    if isinstance(expected, str):
        assert name not in rows
        assert len(mine) == 1, stderr
        assert mine[0].startswith(f"error: {folder / name}: {expected.removeprefix('error: ')}"), mine
    else:
        assert mine == [], mine
        assert name in rows, stderr
        expected(rows[name])
        assert rows[name]["sentence_count"] > 0


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
def test_a_50_mb_file_is_refused_by_size_and_a_5_mb_line_without_sentences_is_refused(batch):
    code, stderr, rows, db, folder, _ = batch
    lines = error_lines(stderr)
    assert f"error: {folder / 'huge-sparse.txt'}: file is 50.0 MB, over the 20 MB limit" in lines
    assert f"error: {folder / 'one-long-line.txt'}: no article text left after removing page furniture" in lines
    assert "huge-sparse.txt" not in rows and "one-long-line.txt" not in rows


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
def test_the_rest_of_the_batch_goes_in_and_the_exit_status_is_1(batch):
    code, stderr, rows, db, folder, good = batch
    assert code == 1
    assert set(good) <= set(rows)
    refused = [name for name, (_, outcome) in CASES.items() if isinstance(outcome, str)]
    assert len(error_lines(stderr)) == len(refused) + 2  # + the 50 MB file and the 5 MB line
    assert "Traceback" not in stderr


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
def test_markup_is_stored_as_text_in_title_outlet_and_body(batch):
    rows = batch[2]
    hostile = rows["hostile.json"]
    assert hostile["title"] == f"{SCRIPT} Judul <img src=x onerror=alert(2)>"
    assert hostile["outlet"] == f"{SCRIPT}<i>Outlet</i>"
    assert rows["markup-in-text.txt"]["title"] == f"{SCRIPT} Putin <img src=x onerror=alert(1)>"
    assert "<script>" not in rows["malformed.html"]["body"] and "alert(1)" not in rows["malformed.html"]["body"]


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
def test_bom_is_dropped_and_encodings_give_the_same_text(batch):
    rows = batch[2]
    assert not rows["utf8-bom.txt"]["raw"].startswith("\ufeff")
    assert not rows["utf16.txt"]["raw"].startswith("\ufeff")
    assert rows["utf8-bom.txt"]["body"] == rows["utf16be-no-bom.txt"]["body"]
    assert rows["utf8-bom.txt"]["title"] == rows["utf16be-no-bom.txt"]["title"] == "Putin dan Kim bertemu di Vostochny"


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
def test_every_stored_offset_holds_for_hostile_articles(batch):
    db = batch[3]
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        c.execute("INSERT INTO sentences_fts(sentences_fts, rank) VALUES ('integrity-check', 1)")
        for body, start, end, text in c.execute(
            "select a.body, s.char_start, s.char_end, s.text from sentences s join articles a on a.id = s.article_id"
        ):
            assert body[start:end] == text
        for text, start, end, surface in c.execute(
            "select s.text, m.char_start, m.char_end, m.surface from mentions m join sentences s on s.id = m.sentence_id"
        ):
            assert text[start:end] == surface
        for raw, start, end, text in c.execute(
            "select a.raw, f.raw_start, f.raw_end, f.text from furniture f join articles a on a.id = f.article_id"
        ):
            assert raw[start:end] == text
        # SQLite counts characters as Python does: substr() agrees with the stored offsets.
        assert (
            c.execute("""select count(*) from sentences s join articles a on a.id = s.article_id
                            where substr(a.body, s.char_start + 1, s.char_end - s.char_start) != s.text""").fetchone()[
                0
            ]
            == 0
        )


@pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status
def test_the_50_mb_file_is_not_read(batch):
    folder = batch[4]
    assert os.stat(folder / "huge-sparse.txt").st_blocks * 512 < HUGE  # it stayed sparse: nothing was written
