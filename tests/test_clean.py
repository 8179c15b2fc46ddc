from pathlib import Path

import pytest

from ingest.extract.clean import clean, furniture_kind

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))

PAGE = """kabarberita.co.id

Menteri Luar Negeri Bertemu Mitranya di Hanoi

Senin, 11 September 2023 | 10:15 WIB

3 menit baca

HANOI, KABARBERITA.CO.ID – Menteri Luar Negeri Indonesia tiba di Hanoi pada hari Senin untuk membahas kerja sama perdagangan kedua negara.

Baca Juga: Harga Beras Naik Lagi di Pasar Induk

Pertemuan itu berlangsung selama dua jam di kantor kementerian, kata seorang pejabat yang hadir.

[ads_1]

Kedua menteri juga meninjau pelabuhan baru di pinggir kota. Foto: Antara

Ikuti kami di Google News dan saluran WhatsApp

Penulis: Rina Wati
Bagikan
"""


def test_furniture_is_kept_out_of_the_body_but_not_lost():
    page = clean(PAGE)
    kinds = [f.kind for f in page.furniture]
    for kind in (
        "site",
        "headline",
        "date",
        "reading_time",
        "dateline",
        "read_also",
        "ad",
        "photo_credit",
        "follow",
        "credit",
    ):
        assert kind in kinds
    assert "Baca Juga" not in page.body and "[ads_1]" not in page.body and "Google News" not in page.body
    assert page.body.startswith("Menteri Luar Negeri Indonesia tiba di Hanoi")
    for item in page.furniture:
        assert PAGE[item.raw_start : item.raw_end] == item.text


def test_header_gives_headline_domain_date_and_dateline_outlet():
    page = clean(PAGE)
    assert page.headline == "Menteri Luar Negeri Bertemu Mitranya di Hanoi"
    assert page.domain == "kabarberita.co.id"
    assert page.date_lines == ["Senin, 11 September 2023 | 10:15 WIB"]
    assert page.dateline_outlet == "KABARBERITA.CO.ID"


def test_caption_keeps_its_text_in_a_caption_section_without_the_credit():
    page = clean(PAGE)
    caption = [p for p in page.paragraphs if p.section == "caption"]
    assert [p.text for p in caption] == ["Kedua menteri juga meninjau pelabuhan baru di pinggir kota."]


def test_sign_off_in_brackets_ends_a_body_paragraph_not_a_caption():
    text = (
        "Pemerintah mengumumkan kebijakan baru tentang impor beras untuk menjaga harga di pasar. (AFP/Xyz)\n\n"
        "Kebijakan itu berlaku mulai bulan depan di seluruh provinsi, kata juru bicara kementerian."
    )
    page = clean(text)
    assert [p.section for p in page.paragraphs] == ["body", "body"]
    assert page.paragraphs[0].text.endswith("di pasar.")
    assert [f.kind for f in page.furniture] == ["sign_off"]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("BACA JUGA:Polisi Tangkap Pencuri Motor", "read_also"),
        ("Lihat juga: Video banjir di Semarang", "read_also"),
        ("Lire aussi : La France et le Maroc", "read_also"),
        ("[iklan_2]", "ad"),
        ("Komentar (12)", "widget"),
        ("Editor : Budi Santoso", "credit"),
        ("5 min read", "reading_time"),
        ("(Artikel ini telah diperbarui dengan keterangan dari polisi.)", "note"),
        ("Pemerintah menaikkan harga bahan bakar mulai pekan depan.", None),
    ],
)
def test_furniture_kinds(line, kind):
    assert furniture_kind(line) == kind


def test_repeated_headline_behind_a_dateline_is_furniture():
    text = (
        "Harga Minyak Dunia Turun\n\nJakarta : Harga Minyak Dunia Turun\n\n"
        "Harga minyak dunia turun tajam pada perdagangan hari ini setelah data stok Amerika Serikat diumumkan."
    )
    page = clean(text)
    assert page.headline == "Harga Minyak Dunia Turun"
    assert [f.kind for f in page.furniture] == ["headline", "headline_repeat"]
    assert len(page.paragraphs) == 1


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_bodies_hold_no_furniture_and_offsets_point_into_raw(path):
    raw = path.read_text(encoding="utf-8")
    page = clean(raw)
    for marker in (
        "BACA JUGA",
        "Baca juga",
        "Sujet a lire",
        "[iklan_2]",
        "Tautan sumber",
        "Komentar (0)",
        "min read",
        "Google News",
        "Editor :",
        "Foto:",
    ):
        assert marker not in page.body
    for paragraph in page.paragraphs:
        assert raw[paragraph.raw_start : paragraph.raw_end] == paragraph.text
    for item in page.furniture:
        assert raw[item.raw_start : item.raw_end] == item.text


@pytest.mark.parametrize(
    "line",
    [
        "0 Komentar",
        "12 comments",
        "Gabung ke Channel WhatsApp Kompas.com",
        "Version 1.93.2",
        "2024 © PT Dynamo Media Network",
        "Laporan Wartawan TribunLombok.com, Robert Firmansyah",
    ],
)
def test_widgets_credits_and_invitations_are_furniture(line):
    lead = "Banjir merendam ratusan rumah warga di tiga kecamatan sejak Senin malam, kata petugas setempat kepada wartawan."
    page = clean(f"{lead}\n\n{line}\n\n{lead.replace('Senin', 'Selasa')}\n")
    assert line not in page.body and line in [f.text for f in page.furniture]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("(Dok. Polres Bengkalis)", "credit"),
        ("[Antara Foto/Yulius Satria Wijaya/via Reuters]", "credit"),
        ("(Cerita ini belum diedit oleh tim redaksi)", "note"),
        ("Foto/Dok Basarnas Makassar", "credit"),
    ],
)
def test_credit_lines_in_brackets_or_after_foto_slash(line, kind):
    assert furniture_kind(line) == kind


HEADER_BYLINE = """Banjir Merendam Tiga Desa di Kabupaten Bima sejak Senin Pagi

Dandy Koswaraputra and Pizaro Gozali Idrus

Yovanda - detikNews

Ringkasan Berita:
- Tiga desa di Kabupaten Bima terendam banjir sejak Senin pagi
- BPBD meminta warga mewaspadai hujan susulan pada malam hari

BIMA, KABARBIMA.COM - Tiga desa di Kabupaten Bima terendam banjir setinggi satu meter sejak Senin pagi, kata petugas.

Warga Desa Ncera Hidayat Umar mengatakan air mulai surut pada sore hari.
"""


def test_bylines_and_summary_points_under_the_headline_are_furniture():
    page = clean(HEADER_BYLINE)
    kinds = [(f.kind, f.text) for f in page.furniture]
    assert ("byline", "Dandy Koswaraputra and Pizaro Gozali Idrus") in kinds
    assert ("byline", "Yovanda - detikNews") in kinds
    assert [text for kind, text in kinds if kind == "summary"] == [
        "Ringkasan Berita:",
        "- Tiga desa di Kabupaten Bima terendam banjir sejak Senin pagi",
        "- BPBD meminta warga mewaspadai hujan susulan pada malam hari",
    ]
    assert page.body.startswith("Tiga desa di Kabupaten Bima terendam")


def test_a_dateline_after_a_teaser_paragraph_is_still_the_dateline():
    page = clean(
        "Polisi Tangkap Pelaku Pembunuhan di Desa Mengkauk\n\n"
        "Terkait dengan kasus pembunuhan di desa itu, polisi sudah memeriksa tujuh orang saksi sejak pagi.\n\n"
        "Korankalimantan.com – Kapolda Kalsel langsung turun ke lokasi kejadian bersama tim penyidik dari Polres."
    )
    assert page.dateline_outlet == "Korankalimantan.com"
    assert "\n\nKapolda Kalsel langsung turun" in page.body


@pytest.mark.parametrize("stamp, date_lines", [("date 2024-08-20 ", ["2024-08-20"]), ("date 2018-10 ", [])])
def test_a_scrapers_date_stamp_is_furniture_and_only_a_whole_date_is_a_date(stamp, date_lines):
    page = clean(stamp + "Australia and Indonesia have agreed to a major defence pact, the prime minister said.")
    assert page.body.startswith("Australia and Indonesia")
    assert page.furniture[0].kind == "date"
    assert page.date_lines == date_lines
