from ingest.extract.lexicon import is_common_word
from ingest.extract.stem import stem_text, stem_word


def test_derived_forms_share_a_stem():
    assert stem_word("pertemuan") == stem_word("bertemu") == "temu"
    assert stem_word("Perundingan") == "runding"


def test_stem_text_keeps_names_and_word_order():
    assert stem_text("Pertemuan Putin dan Kim, bertemu di Moskow.") == "temu putin dan kim temu di moskow"


def test_common_words_and_names():
    assert is_common_word("Keamanan") and is_common_word("Nasional") and is_common_word("Bangsa-Bangsa")
    assert not is_common_word("Watson") and not is_common_word("Shoigu")


def test_words_outside_ascii_stay_whole_so_a_search_without_accents_finds_them():
    """Sastrawi would cut "São" to "s o"; kept whole, FTS folds it to "sao" like the text column."""
    assert stem_text("Warga São Paulo") == "warga são paulo"
