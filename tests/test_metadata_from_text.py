"""Metadata from the text alone (issue 22): pages saved as text carry no URL, so the date, the
outlet and the place an article was filed from are read from what Indonesian outlets print.
And a scraper's date whose day and month a spreadsheet swapped is corrected from the URL.

Every text here is written for the tests in the shapes the outlets use; none is copied.
"""

import csv
import sqlite3

import pytest

from ingest.extract.build import build_article
from ingest.extract.clean import clean
from ingest.extract.entities import Extractor
from ingest.extract.filed_from import place_test
from ingest.models import Document
from ingest.pipeline import ingest_paths

LEAD = (
    "Banjir merendam tiga kecamatan di pinggir kota setelah hujan deras turun sejak pagi, dan ratusan warga "
    "mengungsi ke masjid serta sekolah terdekat."
)
SECOND = "Petugas gabungan mendirikan dapur umum dan membagikan selimut kepada para pengungsi, kata seorang relawan."
THIRD = "Sebagian jalan utama masih tergenang setinggi lutut orang dewasa hingga malam hari."
TEASER = "Ratusan warga mengungsi setelah sungai meluap, dan petugas masih mendata kerugian di tiga kecamatan."


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def built(extractor, text: str, url: str | None = None, published: str | None = None):
    return build_article(Document("page.txt", text, "txt", url=url, published=published), extractor)


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Banjir Rendam Kota\n\nDiterbitkan 26 Des 2023, 11:20 WIB", "2023-12-26"),
        ("Kompas.com - 19/04/2019, 10:00 WIB\n\nBanjir Rendam Kota", "2019-04-19"),
        ("Banjir Rendam Kota\n\nPUBLISHED : 7 Jan 2025 at 15:57", "2025-01-07"),
        ("Banjir Rendam Kota\n\nReporter: Andi Saputra | Kamis, 14 Maret 2024 09:00 WIB", "2024-03-14"),
        ("Flood Hits the City\n\nJakarta ● Wed, November 15, 2023", "2023-11-15"),
        (
            "Banjir Rendam Kota\n\nPenulis: Muhammad Rizky Pratama | Editor: Ahmad Fauzi Hasibuan | "
            "Selasa, 16 April 2024 10:42 WITA",
            "2024-04-16",
        ),
        # Below a teaser paragraph, where the page's header zone has already ended:
        (f"Banjir Rendam Kota\n\n{TEASER}\n\nJUMAT, 10 FEBRUARI 2023 | 09:23 WIB", "2023-02-10"),
        (f"Banjir Rendam Kota\n\n{TEASER}\n\nSenin, 5 Juni 2023 | 10:00 WITA", "2023-06-05"),
        (f"Banjir Rendam Kota\n\n{TEASER}\n\nSelasa 12/09/2023 07:01 WIT", "2023-09-12"),
    ],
)
def test_a_publication_line_dates_the_page(extractor, header, expected):
    article = built(extractor, f"{header}\n\n{LEAD}\n\n{SECOND}")
    assert (article.published, article.published_from) == (expected, "date_line")
    assert "WIB" not in article.body and "PUBLISHED" not in article.body


def test_a_dateline_with_the_date_it_was_filed(extractor):
    article = built(extractor, f"Banjir Rendam Kota\n\nKupang, 12 Januari 2024 – {LEAD}\n\n{SECOND}")
    assert (article.published, article.published_from) == ("2024-01-12", "date_line")
    assert [s.text for s in article.sentences if s.section == "dateline"] == ["Kupang"]
    assert article.body.startswith("Kupang\n\nBanjir merendam")


@pytest.mark.parametrize(
    "paragraphs, expected",
    [
        # The report date after what was said, in the lead's third paragraph, below a teaser:
        (
            [
                TEASER,
                f"SURABAYA, KORANKITA.COM – {LEAD}",
                SECOND,
                '"Kami terus memantau," kata Ahmadi, Jumat (7/11/2025).',
            ],
            "2025-11-07",
        ),
        # Written out, after who said it:
        ([f"TEMPO.CO, Palu - {LEAD}", f"Air mulai surut, kata dia, Jumat, 25 September 2020. {SECOND}"], "2020-09-25"),
        # The latest date is the report's; the day before it dates the event:
        ([f"{LEAD} Rabu (29/3/2023).", f"{SECOND} Kamis (30/3/2023)."], "2023-03-30"),
    ],
)
def test_the_leads_report_date(extractor, paragraphs, expected):
    article = built(extractor, "\n\n".join(paragraphs))
    assert (article.published, article.published_from) == (expected, "report_date")


@pytest.mark.parametrize(
    "paragraphs",
    [
        [f"{LEAD} Kamis (30/3/2023) malam.", SECOND],  # an event at night, reported later
        [f"{LEAD} Senin (17/9/2018) kemarin.", SECOND],  # yesterday: the text does not say which day today is
        [f"{LEAD} Kamis (23/2/2023) pukul 12.30 WIB.", SECOND],
        [f"{LEAD} Rapat digelar Senin (20/5/2024) mendatang.", SECOND],
        [f"{LEAD} Kamis sore (21/6).", SECOND],  # a day and a month without a year
        ["Gempa 14 Maret 2024 Guncang Bali", LEAD, SECOND],  # a headline with a date in it
        [f"{LEAD} Gempa terjadi pada Senin, 12 Mei 2024.", SECOND],  # written out, no one said it
    ],
)
def test_no_date_the_text_does_not_give(extractor, paragraphs):
    article = built(extractor, "\n\n".join(paragraphs))
    assert (article.published, article.published_from) == (None, None)


@pytest.mark.parametrize(
    "text, outlet",
    [
        (f"Makassar, IDN Times - {LEAD}", "IDN Times"),
        (f"RIAU ONLINE, PEKANBARU-{LEAD}", "RIAU ONLINE"),
        (f"Tokyo (Jiji Press)—{LEAD}", "Jiji Press"),
        (f"Mamuju (ANTARA Sulbar) - {LEAD}", "ANTARA Sulbar"),
        (f"LENTERAJATENG, SEMARANG – {LEAD}", "LENTERAJATENG"),
        (f"Murianews, Pati – {LEAD}\n\n{SECOND} Hal itu disampaikan kepada Murianews.com.", "Murianews"),
        (f"CARAPANDANG - {LEAD}", "CARAPANDANG"),
        (f"Banjir Rendam Kota\n\nLaporan Wartawan Tribunnews.com, Rina Wati\n\n{LEAD}", "tribunnews.com"),
        (f"Banjir Rendam Kota\n\nYovanda - detikNews\n\n{LEAD}", "detikNews"),
        (f"Banjir Rendam Kota\n\n{LEAD}\n\n{SECOND}\n\nSumber : Kompas TV", "Kompas TV"),
        (f'{LEAD}\n\n"Air mulai surut," kata camat saat dihubungi Kompas.com, Senin pagi.\n\n{SECOND}', "kompas.com"),
        (f"{LEAD}\n\n{SECOND}\n\nCopyright © ANTARA 2024", "ANTARA"),
        (f"{LEAD}\n\n{SECOND}\n\nSimak berita Kabarkota.id lainnya di Google News", "kabarkota.id"),
    ],
)
def test_the_outlet_from_the_dateline_or_a_credit(extractor, text, outlet):
    assert built(extractor, f"{text}\n\n{THIRD}").outlet == outlet


@pytest.mark.parametrize(
    "opening, place, name",
    [
        ("JAKARTA, DISWAY.ID – ", "JAKARTA", "Jakarta"),
        ("Makassar, IDN Times - ", "Makassar", "Makassar"),
        ("JAKARTA, iNews.id - ", "JAKARTA", "Jakarta"),
        ("TEMPO.CO, Palu - ", "Palu", "Palu"),
        ("LENTERAJATENG, SEMARANG – ", "SEMARANG", "Semarang"),
        ("Samarinda - ", "Samarinda", "Samarinda"),
        ("PALANGKA RAYA –", "PALANGKA RAYA", "Palangkaraya"),
        ("Palu,- ", "Palu", "Palu"),
        ("Medan(MedanPunya) ", "Medan", "Medan"),
        ("Jakarta (ANTARA) - ", "Jakarta", "Jakarta"),
    ],
)
def test_the_datelines_place_is_a_mapped_mention_of_its_own_sentence(extractor, opening, place, name):
    text = f"Banjir Rendam Kota\n\n{opening}{LEAD}\n\n{SECOND}"
    article = built(extractor, text)
    (sentence,) = [s for s in article.sentences if s.section == "dateline"]
    assert sentence.text == place and article.body[sentence.char_start : sentence.char_end] == place
    page = clean(text, None, place_test(extractor.gazetteer))
    page.keep_dateline_place()
    (paragraph,) = [p for p in page.paragraphs if p.section == "dateline"]
    assert text[paragraph.raw_start : paragraph.raw_start + len(place)] == place  # where the page wrote it
    (mention,) = [m for m in article.mentions if m.sentence_position == sentence.position]
    assert (mention.surface, mention.entity.name, mention.entity.type) == (place, name, "place")
    assert mention.entity.place.latitude is not None
    assert article.sentences[sentence.position + 1].text.startswith("Banjir merendam")  # the lead, after it
    assert article.title == "Banjir Rendam Kota"


def test_a_dateline_is_told_from_a_lead_that_opens_with_names(extractor):
    """A capitalised name before a dash is a dateline when it is a place the gazetteer knows."""
    cases = {
        "Samarinda - ": "Samarinda",
        "Prabowo - Gibran unggul di tiga provinsi. ": None,
        "Indonesia - Malaysia sepakat menambah patroli bersama. ": None,
        "Presiden Joko Widodo (Jokowi) Meresmikan bendungan. ": None,
        "KPK-Polri ": None,
        "PT PLN (Persero) Unit Induk Distribusi menaikkan tarif. ": None,
        "PT  , Indonesia (Persero) Tbk (Telkom) sepakat bekerja sama. ": None,  # a link cut out of the text
    }
    for opening, place in cases.items():
        article = built(extractor, f"{opening}{LEAD}\n\n{SECOND}")
        assert [s.text for s in article.sentences if s.section == "dateline"] == ([place] if place else [])
        assert article.body.startswith(place or opening.strip())


def test_the_dateline_mention_is_stored_and_mapped(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "banjir.txt").write_text(f"Banjir Rendam Kota\n\nTEMPO.CO, Palu - {LEAD}\n\n{SECOND}\n", encoding="utf-8")
    db = tmp_path / "archive.db"
    summary = ingest_paths([str(folder)], str(db))
    assert summary.failed == 0 and summary.new == 1
    connection = sqlite3.connect(db)
    (row,) = connection.execute(
        """select s.text, s.section, a.body, s.char_start, s.char_end, m.surface, p.name, p.latitude, a.outlet
           from mentions m join sentences s on s.id = m.sentence_id join articles a on a.id = m.article_id
           join places p on p.entity_id = m.entity_id where s.section = 'dateline'"""
    ).fetchall()
    text, section, body, start, end, surface, name, latitude, outlet = row
    assert (text, section, body[start:end], surface, name, outlet) == (
        "Palu",
        "dateline",
        "Palu",
        "Palu",
        "Palu",
        "tempo.co",
    )
    assert latitude == pytest.approx(-0.9, abs=0.1)


def write_export(path, rows):
    """An export in the shape of a scraper's spreadsheet: title, source, date, time, ..., url."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "source", "date", "time", "category", "sub-category", "content", "url"])
        writer.writerows(rows)


def test_a_day_month_swap_is_corrected_from_the_url_and_recorded(tmp_path):
    body = f" - {LEAD},{SECOND},{THIRD}"
    write_export(
        tmp_path / "export.csv",
        [
            # The spreadsheet read 10/09/2019 month first: stored 2019-10-09, the URL says 10 September.
            [
                "Banjir Rendam Kota",
                "Kompas.com",
                "2019-10-09 00:00:00",
                "21:48 WIB",
                "News",
                "Regional",
                body,
                "https://regional.kompas.com/read/2019/09/10/21485171/banjir-rendam-kota",
            ],
            # Read right: the stated date and the URL's agree.
            [
                "Jalan Ditutup",
                "Kompas.com",
                "16/09/2019",
                "22:58 WIB",
                "News",
                "Regional",
                body,
                "https://regional.kompas.com/read/2019/09/16/225817420/jalan-ditutup",
            ],
            # A day apart, not swapped: the source's date stands (no date is made up from the URL).
            [
                "Warga Mengungsi",
                "Kompas.com",
                "2019-09-11 00:00:00",
                "01:10 WIB",
                "News",
                "Regional",
                body,
                "https://regional.kompas.com/read/2019/09/10/23590068/warga-mengungsi",
            ],
        ],
    )
    db = tmp_path / "archive.db"
    summary = ingest_paths([str(tmp_path / "export.csv")], str(db))
    assert summary.failed == 0 and summary.new == 3
    stored = (
        sqlite3.connect(db)
        .execute("select title, published, published_from, published_stated from articles order by title")
        .fetchall()
    )
    assert stored == [
        ("Banjir Rendam Kota", "2019-09-10", "url", "2019-10-09"),
        ("Jalan Ditutup", "2019-09-16", "source", None),
        ("Warga Mengungsi", "2019-09-11", "source", None),
    ]


@pytest.mark.parametrize(
    "caption",
    [
        "Petugas memadamkan api di lahan gambut di Desa Kembung Luar, Kecamatan Bantan, Sabtu, 18 Maret 2023\n"
        "(Dok. Polres Bengkalis)",
        "Komisioner KPU menandatangani berita acara pleno hasil rekapitulasi penghitungan suara pemilihan "
        "gubernur/Andi Riri",
    ],
)
def test_a_photos_caption_above_the_headline_is_not_the_title(extractor, caption):
    article = built(extractor, f"{caption}\n\nBanjir Rendam Kota\n\n{LEAD}\n\n{SECOND}")
    assert (article.title, article.title_from) == ("Banjir Rendam Kota", "headline")
    assert [s.section for s in article.sentences][:2] == ["caption", "body"]


def test_the_export_dates_bench_counts_swaps_and_agreement(tmp_path):
    from bench.export_dates import measure

    lead = f" - {LEAD}, kata camat, Senin (9/9/2019).,{SECOND}"
    write_export(
        tmp_path / "export.csv",
        [
            ["A", "Kompas.com", "2019-10-09 00:00:00", "", "", "", lead, "https://x.kompas.com/read/2019/09/10/1/a"],
            ["B", "Kompas.com", "09/09/2019", "", "", "", lead, "https://x.kompas.com/read/2019/09/09/2/b"],
        ],
    )
    figures = measure(tmp_path / "export.csv")
    assert figures["stated_dates_contradicting_the_url"] == 1 and figures["corrected_day_month_swaps"] == 1
    assert figures["stored_dates_agreeing_with_the_url"] == 2 and figures["agreeing_share"] == 1.0
    assert figures["text_only"] == {"report_date_agreeing": 1, "report_date_not_agreeing": 1}
