"""The extractor on short texts written for the tests, with names no list holds."""

import pytest

from ingest.extract.entities import Extractor, name_key
from ingest.extract.sentences import split_sentences
from ingest.models import Sentence


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def read(extractor, text):
    sentences = [Sentence(i, s.start, s.end, text[s.start : s.end]) for i, s in enumerate(split_sentences(text))]
    mentions = extractor.extract(sentences)
    for mention in mentions:
        assert sentences[mention.sentence_position].text[mention.char_start : mention.char_end] == mention.surface
    return mentions


def found(mentions):
    return {(m.surface, m.entity.name, m.entity.type) for m in mentions}


def test_known_people_and_countries_resolve_to_one_entity_each(extractor):
    mentions = read(
        extractor,
        "Presiden Rusia Vladimir Putin menerima Ketua Kim Jong-un. "
        "Kim Jong Un tiba dari Korea Utara. Korut dan DPRK adalah nama yang sama.",
    )
    keys = {m.surface: m.entity.key for m in mentions}
    assert keys["Kim Jong-un"] == keys["Kim Jong Un"]
    assert keys["Korea Utara"] == keys["Korut"] == keys["DPRK"]
    assert keys["Vladimir Putin"] == "Q7747"
    assert {m.entity.type for m in mentions if m.surface == "Rusia"} == {"place"}


def test_us_aliases_but_not_the_word_as(extractor):
    mentions = read(
        extractor, "Pejabat AS dan Amerika Serikat bertemu. Amerika menolak usul itu, sama seperti tahun lalu."
    )
    us = {m.entity.key for m in mentions if m.surface in ("AS", "Amerika Serikat", "Amerika")}
    assert len(us) == 1
    assert not [m for m in mentions if m.surface.lower() == "seperti"]


def test_unseen_person_after_a_title_and_a_short_form_later(extractor):
    mentions = read(
        extractor,
        "Menteri Perdagangan Zambia Chipoka Mulenga tiba di Lusaka. Mulenga mengatakan kesepakatan itu penting.",
    )
    people = [m for m in mentions if m.entity.type == "person"]
    assert {m.surface for m in people} == {"Chipoka Mulenga", "Mulenga"}
    assert len({m.entity.key for m in people}) == 1
    assert ("Zambia", "place") in {(m.surface, m.entity.type) for m in mentions}


def test_short_form_before_the_full_name_resolves_too(extractor):
    mentions = read(
        extractor, "Ortwin mengatakan rapat ditunda. Juru bicara partai, Ortwin Keldermann, membenarkan kabar itu."
    )
    people = {m.surface: m.entity.key for m in mentions if m.entity.type == "person"}
    assert people["Ortwin"] == people["Ortwin Keldermann"]


def test_organisations_from_heads_namers_tails_and_acronyms(extractor):
    mentions = read(
        extractor,
        "Dewan Keamanan Nasional (NSC) Adrienne Watson mengatakan Grup Wagner "
        "hadir di Eastern Economic Forum. Juru bicara NSC menolak berkomentar.",
    )
    types = {m.surface: m.entity.type for m in mentions}
    assert types == {
        "Dewan Keamanan Nasional": "organization",
        "NSC": "organization",
        "Adrienne Watson": "person",
        "Grup Wagner": "organization",
        "Eastern Economic Forum": "organization",
    }
    nsc = {m.entity.key for m in mentions if m.surface in ("NSC", "Dewan Keamanan Nasional")}
    assert len(nsc) == 1


def test_places_from_gazetteer_and_place_words(extractor):
    mentions = read(
        extractor, "Delegasi itu terbang dari Novosibirsk ke Kota Qaraghandy lalu ke Kosmodrom Vostochny dan Moskow."
    )
    by_surface = {m.surface: m.entity for m in mentions}
    assert by_surface["Moskow"].name == "Moscow" and by_surface["Moskow"].place.country_code == "RU"
    assert by_surface["Novosibirsk"].place.latitude == pytest.approx(55.04, abs=0.2)
    assert by_surface["Kosmodrom Vostochny"].place.latitude == pytest.approx(51.884, abs=0.01)
    assert by_surface["Kota Qaraghandy"].type == "place"


def test_unseen_organisations_from_cue_words(extractor):
    mentions = read(
        extractor,
        "Kementerian Perikanan dan Kelautan Ruritania menolak. Grup Zorvath dan "
        "Badan Antariksa Ruritania ikut, lapor Baltic Harbour Gazette.",
    )
    names = {m.surface for m in mentions if m.entity.type == "organization"}
    assert {"Kementerian Perikanan dan Kelautan", "Grup Zorvath", "Badan Antariksa", "Baltic Harbour Gazette"} <= names


def test_unknown_place_after_a_preposition(extractor):
    mentions = read(extractor, "Pasukan itu bergerak ke Xanthoria sebelum fajar.")
    assert ("Xanthoria", "Xanthoria", "place") in found(mentions)


def test_sentence_initial_words_days_and_months_are_not_entities(extractor):
    mentions = read(
        extractor,
        "Sedangkan pada hari Senin, 13 September, pertemuan itu berlangsung. Bahkan Juli lalu mereka bertemu.",
    )
    assert mentions == []


def test_speaker_after_a_speech_verb_is_a_person(extractor):
    mentions = read(extractor, "“Kami akan datang,” kata Okonkwo.")
    assert ("Okonkwo", "Okonkwo", "person") in found(mentions)


def test_fold_makes_spelling_variants_one_key():
    assert name_key("Kim Jong-un") == name_key("kim jong un") == name_key("KIM JONG UN")
    assert name_key("The New York Times") == name_key("New York Times")
    assert name_key("São Tomé") == "sao tome"


def test_police_ranks_and_posts_are_titles_never_part_of_the_name(extractor):
    mentions = read(
        extractor,
        "Irjen Pol Andi Rian Djajadi turun ke lokasi. Kapolres Banjar AKBP Ifan Hariyat mengatakan pelaku sudah ditangkap.",
    )
    people = {m.surface for m in mentions if m.entity.type == "person"}
    assert people == {"Andi Rian Djajadi", "Ifan Hariyat"}
    assert not [m for m in mentions if m.surface == "AKBP"]  # a rank, not an organisation's acronym


def test_a_known_place_after_a_regional_post_is_the_place_and_the_holder_a_person(extractor):
    mentions = read(extractor, "Kapolrestabes Semarang Kombes Irwan Anwar mengatakan pelaku sudah ditangkap.")
    assert {(m.surface, m.entity.type) for m in mentions} == {("Semarang", "place"), ("Irwan Anwar", "person")}


def test_english_demonyms_and_title_words_are_not_people(extractor):
    mentions = read(
        extractor,
        "Indonesian Defence Minister Prabowo Subianto met the North Korean envoy and Japanese Prime Minister Fumio Kishida.",
    )
    assert {m.surface for m in mentions if m.entity.type == "person"} == {"Prabowo Subianto", "Fumio Kishida"}
