from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.extract.sentences import split_sentences

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def sentences(text):
    return [text[span.start : span.end] for span in split_sentences(text)]


def assert_well_formed(text, spans):
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        piece = text[span.start : span.end]
        assert piece == piece.strip()
        assert not any(len(f"a{char}b".splitlines()) > 1 for char in piece)
        previous_end = span.end


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Banjir merendam tiga desa. Warga mengungsi ke balai desa.",
            ["Banjir merendam tiga desa.", "Warga mengungsi ke balai desa."],
        ),
        (
            "Apakah jembatan itu aman? Petugas belum bisa memastikan.",
            ["Apakah jembatan itu aman?", "Petugas belum bisa memastikan."],
        ),
        (
            "Awas, tanggul jebol! Semua warga diminta naik ke atap.",
            ["Awas, tanggul jebol!", "Semua warga diminta naik ke atap."],
        ),
        ("Air terus naik… Sore harinya listrik padam.", ["Air terus naik…", "Sore harinya listrik padam."]),
        ("Korban tewas bertambah. 12 orang masih hilang.", ["Korban tewas bertambah.", "12 orang masih hilang."]),
        (
            "Bupati meninjau lokasi. “Kami kirim perahu karet,” katanya.",
            ["Bupati meninjau lokasi.", "“Kami kirim perahu karet,” katanya."],
        ),
        (
            "Bantuan tiba siang tadi. (Data sementara dari BPBD.)",
            ["Bantuan tiba siang tadi.", "(Data sementara dari BPBD.)"],
        ),
        ("Nilai tukar melemah. rupiah ditutup turun.", ["Nilai tukar melemah. rupiah ditutup turun."]),
    ],
)
def test_splits_after_terminal_mark_before_a_sentence_start(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Posko dibuka di Jl. Merdeka No. 12, Kec. Cibeunying, Kab. Bandung sejak pagi.",
        "Rapat dipimpin Prof. Dr. Ir. Bambang Setiadi bersama Drs. Hendra dan Dra. Wulan.",
        "Pasien ditangani dr. Rina dan dr. Yusuf sebelum dirujuk.",
        "Pengajian dihadiri KH. Ahmad Mustofa, H. Salim, dan Hj. Aminah di masjid.",
        "Upacara dipimpin Letjen. Agus Subiyanto, Mayjen. Joko, dan Brigjen. Hari hari ini.",
        "Surat ditujukan kepada Yth. Bpk. Hasan dan Sdri. Lestari a.n. panitia.",
        "Barang bukti berupa pisau, tali, dll. Polisi masih mencari pelaku lainnya.",
        "Harga cabai naik menjadi Rp. 80.000 per kilogram.",
        "Kuliah umum disampaikan Rina Wati, S.H., M.Si. Peserta memenuhi aula.",
        "Gugatan Apple Inc. Sejumlah pengacara menilai kasus itu lemah.",
        "Duel Persib vs. Persija digelar di Bandung.",
        "Pejabat U.S. Department of State itu tiba pukul 9 a.m. Waktu setempat.",
        "Pameran dibuka 1 s.d. 7 Agustus di gedung yang sama.",
    ],
)
def test_abbreviations_and_titles_do_not_end_sentences(text):
    assert sentences(text) == [text]


def test_abbreviations_are_case_aware():
    # "dr." is a doctor's title; "CO." (carbon monoxide) is not an abbreviation.
    assert sentences("Korban dirawat dr. Sari di puskesmas.") == ["Korban dirawat dr. Sari di puskesmas."]
    assert sentences("Asap itu mengandung CO. Warga diminta menjauh.") == [
        "Asap itu mengandung CO.",
        "Warga diminta menjauh.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Juru bicara Kremlin Dmitry S. Peskov menolak berkomentar.",
        "Novel karya J. K. Rowling laris di Jakarta.",
        "Mantan Presiden George W. Bush pernah berkunjung ke Bali.",
        "Penulis J.R.R. Tolkien dikenal luas di Indonesia.",
    ],
)
def test_initials_stay_inside_the_sentence(text):
    assert sentences(text) == [text]


def test_numbers_with_periods_are_never_split():
    text = (
        "Polda mengerahkan 1.679 personel. Inflasi tercatat 3.5 persen "
        "pada pukul 10.30 WIB. Harga emas Rp 1.050.000 per gram."
    )
    assert sentences(text) == [
        "Polda mengerahkan 1.679 personel.",
        "Inflasi tercatat 3.5 persen pada pukul 10.30 WIB.",
        "Harga emas Rp 1.050.000 per gram.",
    ]


def test_brackets_keep_dates_and_periods_inside():
    text = (
        "Kabar itu dikonfirmasi istana, Selasa (5/9/2023). Dalam pertemuan itu "
        "kedua pihak sepakat (Menurut AFP. Reuters) untuk berunding lagi."
    )
    assert sentences(text) == [
        "Kabar itu dikonfirmasi istana, Selasa (5/9/2023).",
        "Dalam pertemuan itu kedua pihak sepakat (Menurut AFP. Reuters) untuk berunding lagi.",
    ]


def test_quotation_with_attribution_is_one_sentence():
    text = (
        "“Seperti yang sudah kami sampaikan, harga beras di pasar ... mulai turun,” "
        "kata Kepala Dinas Perdagangan. Pedagang menyambut baik kabar itu."
    )
    assert sentences(text) == [
        "“Seperti yang sudah kami sampaikan, harga beras di pasar ... mulai turun,” kata Kepala Dinas Perdagangan.",
        "Pedagang menyambut baik kabar itu.",
    ]


@pytest.mark.parametrize("opening, closing", [("“", "”"), ('"', '"'), ("“", '"'), ("”", "”")])
def test_multi_sentence_quotation_with_attribution_is_one_sentence(opening, closing):
    quote = (
        f"{opening}Ini bukan kekalahan. Ini pelajaran. Kami akan bangkit musim depan,{closing} kata pelatih Persebaya."
    )
    text = f"Pertandingan berakhir imbang. {quote} Suporter tetap bernyanyi."
    assert sentences(text) == [
        "Pertandingan berakhir imbang.",
        quote,
        "Suporter tetap bernyanyi.",
    ]


@pytest.mark.parametrize("verb", ["kata", "ujar", "tambahnya", "ungkapnya", "jelas", "katanya"])
def test_closing_quote_then_lowercase_word_continues(verb):
    text = f"“Kami tidak akan mundur!” {verb} Ketua Serikat Buruh di depan gedung DPR."
    assert sentences(text) == [text]


def test_closing_quote_then_uppercase_word_ends_the_sentence():
    text = (
        "Menteri berkata, “Pasokan pupuk aman sampai akhir tahun di seluruh Jawa.” "
        "Dia menambahkan bahwa distribusi diawasi ketat."
    )
    assert sentences(text) == [
        "Menteri berkata, “Pasokan pupuk aman sampai akhir tahun di seluruh Jawa.”",
        "Dia menambahkan bahwa distribusi diawasi ketat.",
    ]


@pytest.mark.parametrize("quote", ["“", '"'])
def test_unbalanced_quote_falls_back_to_normal_rules(quote):
    text = f"Camat berpesan, {quote}Warga harus tetap waspada. Sungai bisa meluap lagi. Posko tetap dibuka malam ini."
    assert sentences(text) == [
        f"Camat berpesan, {quote}Warga harus tetap waspada.",
        "Sungai bisa meluap lagi.",
        "Posko tetap dibuka malam ini.",
    ]


def test_unclosed_quote_does_not_pair_with_a_later_one():
    text = "Dia berteriak “Tolong. Polisi datang lima menit kemudian. “Kami sudah siaga,” kata Kapolsek."
    assert sentences(text) == [
        "Dia berteriak “Tolong.",
        "Polisi datang lima menit kemudian.",
        "“Kami sudah siaga,” kata Kapolsek.",
    ]


def test_ellipsis_before_lowercase_does_not_split():
    text = "Kami menunggu... tapi bantuan tak kunjung datang. Warga pun kecewa."
    assert sentences(text) == [
        "Kami menunggu... tapi bantuan tak kunjung datang.",
        "Warga pun kecewa.",
    ]


def test_trailing_text_without_punctuation_is_a_sentence():
    text = "Tim SAR menemukan korban terakhir. Baca juga: Banjir Rob Rendam Pesisir Utara"
    assert sentences(text) == [
        "Tim SAR menemukan korban terakhir.",
        "Baca juga: Banjir Rob Rendam Pesisir Utara",
    ]


def test_sentences_never_cross_a_paragraph_break():
    text = (
        "  Gempa Guncang Cianjur\n\nGempa terjadi pukul 13.21 WIB, kata BMKG\n"
        "Warga berhamburan keluar rumah. “Rumah kami retak\n\nsemua,” ujar Ani.  "
    )
    assert sentences(text) == [
        "Gempa Guncang Cianjur",
        "Gempa terjadi pukul 13.21 WIB, kata BMKG",
        "Warga berhamburan keluar rumah.",
        "“Rumah kami retak",
        "semua,” ujar Ani.",
    ]


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda path: path.name)
def test_seed_articles_give_trimmed_non_empty_spans(path):
    text = path.read_text(encoding="utf-8")
    spans = split_sentences(text)
    assert spans
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
    assert_well_formed(text, spans)


NEWSY = st.text(alphabet=st.sampled_from(list("aZ1 .!?…\"'“”„’()[]{}\n\t\u00a0\u2028dDrJlSH")))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), NEWSY))
def test_any_unicode_gives_ordered_trimmed_spans(text):
    assert_well_formed(text, split_sentences(text))
