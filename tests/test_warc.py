"""Web archives (issue 14): WARC files written here with warcio's own writer, as crawlers
write them (request, response, revisit, DNS, non-HTML records; gzip per record), and broken
ones; read record by record into articles, and ingested by the real command."""

import gzip
import io
import sqlite3
from pathlib import Path

import pytest
from test_cli import run
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingest.read.sources import Skipped, SourceError, iter_documents, read_documents

LAYOUT = """<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{title} | Warta Contoh</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Warta Contoh">
<meta name="author" content="Rina Wulandari">
{date}</head>
<body><header><nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a> <a href="/dunia">Dunia</a></nav></header>
<main><article><h1>{title}</h1>
<p>{lead} kata juru bicara pemerintah kepada wartawan di Jakarta pada hari Senin, seperti dikutip kantor berita.</p>
<p>Keputusan itu diambil setelah rapat terbatas yang dipimpin Presiden di Istana Merdeka dan dihadiri para menteri.</p>
<p>Pemerintah daerah diminta menyiapkan anggaran dan petugas di lapangan sebelum akhir bulan ini, ujarnya.</p>
</article><aside><h2>Terpopuler</h2><ul><li><a href="/x">Harga Cabai Melonjak</a></li></ul></aside></main>
<footer>Hak cipta Warta Contoh</footer></body></html>"""

PAGES = [
    ("https://warta.example/nasional/bansos", "Bansos Cair Pekan Depan", "Bantuan sosial akan cair pekan depan,"),
    ("https://warta.example/dunia/gempa", "Gempa Guncang Lombok", "Gempa bermagnitudo 5,2 mengguncang Lombok,"),
    ("https://warta.example/ekonomi/beras", "Harga Beras Turun", "Harga beras di pasar induk mulai turun,"),
]


def page(title, lead, date=""):
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    return LAYOUT.format(title=title, lead=lead, date=meta).encode("utf-8")


def http(body: bytes, content_type="text/html; charset=utf-8", status="200 OK"):
    return StatusAndHeaders(
        status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )


def write_warc(path: Path, records, gzipped: bool) -> Path:
    """`records`: ("response", url, body, content_type, status) / ("request", url) / ("revisit", url)
    / ("dns", host) / ("warcinfo",)."""
    with open(path, "wb") as file:
        writer = WARCWriter(file, gzip=gzipped)
        for kind, *rest in records:
            if kind == "response":
                url, body, content_type, status, date = rest
                headers = {"WARC-Date": date} if date else None
                record = writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http(body, content_type, status),
                    warc_headers_dict=headers,
                )
            elif kind == "request":
                (url,) = rest
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "warta.example")], is_http_request=True)
                record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
            elif kind == "revisit":
                (url,) = rest
                record = writer.create_revisit_record(
                    url, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", url, "20240318000000"
                )
            elif kind == "dns":
                (host,) = rest
                record = writer.create_warc_record(
                    f"dns:{host}",
                    "resource",
                    payload=io.BytesIO(b"20240318 warta.example. 300 IN A 10.0.0.1\n"),
                    warc_content_type="text/dns",
                )
            else:
                record = writer.create_warcinfo_record("crawl.warc", {"software": "test"})
            writer.write_record(record)
    return path


def crawl(date_of_first="2024-03-18T08:00:00+07:00"):
    """A crawl as wget or Browsertrix writes it: warcinfo, DNS, request/response pairs, an image,
    a JSON API call, a redirect and a revisit of a page already captured."""
    (url1, title1, lead1), (url2, title2, lead2), (url3, title3, lead3) = PAGES
    return [
        ("warcinfo",),
        ("dns", "warta.example"),
        ("request", url1),
        ("response", url1, page(title1, lead1, date_of_first), "text/html; charset=utf-8", "200 OK", None),
        ("request", url2),
        ("response", url2, page(title2, lead2), "text/html", "200 OK", "2024-03-19T10:11:12Z"),
        ("response", "https://warta.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png", "200 OK", None),
        ("response", "https://warta.example/api/terkini", b'{"berita": []}', "application/json", "200 OK", None),
        (
            "response",
            "https://warta.example/lama",
            b"<html><body>Moved</body></html>",
            "text/html",
            "301 Moved Permanently",
            None,
        ),
        ("revisit", url1),
        ("response", url3, page(title3, lead3), "application/xhtml+xml", "200 OK", "2024-03-20T00:00:00Z"),
    ]


@pytest.mark.parametrize("name, gzipped", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_every_html_response_is_an_article_and_the_rest_are_counted(tmp_path, monkeypatch, name, gzipped):
    monkeypatch.chdir(tmp_path)
    path = write_warc(tmp_path / name, crawl(), gzipped)
    if gzipped:
        assert path.read_bytes()[:2] == b"\x1f\x8b"
    items = list(iter_documents(Path(name)))
    documents = [item for item in items if not isinstance(item, Skipped)]
    skipped = sorted(item.kind for item in items if isinstance(item, Skipped))
    assert skipped == ["dns", "non-2xx", "non-HTML", "non-HTML", "request", "request", "revisit", "warcinfo"]
    assert [d.url for d in documents] == [url for url, _, _ in PAGES]
    assert [d.title for d in documents] == [title for _, title, _ in PAGES]
    assert {d.format for d in documents} == {"warc"}
    assert [d.source for d in documents] == [f"{name}#{url}" for url, _, _ in PAGES]
    first, second, third = documents
    assert first.published == "2024-03-18"  # the page's own date wins
    assert (second.published, third.published) == ("2024-03-19T10:11:12Z", "2024-03-20T00:00:00Z")  # WARC-Date
    assert "Bantuan sosial akan cair pekan depan" in first.text
    assert "Beranda" not in first.text and "Harga Cabai" not in first.text
    assert first.outlet == "Warta Contoh" and first.language == "id"


def test_a_payload_in_the_charset_its_response_states(tmp_path):
    body = page("Berita Lama", "\u201cKami siap,\u201d").decode().replace('<meta charset="utf-8">', "").encode("cp1252")
    path = write_warc(
        tmp_path / "a.warc",
        [("response", "https://warta.example/a", body, "text/html; charset=windows-1252", "200 OK", None)],
        False,
    )
    [document] = read_documents(path)
    assert "\u201cKami siap,\u201d kata juru bicara" in document.text


def page_offsets(path: Path) -> list[int]:
    """Where each of PAGES' response records starts, as warcio counts it."""
    offsets = []
    with open(path, "rb") as file:
        records = ArchiveIterator(file)
        for record in records:
            if (
                record.rec_headers.get_header("WARC-Target-URI") in {url for url, _, _ in PAGES}
                and record.rec_type == "response"
            ):
                offsets.append(records.get_record_offset())
    return offsets


def corrupt_middle(path: Path, gzipped: bool) -> int:
    """Overwrite the second HTML response's record with junk; returns its offset."""
    data = bytearray(path.read_bytes())
    offset = page_offsets(path)[1]
    data[offset + 3 : offset + 60] = b"\x00garbage!" * 6 + b"\x00" * (57 - 54)
    path.write_bytes(bytes(data))
    return offset


@pytest.mark.parametrize("name, gzipped", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_a_corrupt_record_is_reported_with_its_offset_and_the_others_go_in(tmp_path, name, gzipped):
    path = write_warc(tmp_path / name, crawl(), gzipped)
    offset = corrupt_middle(path, gzipped)
    items = list(iter_documents(path))
    errors = [item for item in items if isinstance(item, SourceError)]
    documents = [item for item in items if not isinstance(item, (SourceError, Skipped))]
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{path}: record at offset {offset}: corrupt record")
    # The record before and the one after the broken one still go in.
    assert [d.url for d in documents] == [PAGES[0][0], PAGES[2][0]]
    with pytest.raises(SourceError, match=f"record at offset {offset}"):
        read_documents(path)  # the strict reader refuses the file


@pytest.mark.parametrize("name, gzipped", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_a_truncated_warc_keeps_the_records_before_the_cut(tmp_path, name, gzipped):
    path = write_warc(tmp_path / name, crawl(), gzipped)
    last = page_offsets(path)[2]
    path.write_bytes(path.read_bytes()[: last + 700])  # the file ends inside the last page
    items = list(iter_documents(path))
    errors = [str(item) for item in items if isinstance(item, SourceError)]
    documents = [item for item in items if not isinstance(item, (SourceError, Skipped))]
    assert [d.url for d in documents] == [PAGES[0][0], PAGES[1][0]]
    assert len(errors) == 1 and errors[0].startswith(f"{path}: record at offset {last}: ")
    assert "truncated" in errors[0] or "corrupt" in errors[0]


def test_a_truncated_header_at_the_end_is_reported(tmp_path):
    path = write_warc(tmp_path / "a.warc", crawl()[:4], False)
    size = path.stat().st_size
    path.write_bytes(path.read_bytes() + b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Tar")
    errors = [str(i) for i in iter_documents(path) if isinstance(i, SourceError)]
    assert len(errors) == 1 and errors[0].startswith(f"{path}: record at offset {size}: ")
    assert "truncated" in errors[0] or "corrupt" in errors[0]
    assert len(read_documents(write_warc(tmp_path / "b.warc", crawl()[:4], False))) == 1


def test_a_file_that_is_not_a_warc_is_refused_by_name(tmp_path):
    path = tmp_path / "notes.warc"
    path.write_text("just some notes, not an archive\n")
    errors = [str(i) for i in iter_documents(path) if isinstance(i, SourceError)]
    assert len(errors) == 1 and errors[0].startswith(f"{path}: record at offset 0: corrupt record")
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    with pytest.raises(SourceError, match="file is empty"):
        list(iter_documents(empty))


def test_a_warc_is_not_held_to_the_size_limit_of_whole_files(tmp_path, monkeypatch):
    import ingest.read.sources

    monkeypatch.setattr(ingest.read.sources, "MAX_FILE_BYTES", 1000)
    path = write_warc(tmp_path / "a.warc.gz", crawl(), True)
    assert path.stat().st_size > 1000
    assert len(read_documents(path)) == 3


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_ingest_a_warc_then_again_then_with_an_edited_page(tmp_path):
    warc = write_warc(tmp_path / "crawl.warc.gz", crawl(), True)
    db = tmp_path / "a.db"
    first = run("ingest", str(warc), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "articles: 3 new" in first.stdout
    assert (
        "skipped: 8 records without an article (1 dns, 1 non-2xx, 2 non-HTML, 2 request, 1 revisit, 1 warcinfo)"
        in first.stdout
    )
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT id, url, title, format FROM articles ORDER BY url").fetchall()
        authors = {author for (author,) in connection.execute("SELECT author FROM articles")}
    assert authors == {"Rina Wulandari"}
    assert [(url, fmt) for _, url, _, fmt in rows] == sorted((url, "warc") for url, _, _ in PAGES)
    again = run("ingest", str(warc), "--db", str(db))
    assert "articles: 0 new, 0 updated, 3 unchanged, 0 failed" in again.stdout
    # The crawl re-run: the first page's text changed; its article is replaced, under the same id.
    records = crawl()
    url1, title1, _ = PAGES[0]
    records[3] = (
        "response",
        url1,
        page(title1, "Bantuan sosial ditunda sampai bulan depan,"),
        "text/html",
        "200 OK",
        None,
    )
    write_warc(warc, records, True)
    edited = run("ingest", str(warc), "--db", str(db))
    assert "articles: 0 new, 1 updated, 2 unchanged, 0 failed" in edited.stdout, edited.stdout
    with sqlite3.connect(db) as connection:
        after = connection.execute("SELECT id, url, title, format FROM articles ORDER BY url").fetchall()
        body = connection.execute("SELECT body FROM articles WHERE url = ?", (url1,)).fetchone()[0]
    assert [row[0] for row in after] == [row[0] for row in rows]
    assert "ditunda sampai bulan depan" in body


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_ingest_reports_a_corrupt_record_and_keeps_the_others(tmp_path):
    warc = write_warc(tmp_path / "crawl.warc", crawl(), False)
    offset = corrupt_middle(warc, False)
    result = run("ingest", str(warc), "--db", str(tmp_path / "a.db"))
    assert result.returncode == 1
    assert f"error: {warc}: record at offset {offset}: corrupt record" in result.stderr
    assert "articles: 2 new, 0 updated, 0 unchanged, 1 failed" in result.stdout


@pytest.mark.slow  # subprocess ingests: the command's own output
def test_a_page_captured_twice_goes_in_once(tmp_path):
    records = crawl()
    url1, title1, _ = PAGES[0]
    records.append(("response", url1, page(title1, "Versi kedua dari halaman yang sama,"), "text/html", "200 OK", None))
    warc = write_warc(tmp_path / "crawl.warc", records, False)
    db = tmp_path / "a.db"
    first = run("ingest", str(warc), "--db", str(db))
    assert "articles: 3 new" in first.stdout and "1 repeats of an article read earlier in this run" in first.stdout
    again = run("ingest", str(warc), "--db", str(db))
    assert "articles: 0 new, 0 updated, 3 unchanged, 0 failed" in again.stdout


def test_gzip_member_per_record(tmp_path):
    path = write_warc(tmp_path / "crawl.warc.gz", crawl(), True)
    with gzip.open(path) as unpacked:
        assert unpacked.read().count(b"WARC/1.") == len(crawl())


def test_big_non_html_payloads_are_skipped_unread(tmp_path, monkeypatch):
    import ingest.read.warc

    monkeypatch.setattr(ingest.read.warc, "MAX_RECORD_BYTES", 10_000)
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(50_000)
    big_page = page("Halaman Besar", "Halaman ini besar sekali,").replace(
        b"</article>", b"<p>" + b"kata " * 4000 + b"</p></article>"
    )
    records = [
        ("response", "https://warta.example/video.mp4", video, "video/mp4", "200 OK", None),
        ("response", "https://warta.example/besar", big_page, "text/html", "200 OK", None),
        ("response", PAGES[0][0], page(PAGES[0][1], PAGES[0][2]), "text/html", "200 OK", None),
    ]
    path = write_warc(tmp_path / "a.warc", records, False)
    items = list(iter_documents(path))
    assert items[0] == Skipped("non-HTML")  # over the limit, but never read
    assert isinstance(items[1], SourceError)
    assert str(items[1]).startswith(f"{path}: record at offset ") and "payload over the" in str(items[1])
    assert items[2].url == PAGES[0][0]


def test_a_response_without_content_type_is_sniffed(tmp_path):
    body = page("Tanpa Tipe", "Halaman tanpa Content-Type,")
    path = tmp_path / "a.warc"
    with open(path, "wb") as file:
        writer = WARCWriter(file, gzip=False)
        for url, payload in (("https://warta.example/tanpa", body), ("https://warta.example/data", b"\x89PNG\r\n")):
            headers = StatusAndHeaders("200 OK", [("Content-Length", str(len(payload)))], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=headers)
            )
    items = list(iter_documents(path))
    assert items[0].url == "https://warta.example/tanpa" and items[1] == Skipped("non-HTML")
