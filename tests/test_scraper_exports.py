"""Scraper exports as they come (issue 22): rows in the shapes of a real news export (the
CLICK-ID Kompas CSV), written here by hand, ingested by the real command (in this process) into a real SQLite file.

The export joins a page's text nodes with commas (paragraphs glued as "sungai.,Taman", a
link's words dropped as "( ,)", the dateline as a " -  , " scrap before the lead) and holds
UTF-8 read as Mac Roman ("¬†" for a no-break space, "‚Äì" for a dash, "‚Äú" and "‚Äù" for
quotes). Stored sentences must be the paragraphs' sentences, repaired; the raw text stays as read.
"""

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from support import ingest_in_process

from ingest.extract.repair import read, repaired_characters

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["title", "source", "date", "time", "category", "sub-category", "content", "url"]

# Kompas's shape: head scrap, glue after a period and after a closing quote, a no-break space,
# a dash and curly quotes read as Mac Roman, a link's hole in brackets, a glued empty paragraph.
PARK = (
    " -  , Pemerintah kota membuka tiga taman baru di tepi sungai yang melintasi pusat kota pada Senin (9/9/2019).,"
    "Taman itu dibangun di atas lahan bekas gudang yang lama terbengkalai.,"
    '"Warga bisa berolahraga di sini setiap pagi," kata Wali Kota Budi Santoso.,'
    "Menurut dia, pembangunan taman menelan biaya Rp 2 miliar dari anggaran daerah¬† tahun ini.,"
    "Dinas Lingkungan Hidup ( ,) akan merawat pohon di taman itu.,¬†,"
    "‚ÄúKami menanam 500 pohon,‚Äù ujar kepala dinas.,"
    "Lomba lari 5 km‚Äì10 km akan digelar di taman itu setiap Minggu.,¬†"
)
PARK_SENTENCES = [
    "Pemerintah kota membuka tiga taman baru di tepi sungai yang melintasi pusat kota pada Senin (9/9/2019).",
    "Taman itu dibangun di atas lahan bekas gudang yang lama terbengkalai.",
    '"Warga bisa berolahraga di sini setiap pagi," kata Wali Kota Budi Santoso.',
    "Menurut dia, pembangunan taman menelan biaya Rp 2 miliar dari anggaran daerah\xa0 tahun ini.",
    "Dinas Lingkungan Hidup akan merawat pohon di taman itu.",
    "“Kami menanam 500 pohon,” ujar kepala dinas.",
    "Lomba lari 5 km–10 km akan digelar di taman itu setiap Minggu.",
]

# Where ".," is the writer's: degrees after a name, a comma inside a quote before its speaker;
# and the other glues exports use: ". ," (Tempo), ".,," (Okezone), a numbered list.
CAMPUS = (
    " - Rektor Universitas Contoh, Prof. Dr. Siti Aminah, S.H., M.H., membuka tahun akademik baru di aula kampus pada Selasa pagi.,"
    '"Bagaimana kita bisa maju tanpa membaca?," tanya dia kepada para mahasiswa baru. ,'
    "Sebanyak 2.400 mahasiswa baru mengikuti acara itu.,,"
    "Kampus menyiapkan tiga program beasiswa untuk tahun 2019.,"
    "1. Beasiswa prestasi bagi mahasiswa dengan nilai terbaik.,"
    "2. Beasiswa daerah bagi mahasiswa dari luar Jawa."
)
CAMPUS_SENTENCES = [
    "Rektor Universitas Contoh, Prof. Dr. Siti Aminah, S.H., M.H., membuka tahun akademik baru di aula kampus pada Selasa pagi.",
    '"Bagaimana kita bisa maju tanpa membaca?," tanya dia kepada para mahasiswa baru.',
    "Sebanyak 2.400 mahasiswa baru mengikuti acara itu.",
    "Kampus menyiapkan tiga program beasiswa untuk tahun 2019.",
    "1. Beasiswa prestasi bagi mahasiswa dengan nilai terbaik.",
    "2. Beasiswa daerah bagi mahasiswa dari luar Jawa.",
]


def export_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for title, content, url in rows:
        writer.writerow([title, "Kompas.com", "10-Sep-19", "-", "news", "regional", content, url])
    return out.getvalue()


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    (folder / "kompas.csv").write_text(
        export_csv(
            [
                ("Tiga Taman Baru di Tepi Sungai", PARK, "https://regional.kompas.com/read/2019/09/10/1/taman"),
                (
                    "Harga Cabai Naik‚ÄìTurun, Rektor Buka Tahun Akademik",
                    CAMPUS,
                    "https://kompas.com/read/2019/09/10/2/x",
                ),
            ]
        ),
        encoding="utf-8",
    )
    # The same body in a JSON Lines export: the repair is the reading's, whatever the format.
    record = {"title": "Taman", "content": PARK, "url": "https://contoh.id/taman"}
    (folder / "feed.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    db_path = folder / "archive.db"
    ingest_in_process(str(folder), "--db", str(db_path))
    connection = sqlite3.connect(db_path)
    yield connection
    connection.close()


def sentences_of(db, url):
    return [
        text
        for (text,) in db.execute(
            "SELECT s.text FROM sentences s JOIN articles a ON a.id = s.article_id WHERE a.url = ? ORDER BY s.position",
            [url],
        )
    ]


def test_glued_paragraphs_are_read_as_sentences_with_their_characters_repaired(archive):
    assert sentences_of(archive, "https://regional.kompas.com/read/2019/09/10/1/taman") == PARK_SENTENCES


def test_json_lines_read_the_same_body_the_same_way(archive):
    assert sentences_of(archive, "https://contoh.id/taman") == PARK_SENTENCES


def test_the_writers_own_commas_after_a_period_stay(archive):
    assert sentences_of(archive, "https://kompas.com/read/2019/09/10/2/x") == CAMPUS_SENTENCES


def test_a_mis_decoded_title_is_repaired(archive):
    titles = {title for (title,) in archive.execute("SELECT title FROM articles")}
    assert "Harga Cabai Naik–Turun, Rektor Buka Tahun Akademik" in titles


def test_the_raw_text_stays_as_read_and_every_offset_holds(archive):
    (raw,) = archive.execute("SELECT raw FROM articles WHERE url LIKE '%/1/taman'").fetchone()
    assert raw == PARK.strip()  # the CSV reader trims cells, and changes nothing else
    for body, start, end, text in archive.execute(
        "SELECT a.body, s.char_start, s.char_end, s.text FROM sentences s JOIN articles a ON a.id = s.article_id"
    ):
        assert body[start:end] == text
    for text, start, end, surface in archive.execute(
        "SELECT s.text, m.char_start, m.char_end, m.surface FROM mentions m JOIN sentences s ON s.id = m.sentence_id"
    ):
        assert text[start:end] == surface
    for raw, start, end, text in archive.execute(
        "SELECT a.raw, f.raw_start, f.raw_end, f.text FROM furniture f JOIN articles a ON a.id = f.article_id"
    ):
        assert raw[start:end] == text


def test_a_repaired_character_maps_back_to_the_bytes_it_was_read_from():
    raw = "anggaran daerah¬† tahun ini, pohon‚Äìpohon"
    reading = repaired_characters(raw)
    assert reading.text == "anggaran daerah\xa0 tahun ini, pohon–pohon"
    space = reading.text.index("\xa0")
    assert (reading.raw_offset(space), reading.raw_offset(space + 1)) == (raw.index("¬†"), raw.index("¬†") + 2)
    dash = reading.text.index("–")
    assert raw[reading.raw_offset(dash) : reading.raw_offset(dash + 1)] == "‚Äì"
    assert reading.raw_offset(len(reading.text)) == len(raw)
    assert reading.text_of(raw.index("pohon"), len(raw)) == "pohon–pohon"


def test_what_ftfy_leaves_of_mac_roman_is_decoded_and_real_text_is_not():
    # ftfy sees nothing wrong in an invisible mark or a symbol read as Mac Roman.
    assert repaired_characters("KPK telah ‚Äémenetapkan, salam ‚ù§").text == "KPK telah \u200emenetapkan, salam ❤"
    for text in ("kata ma‘âni dalam transliterasi", "akar “√2” dan 30°", "Kjær, São Paulo – 5 km"):
        assert repaired_characters(text).text == text


def test_glue_becomes_a_line_break_whose_offsets_point_at_the_commas():
    raw = "di tepi sungai.,Taman itu dibuka pagi ini. , Warga datang."
    reading = read(raw)
    assert reading.text == "di tepi sungai.\nTaman itu dibuka pagi ini.\nWarga datang."
    second = reading.text.index("Taman")
    assert raw[reading.raw_offset(second) :].startswith("Taman")
    assert raw[reading.raw_offset(second - 1) : reading.raw_offset(second)] == ","


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "ingest" / "evalset").rglob("*.txt")),
    ids=lambda path: path.name,
)
def test_seeds_and_the_evaluation_set_read_as_they_are(path):
    """Nothing in them looks mis-decoded or glued: their sentences and mentions are as before."""
    text = path.read_text(encoding="utf-8")
    assert read(text).text == text
