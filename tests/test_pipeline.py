"""The whole pipeline on an article written for the tests: no name in it is in the seeds."""

import pytest

from ingest.evaluate.realset import evalset_dir
from ingest.extract.build import build_article
from ingest.extract.entities import Extractor
from ingest.read.sources import read_documents

UNSEEN = evalset_dir() / "written" / "unseen_article.txt"  # labelled in the curated evaluation set


@pytest.fixture(scope="module")
def article():
    (document,) = read_documents(UNSEEN)
    return build_article(document, Extractor())


def test_metadata_of_an_unseen_outlet(article):
    assert article.outlet == "kabardunia.com"
    assert article.published == "2024-03-14"
    assert article.language == "id"
    assert "Baca juga" not in article.body


def test_offsets_hold(article):
    for sentence in article.sentences:
        assert article.body[sentence.char_start : sentence.char_end] == sentence.text
    for mention in article.mentions:
        assert (
            article.sentences[mention.sentence_position].text[mention.char_start : mention.char_end] == mention.surface
        )


def test_unseen_names_are_found_by_cues(article):
    found = {(m.surface, m.entity.type) for m in article.mentions}
    assert {
        ("Christopher Luxon", "person"),
        ("Penny Wong", "person"),
        ("Ayesha Verrall", "person"),
        ("Partai Buruh", "organization"),
        ("Grup Fonterra", "organization"),
        ("Badan Meteorologi", "organization"),
        ("Kementerian Perdagangan dan Industri", "organization"),
        ("Provinsi Canterbury", "place"),
    } <= found


def test_short_forms_resolve_to_the_full_name(article):
    keys = {m.surface: m.entity.key for m in article.mentions if m.entity.type == "person"}
    assert keys["Luxon"] == keys["Christopher Luxon"]
    assert keys["Verrall"] == keys["Ayesha Verrall"]


def test_unseen_places_are_geocoded(article):
    places = {m.surface: m.entity.place for m in article.mentions if m.entity.type == "place"}
    assert places["Wellington"].latitude == pytest.approx(-41.29, abs=0.1)
    assert places["Kota Christchurch"].longitude == pytest.approx(172.63, abs=0.1)
    assert places["Selandia Baru"].country_code == "NZ"
