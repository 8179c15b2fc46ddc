"""How far the extractor can be trusted, measured against a hand-labelled set.

    python -m ingest.evaluation [tests/eval/gold.yml]      (or `make eval`)

The gold file lists, per article, every entity a careful reader finds in the body (its
canonical name, type, surface forms and, for places, coordinates) and the quotes with
named speakers. Figures:

- precision, recall and F1 per entity type, over the distinct (surface, type) pairs of
  each article;
- merge accuracy: the share of found gold mentions whose predicted entity is the one
  most of their gold entity's mentions got (one real thing, one entity);
- geocoding error in km for gold places with coordinates, and how many got none;
- quote attribution accuracy: the share of gold quotes found with the right speaker.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .entities import Extractor
from .pipeline import build_article
from .sources import read_documents

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT / "tests" / "eval" / "gold.yml"
TYPES = ("person", "organization", "place")


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
            "| measure | value |", "|---|---:|",
            f"| mentions merged into the right entity | {s['merge_accuracy']:.3f} ({self.merge_right}/{self.merge_total}) |",
            f"| geocoding error, mean km (places with gold coordinates) | {s['geocode_mean_km']:.1f} |",
            f"| geocoding error, max km | {s['geocode_max_km']:.1f} |",
            f"| gold places with coordinates left without any | {self.geocode_missing} |",
            f"| quotes attributed to the right speaker | {s['quote_accuracy']:.3f} ({self.quotes_right}/{self.quotes_total}) |",
        ]
        return "\n".join(lines)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((phi2 - phi1) / 2) ** 2
         + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def evaluate(gold_path: Path = DEFAULT_GOLD) -> Scores:
    gold = yaml.safe_load(Path(gold_path).read_text(encoding="utf-8"))
    extractor = Extractor()
    scores = Scores()
    predicted_keys: dict[str, list[str]] = defaultdict(list)  # gold entity -> predicted keys of its found mentions
    for item in gold:
        (document,) = read_documents(ROOT / item["file"])
        article = build_article(document, extractor)
        _score_entities(item["entities"], article, scores, predicted_keys)
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
                    scores.geocode_km.append(haversine_km(entity["lat"], entity["lon"], place.latitude,
                                                          place.longitude))
        else:
            scores.counts[type_]["fn"] += 1
    for (surface, type_) in found:
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
        if any(q.text.startswith(quote["starts"]) and q.speaker is not None and q.speaker.name == quote["speaker"]
               for q in article.quotes):
            scores.quotes_right += 1


def main(argv: list[str]) -> None:
    gold_path = Path(argv[0]) if argv else DEFAULT_GOLD
    print(evaluate(gold_path).table())


if __name__ == "__main__":
    main(sys.argv[1:])
