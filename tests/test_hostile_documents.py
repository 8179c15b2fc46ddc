"""One bad document costs only itself: a JSON file nested 100,000 deep (RecursionError), a lone
surrogate spelled in JSON (UnicodeEncodeError when hashing), a file name that is not UTF-8,
and file names that would forge an error line or send escape codes to the terminal. Before,
the first three lost the whole batch with a traceback (the good files beside them were never
written); now each is reported with its file and reason, or goes in, and the rest go in.
Every file is made here and ingested by the real command.
"""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
from support import ROOT, SEEDS

pytestmark = pytest.mark.slow  # one subprocess ingest of the batch: the command's messages and exit status

SENTENCES = (
    "Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di Kosmodrom Vostochny. "
    "Pertemuan itu berlangsung selama empat jam, kata juru bicara Kremlin Dmitry Peskov kepada wartawan."
)


def ingest(folder, db):
    return subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(folder), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        errors="surrogateescape",
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The hostile files, named to be read first, then two seeds; ingested once."""
    folder = tmp_path_factory.mktemp("batch")
    (folder / "000-deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "001-deep-line.jsonl").write_text(json.dumps({"body": SENTENCES}) + "\n" + "[" * 50_000 + "\n")
    (folder / "002-surrogate.json").write_text(
        '{"title": "Judul \\udcff aneh", "body": "' + SENTENCES + ' Ada \\udcff di sini."}'
    )
    os.close(os.open(os.fsencode(folder) + b"/003-nama-\xff\xfe.txt", os.O_CREAT | os.O_WRONLY))
    with open(os.fsencode(folder) + b"/004-latin-\xe9.txt", "w") as file:
        file.write(f"Judul berkas\n\n{SENTENCES}\n")
    (folder / "005-forged\nerror: all good.txt").write_text("")
    (folder / "006-escape-\x1b[2J\x1b[31m.txt").write_text("")
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (folder / f"z-{seed.name}").write_bytes(seed.read_bytes())
    db = tmp_path_factory.mktemp("db") / "archive.db"
    result = ingest(folder, db)
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    yield result, {row["source"].rsplit("/", 1)[-1]: dict(row) for row in connection.execute("select * from articles")}
    connection.close()


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_the_good_files_go_in_whatever_comes_before_them(batch):
    result, articles = batch
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 1
    assert {name for name in articles if name.startswith("z-")} == {
        f"z-{seed.name}" for seed in sorted(SEEDS.glob("*.txt"))[:2]
    }


def test_json_nested_too_deep_is_reported_with_its_file(batch):
    result, articles = batch
    lines = error_lines(result)
    assert any("000-deep.json: JSON nested too deeply" in line for line in lines), lines
    assert any("001-deep-line.jsonl: line 2: JSON nested too deeply" in line for line in lines), lines


def test_a_lone_surrogate_becomes_a_replacement_character(batch):
    _, articles = batch
    article = articles["002-surrogate.json#1"]
    assert "Ada \ufffd di sini." in article["body"] and article["title"] == "Judul \ufffd aneh"


def test_a_file_name_that_is_not_utf8_is_read_and_named_safely(batch):
    result, articles = batch
    assert "004-latin-\\xe9.txt" in articles  # its bytes kept as escapes in the source
    assert "Putin" in articles["004-latin-\\xe9.txt"]["body"]
    assert any(line.endswith("003-nama-\\xff\\xfe.txt: file is empty") for line in error_lines(result)), result.stderr


def test_file_names_cannot_forge_lines_or_send_escape_codes(batch):
    result, _ = batch
    assert "\x1b" not in result.stderr
    lines = error_lines(result)
    assert not any(line.startswith("error: all good") for line in lines), lines
    assert any("005-forged\\nerror: all good.txt: file is empty" in line for line in lines), lines
    assert any("006-escape-\\x1b[2J\\x1b[31m.txt: file is empty" in line for line in lines), lines
    # one line per failure: the three empty or unreadable names and the two deep JSON files
    assert len(lines) == 5, lines
