"""The real evaluation set (`ingest/evalset/real/`): load it and check that its labels hold.

    python -m ingest.evaluate.realset check [NAME ...]    every label checked against its text

Each article is `NAME.txt` (the page's text as found) and `NAME.yml` (its labels, see
`ingest/evalset/LABELLING.md`); `ingest/evalset/manifest.csv` assigns each one to `dev` or
`test` once.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import yaml

from ingest.models import ENTITY_TYPES

FIELDS = ("url", "outlet", "language", "topic", "region", "title", "published", "filed_from", "entities", "furniture")


def evalset_dir() -> Path:
    return Path(str(resources.files("ingest") / "evalset"))


@dataclass
class LabelledArticle:
    name: str
    text: str
    labels: dict
    split: str | None = None


def load(names: list[str] | None = None, directory: Path | None = None) -> list[LabelledArticle]:
    directory = directory or evalset_dir()
    splits = read_manifest(directory)
    paths = sorted((directory / "real").glob("*.yml"))
    if names:
        paths = [p for p in paths if p.stem in names]
    articles = []
    for path in paths:
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        labels = yaml.safe_load(path.read_text(encoding="utf-8"))
        articles.append(LabelledArticle(path.stem, text, labels, splits.get(path.stem)))
    return articles


def read_manifest(directory: Path) -> dict[str, str]:
    manifest = directory / "manifest.csv"
    if not manifest.exists():
        return {}
    with manifest.open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row["split"] for row in csv.DictReader(handle)}


def _occurs(surface: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text) is not None


def problems(article: LabelledArticle) -> list[str]:
    """What is wrong with an article's labels; empty when they hold."""
    labels, text, found = article.labels, article.text, []
    if not isinstance(labels, dict):
        return [f"{article.name}: labels are not a mapping"]
    found += [f"{article.name}: missing field {name!r}" for name in FIELDS if name not in labels]
    if labels.get("language") not in ("id", "en"):
        found.append(f"{article.name}: language must be id or en")
    published = labels.get("published")
    if published is not None and not isinstance(published, date):
        found.append(f"{article.name}: published must be YYYY-MM-DD or null")
    if labels.get("title") and " ".join(str(labels["title"]).split()) not in " ".join(text.split()):
        found.append(f"{article.name}: title not in the text")
    for piece in labels.get("furniture") or []:
        if str(piece) not in text:
            found.append(f"{article.name}: furniture not in the text: {piece!r}")
    names = set()
    for entity in labels.get("entities") or []:
        name = entity.get("name")
        if name in names:
            found.append(f"{article.name}: entity {name!r} listed twice")
        names.add(name)
        if entity.get("type") not in ENTITY_TYPES:
            found.append(f"{article.name}: {name!r} has type {entity.get('type')!r}")
        if not entity.get("surfaces"):
            found.append(f"{article.name}: {name!r} has no surfaces")
        for surface in entity.get("surfaces") or []:
            if not _occurs(str(surface), text):
                found.append(f"{article.name}: surface {surface!r} of {name!r} not in the text")
        if ("lat" in entity) != ("lon" in entity):
            found.append(f"{article.name}: {name!r} needs both lat and lon")
        if "lat" in entity and entity.get("type") != "place":
            found.append(f"{article.name}: {name!r} has coordinates but is not a place")
        if "lat" in entity and not (-90 <= entity["lat"] <= 90 and -180 <= entity["lon"] <= 180):
            found.append(f"{article.name}: {name!r} coordinates out of range")
    surfaces = [(s, e.get("type")) for e in labels.get("entities") or [] for s in e.get("surfaces") or []]
    for surface, type_ in {pair for pair in surfaces if surfaces.count(pair) > 1}:
        found.append(f"{article.name}: surface {surface!r} ({type_}) belongs to two entities")
    return found


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "check":
        print(__doc__)
        return 2
    articles = load(argv[1:] or None)
    failures = [problem for article in articles for problem in problems(article)]
    for failure in failures:
        print(failure)
    print(f"{len(articles)} articles, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
