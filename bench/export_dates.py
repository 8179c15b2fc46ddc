"""Publication dates of a scraper's export against the dates in its articles' URLs (issue 22).

    python -m bench.export_dates EXPORT.csv [...]

Reads the export as `ingest` does and dates each article with the pipeline's own stages
(`clean`, then `published.published`), without extracting entities. Prints JSON per file:
how many articles have a URL with a date, how many of their stored dates agree with it, how
many of the dates the export states contradict it (what the archive stored before day–month
swaps were corrected), how many were corrected, and where the dates came from.

`text_only` dates the same articles from their text alone, as a page saved without its URL
or stated date would be, and checks those dates against the URL's: how often a publication
line or the lead's report date ("kata dia, Senin (9/9/2019)") is the day the article appeared.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from ingest.extract.clean import clean
from ingest.extract.filed_from import place_test
from ingest.extract.gazetteer import load_gazetteer
from ingest.extract.published import parse_date, published, url_date
from ingest.models import Document
from ingest.read.sources import documents_in


def measure(path: Path) -> dict:
    is_place = place_test(load_gazetteer())
    errors: list[str] = []
    articles = dated_urls = agreeing = stated_contradicting = corrected = 0
    sources: Counter[str] = Counter()
    text_only: Counter[str] = Counter()
    for document in documents_in([path], None, errors.append):
        if not isinstance(document, Document):
            continue
        articles += 1
        page = clean(document.text, document.title, is_place)
        date = published(page, document.published, document.url)
        sources[date.source or "none"] += 1
        corrected += date.stated is not None
        from_url = url_date(document.url)
        if from_url is None:
            continue
        dated_urls += 1
        from_text = published(page, None)
        if from_text.date is not None:
            text_only[f"{from_text.source}_{'agreeing' if from_text.date == from_url else 'not_agreeing'}"] += 1
        agreeing += date.date == from_url
        stated = parse_date(document.published) if document.published else None
        stated_contradicting += stated is not None and stated != from_url
    return {
        "file": path.name,
        "articles": articles,
        "unreadable_records": len(errors),
        "with_a_date_in_the_url": dated_urls,
        "stated_dates_contradicting_the_url": stated_contradicting,
        "stored_dates_agreeing_with_the_url": agreeing,
        "agreeing_share": round(agreeing / dated_urls, 4) if dated_urls else None,
        "corrected_day_month_swaps": corrected,
        "dates_from": dict(sources.most_common()),
        "text_only": dict(sorted(text_only.items())),
    }


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit(__doc__)
    print(json.dumps([measure(Path(name)) for name in argv], indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
