import pytest

from ingest.extract import meta, published
from ingest.extract.clean import clean


@pytest.mark.parametrize(
    "text, expected",
    [
        ("27 Juli 2024", "2024-07-27"),
        ("5/9/2023", "2023-09-05"),
        ("Senin, 11 September 2023 | 10:15 WIB", "2023-09-11"),
        ("2023-09-13T10:00:00+07:00", "2023-09-13"),
        ("14 September", None),  # no year: an event date, not a publication date
        ("bukan tanggal", None),
    ],
)
def test_parse_date_reads_indonesian_day_month_order(text, expected):
    assert published.parse_date(text) == expected


def test_day_name_with_bracketed_date_in_the_lead_is_the_published_date():
    page = clean(
        "Polisi menutup jalan itu sejak pagi, seperti dilaporkan kantor berita, Selasa (5/9/2023). "
        "Arus lalu lintas dialihkan ke jalan lain selama perbaikan berlangsung."
    )
    assert meta.published_date(page, None) == "2023-09-05"


def test_stated_date_wins_and_event_dates_in_the_body_are_ignored():
    page = clean("Presiden meresmikan bendungan yang dibangun sejak 12 Desember 2021 di Jawa Tengah itu kemarin.")
    assert meta.published_date(page, None) is None
    assert meta.published_date(page, "2024-01-02") == "2024-01-02"


@pytest.mark.parametrize(
    "text, outlet",
    [
        (
            "SURABAYA, KORANKITA.COM – Banjir merendam tiga kecamatan di kota itu sejak Minggu malam kemarin.",
            "korankita.com",
        ),
        ("Beritaku.id - Banjir merendam tiga kecamatan di kota itu sejak Minggu malam kemarin sore.", "beritaku.id"),
        (
            "portalnews.net\n\nBanjir Rendam Kota\n\nBanjir merendam tiga kecamatan di kota itu sejak Minggu malam.",
            "portalnews.net",
        ),
        ("Banjir merendam tiga kecamatan di kota itu sejak Minggu malam kemarin sore hari.", None),
    ],
)
def test_outlet_from_dateline_domain_lead_or_domain_line(text, outlet):
    assert meta.outlet_name(clean(text), None) == outlet


def test_title_falls_back_to_a_shortened_lead():
    long_sentence = "Kata " * 60
    page = clean(long_sentence + ".")
    title, source = meta.title_of(page, long_sentence.strip())
    assert source == "lead" and title.endswith("…") and len(title) <= meta.TITLE_MAX_CHARS + 1


def test_language_is_detected_from_the_body():
    assert (
        meta.language_of("Pemerintah Indonesia mengumumkan kebijakan baru tentang harga beras hari ini.", None) == "id"
    )
    assert meta.language_of("anything", "en-GB") == "en"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Selasa, 5/9/2023", "2023-09-05"),
        ("31/2/2023", None),  # no such day
        ("2023-02-30", None),
    ],
)
def test_common_shapes_are_read_directly_and_checked(text, expected):
    assert published.parse_date(text) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://www.kompas.com/read/2024/06/19/101500/judul", "2024-06-19"),
        ("https://news.detik.com/berita/d-123/read/20190424/judul", "2019-04-24"),
        ("https://cenderawasihpos.jawapos.com/berita-utama/02/07/2021/putusan-mk", "2021-07-02"),
        ("https://example.id/read/2024/13/45/judul", None),  # not a calendar date
        ("https://example.id/berita/12345/judul", None),
        (None, None),
    ],
)
def test_a_url_states_its_publication_date(url, expected):
    assert published.url_date(url) == expected


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://sulsel.idntimes.com/news/x", "idntimes.com"),
        ("https://www.kompas.co.id/x", "kompas.co.id"),
        ("https://makassar.antaranews.com/amp/berita/1", "antaranews.com"),
        ("https://www.perthnow.com.au/news/x", "perthnow.com.au"),
        ("not a url", None),
    ],
)
def test_a_urls_registered_domain_is_its_outlet(url, expected):
    assert meta.url_outlet(url) == expected


def test_the_url_decides_which_part_of_a_dateline_is_the_outlet():
    lead = "Kereta api menabrak sebuah mobil di perlintasan sebidang dekat stasiun, dua orang tewas di lokasi."
    page = clean(f"LENTERAJATENG, SEMARANG – {lead}\n")
    assert meta.outlet_name(page, None, "https://lenterajateng.com/x") == "LENTERAJATENG"
    assert meta.outlet_name(page, None, "https://other.example.id/x") == "example.id"  # SEMARANG is the place
    page = clean(f"VOICEINDONESIA.CO, Zhongli – {lead}\n")
    assert meta.outlet_name(page, None, None) == "voiceindonesia.co" and page.dateline_place == "Zhongli"


def test_a_section_label_above_the_headline_is_not_the_title():
    lead = "Seorang warga tewas tenggelam di lubang bekas tambang batu bara di Samarinda pada Senin pagi kemarin."
    page = clean(f"Daerah\nLubang Tambang Kembali Renggut Nyawa di Samarinda\n\n{lead}\n")
    assert page.headline == "Lubang Tambang Kembali Renggut Nyawa di Samarinda"
    assert ("section", "Daerah") in [(f.kind, f.text) for f in page.furniture]
