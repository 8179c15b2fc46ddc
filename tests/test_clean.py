from pathlib import Path

import pytest

from ingest.clean import clean, furniture_kind

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
        assert raw[paragraph.raw_start : paragraph.raw_start + len(paragraph.text)] == paragraph.text
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
