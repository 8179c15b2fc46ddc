"""HTML pages (issue 14): trafilatura finds the article among real-looking page layouts,
with its title, date, site name and URL; our furniture rules still run on its text."""

import pytest
from test_sources import read_one, write

from ingest.extract.clean import clean
from ingest.read.htmlpage import block_text, fragment_text
from ingest.read.sources import SourceError, read_documents

# A news page as Indonesian outlets lay them out: menus, a breadcrumb, share buttons, the
# article with a read-also box in it, a list of related stories, comments and a footer.
NEWS_PAGE = """<!DOCTYPE html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <title>Putin Bertemu Kim Jong Un di Vostochny - Contoh News</title>
  <meta property="og:title" content="Putin Bertemu Kim Jong Un di Vostochny">
  <meta property="og:site_name" content="Contoh News">
  <meta property="article:published_time" content="2023-09-13T10:00:00+07:00">
  <meta name="author" content="Budi Santoso">
  <link rel="canonical" href="https://www.contoh.id/internasional/putin-kim">
  <script>window.dataLayer = [];</script>
  <style>.menu { color: red }</style>
</head>
<body>
  <header class="site-header"><a href="/">Contoh News</a>
    <nav><ul><li><a href="/">Beranda</a></li><li><a href="/politik">Politik</a></li>
    <li><a href="/ekonomi">Ekonomi</a></li><li><a href="/olahraga">Olahraga</a></li></ul></nav></header>
  <div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/internasional">Internasional</a></div>
  <main>
    <article class="detail">
      <h1 class="detail__title">Putin Bertemu Kim Jong Un di Vostochny</h1>
      <div class="detail__author">Budi Santoso - detikNews</div>
      <div class="detail__date">Rabu, 13 Sep 2023 10:00 WIB</div>
      <div class="share"><a href="#">Bagikan</a> <a href="#">Tweet</a></div>
      <div class="detail__body">
        <p>JAKARTA - Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara Kim Jong Un di
           Kosmodrom Vostochny pada hari Rabu, kata juru bicara Kremlin Dmitry Peskov.</p>
        <p>Pertemuan itu berlangsung lebih dari empat jam dan membahas kerja sama militer,
           menurut kantor berita negara Rusia RIA Novosti yang mengutip sumber di Kremlin.</p>
        <p>"Kami akan bekerja sama di semua bidang," kata Putin kepada wartawan setelah pertemuan
           itu, sementara Kim menyebut Rusia sebagai mitra terpenting negaranya.</p>
        <p>Kim tiba dengan kereta lapis baja pribadinya setelah perjalanan dua hari dari Pyongyang,
           dan akan mengunjungi pabrik pesawat di Komsomolsk-on-Amur sebelum pulang.</p>
        <p>Amerika Serikat memperingatkan bahwa setiap kesepakatan senjata antara kedua negara
           akan melanggar resolusi Dewan Keamanan Perserikatan Bangsa-Bangsa.</p>
      </div>
    </article>
    <section class="related"><h2>Berita Terkait</h2><ul>
      <li><a href="/a">Harga Beras Naik di Pasar Induk</a></li>
      <li><a href="/b">Timnas Menang Tipis atas Vietnam</a></li>
      <li><a href="/c">Banjir Rendam Ribuan Rumah di Demak</a></li></ul></section>
    <section class="comments" id="comments"><h2>Komentar</h2>
      <div class="comment"><p>Semoga damai selalu, warga net menulis komentar panjang di sini.</p></div></section>
  </main>
  <footer><p>Hak cipta 2023 Contoh News. Semua hak dilindungi.</p>
    <ul><li><a href="/tentang">Tentang Kami</a></li><li><a href="/kontak">Kontak</a></li></ul></footer>
</body>
</html>
"""


def test_the_article_is_found_among_the_page_furniture(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = read_one(write(tmp_path / "berita.html", NEWS_PAGE))
    assert doc.source == "berita.html" and doc.format == "html"
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0] == "Putin Bertemu Kim Jong Un di Vostochny"  # the headline, which cleaning takes out
    assert paragraphs[1].startswith("JAKARTA - Presiden Rusia Vladimir Putin bertemu pemimpin Korea Utara")
    # One paragraph per line, the page source's line breaks inside a paragraph collapsed.
    assert "Kim Jong Un di Kosmodrom Vostochny pada hari Rabu" in paragraphs[1]
    assert clean(doc.text, doc.title).body.startswith("Presiden Rusia")  # headline and dateline taken out
    assert any(p.startswith("Amerika Serikat memperingatkan") for p in paragraphs)
    for furniture in (
        "Beranda",
        "Berita Terkait",
        "Harga Beras",
        "Semoga damai",
        "Hak cipta",
        "Tentang Kami",
        "dataLayer",
    ):
        assert furniture not in doc.text


def test_the_metadata_comes_from_the_page(tmp_path):
    doc = read_one(write(tmp_path / "berita.html", NEWS_PAGE))
    assert doc.title == "Putin Bertemu Kim Jong Un di Vostochny"
    assert doc.outlet == "Contoh News"
    assert doc.published == "2023-09-13"
    assert doc.url == "https://www.contoh.id/internasional/putin-kim"
    assert doc.language == "id"
    assert doc.author == "Budi Santoso"


def test_our_furniture_rules_still_run_on_the_extracted_text(tmp_path):
    page = NEWS_PAGE.replace(
        "<p>Amerika Serikat",
        "<p>Baca juga: Kim Jong Un Tiba di Rusia dengan Kereta Lapis Baja</p><p>Amerika Serikat",
    )
    doc = read_one(write(tmp_path / "berita.html", page))
    assert "Baca juga: Kim Jong Un Tiba di Rusia" in doc.text  # trafilatura keeps it as a paragraph
    cleaned = clean(doc.text, doc.title)
    assert "Baca juga" not in cleaned.body
    assert [f.kind for f in cleaned.furniture if f.text.startswith("Baca juga")] == ["read_also"]


def test_a_page_without_metadata_falls_back_to_what_htmldate_finds(tmp_path):
    page = """<html><head><title>Banjir di Demak</title></head><body>
      <div class="post"><h2>Banjir di Demak</h2><p class="date">Diterbitkan 2024-03-18</p>
      <p>Banjir merendam ribuan rumah di Kabupaten Demak, Jawa Tengah, setelah tanggul Sungai Wulan jebol
         akibat hujan deras yang mengguyur wilayah itu sejak Rabu malam, kata petugas BPBD setempat.</p>
      <p>Sebanyak dua puluh ribu warga mengungsi ke balai desa dan masjid terdekat, sementara petugas gabungan
         terus mengevakuasi warga lanjut usia dan anak-anak dengan perahu karet.</p></div></body></html>"""
    doc = read_one(write(tmp_path / "demak.htm", page))
    assert doc.title == "Banjir di Demak"
    assert doc.published == "2024-03-18"
    assert (doc.url, doc.language) == (None, None)
    assert "Banjir merendam ribuan rumah di Kabupaten Demak" in doc.text


def test_a_page_in_windows_encoding(tmp_path):
    page = NEWS_PAGE.replace('"Kami akan', "\u201cKami akan").replace('bidang," kata', "bidang,\u201d kata")
    data = page.replace('<meta charset="utf-8">', "").encode("cp1252")
    doc = read_one(write(tmp_path / "a.html", data))
    assert "\u201cKami akan bekerja sama di semua bidang,\u201d kata Putin" in doc.text


def test_a_page_without_an_article_is_refused(tmp_path):
    path = write(tmp_path / "a.html", "<html><body><script>x()</script><style>p{}</style></body></html>")
    with pytest.raises(SourceError) as error:
        read_documents(path)
    assert str(error.value) == f"{path}: no text found in the page"


def test_a_relative_canonical_url_is_not_taken(tmp_path):
    page = NEWS_PAGE.replace("https://www.contoh.id/internasional/putin-kim", "/internasional/putin-kim")
    assert read_one(write(tmp_path / "a.html", page)).url is None


def test_block_text_puts_each_block_on_its_own_line():
    text = fragment_text(
        "<div>Satu<div>Dua</div>Tiga</div><p>Baris <b>satu</b><br>Baris\n  dua</p>"
        "<ul><li>Poin pertama</li><li>Poin kedua</li></ul><table><tr><td>A</td><td>B</td></tr></table>"
        "<script>x()</script>"
    )
    assert text == "Satu\n\nDua\n\nTiga\n\nBaris satu\n\nBaris dua\n\nPoin pertama\n\nPoin kedua\n\nA B"


def test_block_text_survives_deep_nesting():
    from lxml import etree

    root = node = etree.Element("body")
    for _ in range(5000):  # deeper than Python's recursion limit
        node = etree.SubElement(node, "div")
    node.text = "dalam"
    assert block_text(root) == "dalam"
