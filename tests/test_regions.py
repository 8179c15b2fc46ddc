"""ingest/extract/regions.py and its place in the gazetteer: Indonesia's regencies are places, not people."""

import pytest

from ingest.extract.entities import Extractor
from ingest.extract.regions import aliases_of, indonesian_regions
from ingest.models import Sentence


def test_every_province_and_unit_is_read_with_a_unique_key():
    regions = list(indonesian_regions())
    kinds = [region.kind for region in regions]
    assert kinds.count("province") == 34 and kinds.count("regency") + kinds.count("city") == 514
    assert len({region.key for region in regions}) == len(regions)
    assert all(region.aliases for region in regions)


def test_the_generic_word_is_not_part_of_a_name_and_brackets_are_another_name():
    assert aliases_of("Kabupaten Luwu Utara") == ("Luwu Utara",)
    assert aliases_of("Kabupaten Sidenreng Rappang (Sidrap)") == ("Sidenreng Rappang", "Sidrap")
    assert aliases_of("Kota Adm. Jakarta Barat") == ("Jakarta Barat",)


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


@pytest.mark.parametrize(
    "text, name",
    [
        ("Banjir bandang melanda Luwu Utara sejak Senin malam.", "Luwu Utara"),
        ("Warga Polewali Mandar mengungsi ke dataran tinggi.", "Polewali Mandar"),
        ("Bupati Flores Timur meninjau lokasi longsor.", "Flores Timur"),
    ],
)
def test_a_regency_named_without_a_cue_is_a_place(extractor, text, name):
    mentions = extractor.extract([Sentence(0, 0, len(text), text)])
    found = {m.surface: m.entity for m in mentions}
    assert found[name].type == "place" and found[name].key.startswith("idn:")


def test_a_regency_is_pinned_at_its_seat_and_a_big_city_keeps_its_geonames_entry(extractor):
    match = extractor.gazetteer.lookup("Luwu Utara")
    assert match.source == "region" and match.entity.place.latitude == pytest.approx(-2.55, abs=0.2)  # Masamba
    assert extractor.gazetteer.lookup("Bandung").entity.key != "idn:jawa-barat/bandung"
