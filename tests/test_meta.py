import pytest

from ingest import meta
from ingest.clean import clean


@pytest.mark.parametrize("text, expected", [
    ("27 Juli 2024", "2024-07-27"),
    ("5/9/2023", "2023-09-05"),
    ("Senin, 11 September 2023 | 10:15 WIB", "2023-09-11"),
    ("2023-09-13T10:00:00+07:00", "2023-09-13"),
    ("14 September", None),  # no year: an event date, not a publication date
    ("bukan tanggal", None),
])
def test_parse_date_reads_indonesian_day_month_order(text, expected):
    assert meta.parse_date(text) == expected


def test_day_name_with_bracketed_date_in_the_lead_is_the_published_date():
    page = clean("Polisi menutup jalan itu sejak pagi, seperti dilaporkan kantor berita, Selasa (5/9/2023). "
                 "Arus lalu lintas dialihkan ke jalan lain selama perbaikan berlangsung.")
    assert meta.published_date(page, None) == "2023-09-05"


def test_stated_date_wins_and_event_dates_in_the_body_are_ignored():
    page = clean("Presiden meresmikan bendungan yang dibangun sejak 12 Desember 2021 di Jawa Tengah itu kemarin.")
    assert meta.published_date(page, None) is None
    assert meta.published_date(page, "2024-01-02") == "2024-01-02"


@pytest.mark.parametrize("text, outlet", [
    ("SURABAYA, KORANKITA.COM – Banjir merendam tiga kecamatan di kota itu sejak Minggu malam kemarin.", "korankita.com"),
    ("Beritaku.id - Banjir merendam tiga kecamatan di kota itu sejak Minggu malam kemarin sore.", "beritaku.id"),
    ("portalnews.net\n\nBanjir Rendam Kota\n\nBanjir merendam tiga kecamatan di kota itu sejak Minggu malam.",
     "portalnews.net"),
    ("Banjir merendam tiga kecamatan di kota itu sejak Minggu malam kemarin sore hari.", None),
])
def test_outlet_from_dateline_domain_lead_or_domain_line(text, outlet):
    assert meta.outlet_name(clean(text), None) == outlet


def test_title_falls_back_to_a_shortened_lead():
    long_sentence = "Kata " * 60
    page = clean(long_sentence + ".")
    title, source = meta.title_of(page, long_sentence.strip())
    assert source == "lead" and title.endswith("…") and len(title) <= meta.TITLE_MAX_CHARS + 1


def test_language_is_detected_from_the_body():
    assert meta.language_of("Pemerintah Indonesia mengumumkan kebijakan baru tentang harga beras hari ini.", None) == "id"
    assert meta.language_of("anything", "en-GB") == "en"


@pytest.mark.parametrize("text, expected", [
    ("Selasa, 5/9/2023", "2023-09-05"),
    ("31/2/2023", None),  # no such day
    ("2023-02-30", None),
])
def test_common_shapes_are_read_directly_and_checked(text, expected):
    assert meta.parse_date(text) == expected
