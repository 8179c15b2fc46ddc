"""Indonesia's provinces, regencies (kabupaten) and cities (kota), from the `areaid` package.

News names them without any cue ("banjir di Luwu Utara", "Bupati Polewali Mandar"), and
without this list such names come out as people. Each unit is a place entity keyed by its
province and name (`idn:sulawesi-selatan/luwu-utara`), so that every archive file means the
same thing by it. A province is pinned at its capital, a regency at its seat (`ibukota`) and
a city at itself, when geonames knows the town by that name in Indonesia (areaid ships no
coordinates).

The generic word is not part of the alias: "Kabupaten Luwu Utara" is named "Luwu Utara",
and an alternative in brackets is one more ("Sidenreng Rappang (Sidrap)" gives "Sidrap").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

import yaml

PREFIXES = re.compile(r"^(?:Kabupaten|Kota|Provinsi)\s+(?:Adm\.\s+)?")
BRACKETED = re.compile(r"\s*\(([^)]+)\)\s*")


@dataclass(frozen=True)
class Region:
    key: str  # "idn:sulawesi-selatan", "idn:sulawesi-selatan/luwu-utara", "idn:sulawesi-selatan/kota-palopo"
    name: str  # as areaid writes it: "Kabupaten Luwu Utara"
    kind: str  # "province", "regency" or "city"
    aliases: tuple[str, ...]  # what news calls it: ("Luwu Utara",)
    seat: str | None  # where it is pinned: a province's capital, a regency's seat, a city itself


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def aliases_of(name: str) -> tuple[str, ...]:
    """ "Kabupaten Selayar (Kepulauan Selayar)" -> ("Selayar", "Kepulauan Selayar")."""
    bare = PREFIXES.sub("", name)
    found = [BRACKETED.sub(" ", bare).strip(), *BRACKETED.findall(bare)]
    return tuple(dict.fromkeys(alias.strip() for alias in found if alias.strip()))


def indonesian_regions() -> Iterator[Region]:
    """Every province and every regency and city in it (areaid's 34 provinces, 514 units);
    provinces with the short forms and capitals of `data/provinces.yml`."""
    provinces = yaml.safe_load(resources.files("ingest").joinpath("data/provinces.yml").read_text(encoding="utf-8"))
    data = resources.files("areaid").joinpath("data")
    for path in sorted(data.iterdir(), key=lambda entry: entry.name):
        if not path.name.endswith(".json"):
            continue
        for province in json.loads(path.read_text(encoding="utf-8")):
            province_key = f"idn:{slug(province['provinsi'])}"
            noted = provinces[province["provinsi"]]
            yield Region(
                province_key,
                province["provinsi"],
                "province",
                (*aliases_of(province["provinsi"]), *noted.get("aliases", ())),
                noted["capital"],
            )
            for unit in province["kabupaten"]:
                name = unit["kab_kota"]
                kind = "city" if name.startswith("Kota ") else "regency"
                seat = aliases_of(name)[0] if kind == "city" else unit.get("ibukota")
                aliases = aliases_of(name)
                unit_key = f"{'kota-' if kind == 'city' else ''}{slug(aliases[0])}"  # Kabupaten and Kota Bandung
                yield Region(f"{province_key}/{unit_key}", name, kind, aliases, seat)
