"""Spreadsheets of articles (issue 14): CSV and TSV exports as scrapers and newsroom tools
write them, read row by row; a bad row is reported with its line and the others go in."""

import csv
import sqlite3

import pytest
from test_cli import run
from test_sources import write

from ingest.read.sources import SourceError, iter_documents, read_documents
from ingest.read.tabular import parse_columns

LEAD = "Presiden meresmikan bendungan baru di Jawa Tengah pada hari Senin, kata juru bicara Istana kepada wartawan."
SECOND = "Bendungan itu akan mengairi dua puluh ribu hektare sawah di tiga kabupaten, ujar menteri pekerjaan umum."


def rows_to_csv(rows, delimiter=",") -> str:
    lines = []
    for row in rows:
        writer_output = []
        for cell in row:
            text = str(cell)
            if any(ch in text for ch in (delimiter, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            writer_output.append(text)
        lines.append(delimiter.join(writer_output))
    return "\r\n".join(lines) + "\r\n"


def test_columns_found_by_their_common_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = rows_to_csv(
        [
            ["Title", "URL", "Published", "Outlet", "Body", "Language", "views", "Author"],
            [
                "Bendungan Diresmikan",
                "https://contoh.id/1",
                "2024-03-18",
                "Contoh",
                f"{LEAD}\n\n{SECOND}",
                "id",
                "120",
                "Ani",
            ],
            [
                "Harga Beras",
                "https://contoh.id/2",
                "18/03/2024",
                "Contoh",
                "Harga beras turun, kata pedagang.",
                "",
                "7",
                "",
            ],
        ]
    )
    docs = read_documents(write(tmp_path / "export.csv", text))
    assert [d.source for d in docs] == ["export.csv#1", "export.csv#2"]
    assert [d.title for d in docs] == ["Bendungan Diresmikan", "Harga Beras"]
    assert [d.url for d in docs] == ["https://contoh.id/1", "https://contoh.id/2"]
    assert [d.published for d in docs] == ["2024-03-18", "18/03/2024"]
    assert [d.language for d in docs] == ["id", None]
    assert [d.author for d in docs] == ["Ani", None]
    assert docs[0].text == f"{LEAD}\n\n{SECOND}"  # a quoted field across lines, CRLF as \n
    assert {d.format for d in docs} == {"csv"} and {d.outlet for d in docs} == {"Contoh"}


def test_the_other_common_names_text_content_date_source(tmp_path):
    text = rows_to_csv(
        [["judul", "content", "date", "source", "link"], ["x", LEAD, "2024-03-18", "Kompas", "https://k.id/a"]]
    )
    [doc] = read_documents(write(tmp_path / "a.csv", text))
    assert (doc.text, doc.published, doc.outlet, doc.url, doc.title) == (
        LEAD,
        "2024-03-18",
        "Kompas",
        "https://k.id/a",
        None,
    )


def test_mapped_columns_from_an_indonesian_export(tmp_path):
    text = rows_to_csv(
        [
            ["judul", "isi", "tanggal", "media", "tautan"],
            ["Bendungan Diresmikan", LEAD, "18 Maret 2024", "Antara", "https://a.id/1"],
        ]
    )
    columns = parse_columns(["body=isi", "published=tanggal", "title=judul", "outlet=MEDIA", "url=tautan"])
    [doc] = read_documents(write(tmp_path / "ekspor.csv", text), columns)
    assert (doc.title, doc.text, doc.published, doc.outlet, doc.url) == (
        "Bendungan Diresmikan",
        LEAD,
        "18 Maret 2024",
        "Antara",
        "https://a.id/1",
    )


def test_a_mapping_wins_over_a_common_name(tmp_path):
    text = rows_to_csv([["body", "isi_lengkap"], ["ringkasan pendek", LEAD]])
    [doc] = read_documents(write(tmp_path / "a.csv", text), {"body": "isi_lengkap"})
    assert doc.text == LEAD


@pytest.mark.parametrize(
    "pairs, message",
    [
        (["body"], "expected FIELD=COLUMN"),
        (["body="], "expected FIELD=COLUMN"),
        (["penulis=author"], "unknown field 'penulis'"),
    ],
)
def test_malformed_mappings_are_refused(pairs, message):
    with pytest.raises(ValueError, match=message):
        parse_columns(pairs)


def test_a_bad_row_is_reported_with_its_line_and_the_others_go_in(tmp_path):
    text = rows_to_csv(
        [
            ["title", "body", "url"],
            ["Satu", f"{LEAD}\n\n{SECOND}", "https://contoh.id/1"],  # lines 2-4
            ["Kosong", "", "https://contoh.id/2"],  # line 5: no body
            ["Tiga", LEAD, "https://contoh.id/3", "extra", "fields"],  # line 6: too many fields
            [],
            ["Empat", SECOND, "https://contoh.id/4"],  # line 8
        ]
    )
    path = write(tmp_path / "export.csv", text)
    items = list(iter_documents(path))
    errors = [str(item) for item in items if isinstance(item, SourceError)]
    assert errors == [
        f"{path}:5: no article text (the body column is empty)",
        f"{path}:6: 5 fields, the header has 3 (a stray delimiter or quote?)",
    ]
    assert [item.title for item in items if not isinstance(item, SourceError)] == ["Satu", "Empat"]
    with pytest.raises(SourceError, match=r"export\.csv:5: no article text"):
        read_documents(path)


def test_a_row_with_a_nul_byte_is_reported_and_the_others_go_in(tmp_path):
    data = rows_to_csv([["title", "body"], ["Satu", LEAD], ["Dua", "rusak\x00di sini"], ["Tiga", SECOND]]).encode()
    items = list(iter_documents(write(tmp_path / "a.csv", data)))
    errors = [str(item) for item in items if isinstance(item, SourceError)]
    assert len(errors) == 1 and ":3: " in errors[0] and "NUL" in errors[0]
    assert [item.title for item in items if not isinstance(item, SourceError)] == ["Satu", "Tiga"]


def test_a_tsv_with_a_bom_and_a_big_field(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    big = " ".join([LEAD] * 4000)  # about 440 KB, over csv's default field limit of 128 KB
    data = b"\xef\xbb\xbf" + rows_to_csv([["title", "text"], ["Panjang", big], ["Pendek", SECOND]], "\t").encode()
    docs = read_documents(write(tmp_path / "feed.tsv", data))
    assert [d.title for d in docs] == ["Panjang", "Pendek"]  # the BOM is not part of the first header
    assert docs[0].text == big and docs[0].format == "tsv"
    assert csv.field_size_limit() >= len(big)


def test_windows_and_utf16_exports(tmp_path):
    text = rows_to_csv([["title", "body"], ["Caf\u00e9", "\u201cKami siap,\u201d kata Budi."]])
    [cp1252] = read_documents(write(tmp_path / "a.csv", text.encode("cp1252")))
    [utf16] = read_documents(write(tmp_path / "b.csv", text.encode("utf-16")))  # with a BOM, as Excel writes it
    assert cp1252.text == utf16.text == "\u201cKami siap,\u201d kata Budi."
    assert cp1252.title == utf16.title == "Caf\u00e9"


def test_an_html_body_is_read_as_text(tmp_path):
    text = rows_to_csv([["title", "body"], ["Satu", f"<p>{LEAD}</p><p>{SECOND}</p><script>x()</script>"]])
    [doc] = read_documents(write(tmp_path / "a.csv", text))
    assert doc.text == f"{LEAD}\n\n{SECOND}"


@pytest.mark.parametrize(
    "content, columns, reason",
    [
        (b"", None, "file is empty"),
        (b"title,body\r\n", None, "no rows under the header"),
        (
            b"judul,isi\r\nSatu,Isi.\r\n",
            None,
            "no article text column (expected one of: body, text, content, or --column body=NAME; columns: judul, isi)",
        ),
        (b"judul,isi\r\nSatu,Isi.\r\n", {"body": "konten"}, "no column 'konten' for body (columns: judul, isi)"),
        (bytes(range(1, 32)) * 20, None, "looks like a binary file"),
    ],
)
def test_files_that_cannot_be_read_are_refused_by_name(tmp_path, content, columns, reason):
    path = write(tmp_path / "a.csv", content)
    with pytest.raises(SourceError) as error:
        list(iter_documents(path, columns))
    assert str(error.value).startswith(f"{path}: {reason}")


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_ingest_with_mapped_columns_reruns_and_edits(tmp_path):
    rows = [
        ["judul", "isi", "tanggal", "url"],
        ["Bendungan Diresmikan", f"{LEAD}\n\n{SECOND}", "2024-03-18", "https://contoh.id/bendungan"],
        ["Rusak", "", "2024-03-18", "https://contoh.id/rusak"],
        [
            "Harga Beras Turun",
            "Harga beras di pasar induk mulai turun pekan ini, kata para pedagang kepada wartawan.",
            "2024-03-19",
            "https://contoh.id/beras",
        ],
    ]
    export = tmp_path / "ekspor.csv"
    export.write_text(rows_to_csv(rows), encoding="utf-8")
    db = tmp_path / "a.db"
    args = (
        "ingest",
        str(export),
        "--db",
        str(db),
        "--column",
        "body=isi",
        "--column",
        "published=tanggal",
        "--column",
        "title=judul",
    )
    first = run(*args)
    assert first.returncode == 1  # one row failed
    assert f"error: {export}:5: no article text (the body column is empty)" in first.stderr
    assert "articles: 2 new, 0 updated, 0 unchanged, 1 failed" in first.stdout
    with sqlite3.connect(db) as connection:
        stored = connection.execute("SELECT id, title, published, url, format FROM articles ORDER BY url").fetchall()
    assert [row[1:] for row in stored] == [
        ("Bendungan Diresmikan", "2024-03-18", "https://contoh.id/bendungan", "csv"),
        ("Harga Beras Turun", "2024-03-19", "https://contoh.id/beras", "csv"),
    ]
    again = run(*args)
    assert "articles: 0 new, 0 updated, 2 unchanged, 1 failed" in again.stdout
    # The export re-made with a row added at the top and one article edited: ids follow the URL.
    rows.insert(
        1,
        [
            "Baru",
            "Gempa mengguncang Lombok pada Selasa pagi, kata petugas BMKG kepada wartawan.",
            "2024-03-20",
            "https://contoh.id/gempa",
        ],
    )
    rows[-1][1] = "Harga beras di pasar induk turun lagi pekan ini, kata para pedagang kepada wartawan."
    export.write_text(rows_to_csv(rows), encoding="utf-8")
    edited = run(*args)
    assert "articles: 1 new, 2 updated, 0 unchanged, 1 failed" in edited.stdout, edited.stdout
    with sqlite3.connect(db) as connection:
        after = dict(connection.execute("SELECT url, id FROM articles"))
        body = connection.execute("SELECT body FROM articles WHERE url = 'https://contoh.id/beras'").fetchone()[0]
    assert {url: after[url] for _, _, _, url, _ in stored} == {row[3]: row[0] for row in stored}
    assert "turun lagi" in body


def test_a_bad_column_option_is_a_usage_error(tmp_path):
    export = write(tmp_path / "a.csv", "body\r\nIsi.\r\n")
    result = run("ingest", str(export), "--db", str(tmp_path / "a.db"), "--column", "isi")
    assert result.returncode == 2
    assert "--column" in result.stderr and "expected FIELD=COLUMN" in result.stderr
    assert not (tmp_path / "a.db").exists()
