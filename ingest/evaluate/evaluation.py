"""How far the extractor can be trusted, measured against hand-labelled sets.

    python -m ingest.evaluate.evaluation        (or `make eval`)

Two sets, both in `ingest/evalset/`:

- **real** (`real/`, `manifest.csv`): real articles from many outlets, as found, labelled
  exhaustively (`LABELLING.md`), split once into `dev` (look at it, tune on it) and `test`
  (score only). `evaluate_real` scores a split, read with each article's URL or as bare
  text (metadata from the text alone); see `RealScores` for the figures.
- **curated** (`curated.yml`): the five seeds and two texts written for the tests, with
  quotes; the seed figures must never fall.

The curated file lists, per article, every entity a careful reader finds in the body (its
canonical name, type, surface forms and, for places, coordinates) and the quotes with
named speakers. Figures:

- precision, recall and F1 per entity type, over the distinct (surface, type) pairs of
  each article;
- merge accuracy: the share of found gold mentions whose predicted entity is the one
  most of their gold entity's mentions got (one real thing, one entity);
- geocoding error in km for gold places with coordinates, and how many got none;
- quote attribution accuracy: the share of gold quotes found with the right speaker.

A third section scores HTML extraction on the public article-extraction benchmark, when it
is found beside the project (`extraction_benchmark`).
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ingest.evaluate import extraction_benchmark
from ingest.evaluate.realset import LabelledArticle, evalset_dir, load
from ingest.extract.build import build_article
from ingest.extract.dateline import SECTION as DATELINE
from ingest.extract.entities import Extractor
from ingest.extract.lexicon import MONTH_ABBREVIATIONS, MONTHS
from ingest.models import ENTITY_TYPES
from ingest.read.sources import read_documents

DEFAULT_GOLD = evalset_dir() / "curated.yml"
TYPES = ENTITY_TYPES


@dataclass
class Scores:
    counts: dict[str, Counter] = field(default_factory=lambda: {t: Counter() for t in TYPES})
    merge_right: int = 0
    merge_total: int = 0
    geocode_km: list[float] = field(default_factory=list)
    geocode_missing: int = 0
    quotes_right: int = 0
    quotes_total: int = 0

    def prf(self, type_: str) -> tuple[float, float, float]:
        c = self.counts[type_]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def summary(self) -> dict[str, float]:
        figures = {}
        for type_ in TYPES:
            figures[f"{type_}_precision"], figures[f"{type_}_recall"], figures[f"{type_}_f1"] = self.prf(type_)
        figures["merge_accuracy"] = self.merge_right / self.merge_total if self.merge_total else 0.0
        figures["geocode_mean_km"] = sum(self.geocode_km) / len(self.geocode_km) if self.geocode_km else 0.0
        figures["geocode_max_km"] = max(self.geocode_km, default=0.0)
        figures["geocode_missing"] = self.geocode_missing
        figures["quote_accuracy"] = self.quotes_right / self.quotes_total if self.quotes_total else 0.0
        return figures

    def table(self) -> str:
        lines = ["| entity type | precision | recall | F1 |", "|---|---:|---:|---:|"]
        for type_ in TYPES:
            p, r, f = self.prf(type_)
            lines.append(f"| {type_} | {p:.3f} | {r:.3f} | {f:.3f} |")
        s = self.summary()
        lines += [
            "",
            "| measure | value |",
            "|---|---:|",
            f"| mentions merged into the right entity | {s['merge_accuracy']:.3f} ({self.merge_right}/{self.merge_total}) |",
            f"| geocoding error, mean km (places with gold coordinates) | {s['geocode_mean_km']:.1f} |",
            f"| geocoding error, max km | {s['geocode_max_km']:.1f} |",
            f"| gold places with coordinates left without any | {self.geocode_missing} |",
            f"| quotes attributed to the right speaker | {s['quote_accuracy']:.3f} ({self.quotes_right}/{self.quotes_total}) |",
        ]
        return "\n".join(lines)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def evaluate(gold_path: Path = DEFAULT_GOLD) -> Scores:
    gold = yaml.safe_load(Path(gold_path).read_text(encoding="utf-8"))
    extractor = Extractor()
    scores = Scores()
    predicted_keys: dict[str, list[str]] = defaultdict(list)  # gold entity -> predicted keys of its found mentions
    for item in gold:
        (document,) = read_documents(Path(gold_path).parent / item["file"])
        article = build_article(document, extractor)
        _score_entities(item["entities"], replace(article, mentions=_body_mentions(article)), scores, predicted_keys)
        _score_quotes(item.get("quotes", []), article, scores)
    _score_merges(predicted_keys, scores)
    return scores


def _score_entities(gold_entities, article, scores: Scores, predicted_keys) -> None:
    found = {(m.surface, m.entity.type): m.entity for m in article.mentions}
    expected = {(surface, e["type"]): e for e in gold_entities for surface in e["surfaces"]}
    for key, entity in expected.items():
        type_ = entity["type"]
        if key in found:
            scores.counts[type_]["tp"] += 1
            predicted = found[key]
            predicted_keys[entity["name"]].append(predicted.key)
            if "lat" in entity:
                place = predicted.place
                if place is None or place.latitude is None:
                    scores.geocode_missing += 1
                else:
                    scores.geocode_km.append(
                        haversine_km(entity["lat"], entity["lon"], place.latitude, place.longitude)
                    )
        else:
            scores.counts[type_]["fn"] += 1
    for surface, type_ in found:
        if (surface, type_) not in expected:
            scores.counts[type_]["fp"] += 1


def _score_merges(predicted_keys: dict[str, list[str]], scores: Scores) -> None:
    """A gold entity's mentions should share one predicted entity, and no other gold entity's."""
    majority = {name: Counter(keys).most_common(1)[0][0] for name, keys in predicted_keys.items()}
    owners = Counter(majority.values())
    for name, keys in predicted_keys.items():
        right = majority[name] if owners[majority[name]] == 1 else None
        scores.merge_right += sum(1 for key in keys if key == right)
        scores.merge_total += len(keys)


def _score_quotes(gold_quotes, article, scores: Scores) -> None:
    for quote in gold_quotes:
        scores.quotes_total += 1
        if any(
            q.text.startswith(quote["starts"]) and q.speaker is not None and q.speaker.name == quote["speaker"]
            for q in article.quotes
        ):
            scores.quotes_right += 1


@dataclass
class RealScores(Scores):
    """Scores on the real set: entities as in `Scores`, plus merges within and across
    articles, places on the map within tolerance, and metadata and furniture per article."""

    merge_within_right: int = 0
    merge_within_total: int = 0
    places_near: int = 0  # mappable gold places found with coordinates within tolerance
    places_mappable: int = 0
    published_right: int = 0
    published_stated: int = 0  # articles that state the date (as bare text: whose text writes it)
    published_invented: int = 0  # a date given where the article states none
    outlet_right: int = 0
    outlet_stated: int = 0  # articles (as bare text: those whose text names the outlet)
    title_right: int = 0
    title_stated: int = 0
    filed_from_mapped: int = 0  # the dateline's place a mention with coordinates
    filed_from_stated: int = 0  # articles with a dateline
    clean_articles: int = 0  # no furniture among the sentences
    articles: int = 0

    def summary(self) -> dict[str, float]:
        figures = super().summary()

        def share(right: int, total: int) -> float:
            return right / total if total else 0.0

        figures.update(
            merge_within_accuracy=share(self.merge_within_right, self.merge_within_total),
            places_within_tolerance=share(self.places_near, self.places_mappable),
            published_accuracy=share(self.published_right, self.published_stated),
            published_invented=self.published_invented,
            outlet_accuracy=share(self.outlet_right, self.outlet_stated),
            title_accuracy=share(self.title_right, self.title_stated),
            filed_from_mapped=share(self.filed_from_mapped, self.filed_from_stated),
            furniture_free=share(self.clean_articles, self.articles),
        )
        return figures

    def rows(self) -> list[tuple[str, str]]:
        s = self.summary()
        rows = []
        for type_ in TYPES:
            p, r, f = self.prf(type_)
            rows.append((f"{type_}: precision / recall / F1", f"{p:.3f} / {r:.3f} / {f:.3f}"))
        rows += [
            (
                "mentions merged into the right entity, within articles",
                f"{s['merge_within_accuracy']:.3f} ({self.merge_within_right}/{self.merge_within_total})",
            ),
            ("... across articles", f"{s['merge_accuracy']:.3f} ({self.merge_right}/{self.merge_total})"),
            (
                "mappable places within tolerance (50 km, or the place's own size)",
                f"{s['places_within_tolerance']:.3f} ({self.places_near}/{self.places_mappable})",
            ),
            (
                "published date right (articles that state it)",
                f"{s['published_accuracy']:.3f} ({self.published_right}/{self.published_stated})",
            ),
            ("a date given where the article states none", f"{self.published_invented}"),
            (
                "outlet right (articles that name it)",
                f"{s['outlet_accuracy']:.3f} ({self.outlet_right}/{self.outlet_stated})",
            ),
            (
                "title right (articles with a headline)",
                f"{s['title_accuracy']:.3f} ({self.title_right}/{self.title_stated})",
            ),
            (
                "the dateline's place a mapped mention (articles with a dateline)",
                f"{s['filed_from_mapped']:.3f} ({self.filed_from_mapped}/{self.filed_from_stated})",
            ),
            (
                "no furniture among the body sentences",
                f"{s['furniture_free']:.3f} ({self.clean_articles}/{self.articles})",
            ),
        ]
        return rows


def evaluate_real(split: str, articles: list[LabelledArticle] | None = None, with_url: bool = True) -> RealScores:
    """Score the real set's `split` ("dev" or "test"), each article read with the URL it was
    found at, or (`with_url=False`) as bare text, like a page saved as text: then a date or an
    outlet counts only where the text itself gives it (`date_written_in`, `outlet_named_in`)."""
    extractor = Extractor()
    scores = RealScores()
    across: dict[str, list[str]] = defaultdict(list)  # gold entity -> predicted keys, over the split
    for labelled in articles if articles is not None else load():
        if labelled.split != split:
            continue
        article = build_article(_document(labelled, with_url), extractor)
        within = _score_real_article(labelled, article, scores, with_url)
        for name, predicted in within.items():
            across[name] += predicted
        in_article = Scores()
        _score_merges(within, in_article)
        scores.merge_within_right += in_article.merge_right
        scores.merge_within_total += in_article.merge_total
    _score_merges(across, scores)
    return scores


def _document(labelled: LabelledArticle, with_url: bool = True):
    """The text as a scraper hands it over: the page's text and the URL it came from (or none)."""
    (document,) = read_documents(evalset_dir() / "real" / f"{labelled.name}.txt")
    document.url = labelled.labels["url"] if with_url else None
    return document


def _score_real_article(labelled: LabelledArticle, article, scores: RealScores, with_url: bool) -> dict[str, list[str]]:
    """Add the article's figures to `scores`; returns its gold entities' predicted keys."""
    labels = labelled.labels
    entities = labels["entities"] or []
    keys: dict[str, list[str]] = defaultdict(list)
    # The body's mentions: a name only in the dateline is not labelled (LABELLING.md).
    body = replace(article, mentions=_body_mentions(article))
    # Gold names are keyed with their type: one name can be a place and an organisation.
    _score_entities([{**e, "name": f"{e['type']}:{e['name']}"} for e in entities], body, scores, keys)
    found = {(m.surface, m.entity.type): m.entity for m in body.mentions}
    for entity in entities:
        if entity["type"] != "place" or "lat" not in entity:
            continue
        scores.places_mappable += 1
        tolerance = max(50.0, float(entity.get("tolerance_km") or 0))
        for surface in entity["surfaces"]:
            place = getattr(found.get((surface, "place")), "place", None)
            if (
                place is not None
                and place.latitude is not None
                and haversine_km(entity["lat"], entity["lon"], place.latitude, place.longitude) <= tolerance
            ):
                scores.places_near += 1
                break
    scores.articles += 1
    gold = labels["published"].isoformat() if labels.get("published") else None
    if gold is not None and (with_url or date_written_in(labelled.text, gold)):
        scores.published_stated += 1
        scores.published_right += article.published == gold
    elif article.published not in (None, gold):
        scores.published_invented += 1
    if with_url or outlet_named_in(labelled.text, labels["outlet"]):
        scores.outlet_stated += 1
        scores.outlet_right += same_outlet(labels["outlet"], article.outlet)
    if labels.get("filed_from"):
        scores.filed_from_stated += 1
        scores.filed_from_mapped += _filed_from_mapped(labels, article)
    if labels.get("title"):
        scores.title_stated += 1
        scores.title_right += _words(labels["title"]) == _words(article.title or "")
    pieces = [_words(str(piece)) for piece in labels.get("furniture") or []]
    # Body sentences: photo captions are kept on purpose, in their own section (README, "Ingest").
    body = [_words(s.text) for s in article.sentences if s.section == "body"]
    scores.clean_articles += not any(
        piece and (piece in text or (len(text) >= 20 and text in piece)) for text in body for piece in pieces
    )
    return keys


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _body_mentions(article) -> list:
    """The mentions outside the dateline: what the labels list."""
    dateline = {s.position for s in article.sentences if s.section == DATELINE}
    return [m for m in article.mentions if m.sentence_position not in dateline]


def _filed_from_mapped(labels: dict, article) -> bool:
    """Whether the labelled dateline place is a mention in the dateline section with coordinates,
    within tolerance of where the labels pin a place of that name, if they do."""
    name = _words(labels["filed_from"])
    pinned = [e for e in labels["entities"] or [] if "lat" in e and name in {_words(str(s)) for s in e["surfaces"]}]
    dateline = {s.position for s in article.sentences if s.section == DATELINE}
    for mention in article.mentions:
        place = mention.entity.place
        if mention.sentence_position not in dateline or _words(mention.surface) != name:
            continue
        if place is None or place.latitude is None:
            return False
        return all(
            haversine_km(e["lat"], e["lon"], place.latitude, place.longitude)
            <= max(50.0, float(e.get("tolerance_km") or 0))
            for e in pinned
        )
    return False


_MONTH_NAMES: dict[int, list[str]] = defaultdict(list)
for _name, _number in {**MONTHS, **MONTH_ABBREVIATIONS}.items():
    _MONTH_NAMES[_number].append(_name)


def date_written_in(text: str, iso: str) -> bool:
    """Whether `text` writes the date `iso` with its year: 7/11/2025, 2025-11-07, 7 Nov 2025,
    November 7, 2025 (the scorer's own reading, independent of `published.py`'s)."""
    year, month, day = iso.split("-")
    d, m = str(int(day)), str(int(month))
    names = "|".join(sorted(_MONTH_NAMES[int(month)], key=len, reverse=True))
    shapes = (
        rf"(?<!\d)0?{d}\s*([/.-])\s*0?{m}\s*\1\s*{year}(?!\d)",
        rf"(?<!\d){year}[-/.]0?{m}[-/.]0?{d}(?!\d)",
        rf"(?<!\d)0?{d}\s+(?:{names})\.?,?\s+{year}(?!\d)",
        rf"\b(?:{names})\.?\s+0?{d},?\s+{year}(?!\d)",
    )
    return any(re.search(shape, text, re.IGNORECASE) for shape in shapes)


def outlet_named_in(text: str, outlet: str) -> bool:
    """Whether `text` names the outlet: one to three words that fold to its name (`fold_outlet`),
    capitalised or written as a domain ("ANTARA", "IDN Times", "TRIBUNLOMBOK.COM"; not "di antara")."""
    wanted, words = fold_outlet(outlet), text.split()
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            span = _EDGES.sub("", " ".join(words[i : i + size]))
            if span and (span[0].isupper() or "." in span) and fold_outlet(span) == wanted:
                return True
    return False


_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


_OUTLET_SUFFIX = re.compile(r"(\.(com|co|id|net|org|tv|news|my|or))+$")


def fold_outlet(name: str | None) -> str:
    """An outlet's name as compared: lower case, no "www." or domain ending, letters and digits only
    ("KOMPAS.com", "Kompas.com" and "kompas" are one outlet)."""
    name = (name or "").casefold().strip()
    name = _OUTLET_SUFFIX.sub("", name.removeprefix("www."))
    return re.sub(r"[^0-9a-z]", "", name).removeprefix("the")  # "The Japan Times", japantimes.co.jp


def same_outlet(gold: str, predicted: str | None) -> bool:
    """The same outlet, also when one name is the other's brand ("ANTARA" and "antaranews.com")."""
    a, b = fold_outlet(gold), fold_outlet(predicted)
    return bool(a and b) and (a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))))


def real_table() -> str:
    """`make eval`'s table for the real set: test and dev side by side, each read with its URL
    and as bare text (what a page saved as text gives)."""
    articles = load()
    runs = [evaluate_real(split, articles, with_url) for split in ("test", "dev") for with_url in (True, False)]
    counts = {split: sum(a.split == split for a in articles) for split in ("test", "dev")}
    lines = [
        f"| measure | test ({counts['test']} articles), with URL | test, bare text "
        f"| dev ({counts['dev']} articles), with URL | dev, bare text |",
        "|---|---:|---:|---:|---:|",
    ]
    for rows in zip(*(run.rows() for run in runs)):
        lines.append(f"| {rows[0][0]} | " + " | ".join(value for _, value in rows) + " |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """`--curated`: the curated set alone; `--html-benchmark DIR`: where the HTML benchmark is."""
    if argv == ["--curated"]:
        print(evaluate().table())
        return
    given = argv[argv.index("--html-benchmark") + 1] if "--html-benchmark" in argv[:-1] else None
    print("Real evaluation set (ingest/evalset/real/; test is scored, never tuned on):\n")
    print(real_table())
    print("\nCurated set (ingest/evalset/curated.yml: the five seeds and two written texts):\n")
    print(evaluate().table())
    directory = extraction_benchmark.benchmark_dir(given)
    print(f"\nHTML extraction (the public article-extraction benchmark, {directory.name}/, scored by its score.py):\n")
    print(extraction_benchmark.table(directory))


if __name__ == "__main__":
    main(sys.argv[1:])
