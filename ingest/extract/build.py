"""One document in, one article out: `build_article`, pure (no database, no files).

It cleans the page, describes it (title, date, outlet, dateline), splits it into sentences
(with stems), and finds the names, quotes and dates in them: everything the store writes for
an article. The driver (ingest/pipeline.py) calls it in worker processes when there are several.
"""

from __future__ import annotations

import hashlib

from ingest.extract import meta
from ingest.extract.clean import clean
from ingest.extract.dateline import SECTION as DATELINE
from ingest.extract.dates import find_dates
from ingest.extract.entities import Extractor
from ingest.extract.filed_from import place_mention, place_test
from ingest.extract.published import published
from ingest.extract.quotes import find_quotes
from ingest.extract.sentences import sentences_of
from ingest.extract.timing import UNTIMED, StageTimer, Untimed
from ingest.models import Article, Document

# Part of every article's content hash: bump it when cleaning or extraction changes,
# so that the next ingest re-reads articles whose files have not changed.
PIPELINE_VERSION = (
    "8"  # 8: metadata from the text, the dateline's place, day–month swaps corrected; scraper exports repaired
)


class ArticleError(Exception):
    """A document that can be read but holds no article."""


def article_id(document: Document) -> str:
    """Stable across runs: from the article's URL if it has one, else from its source path."""
    return hashlib.sha1((document.url or document.source).encode("utf-8")).hexdigest()[:16]


def content_hash(document: Document) -> str:
    parts = [
        PIPELINE_VERSION,
        document.text,
        document.title,
        document.outlet,
        document.published,
        document.url,
        document.language,
        document.source,
    ]
    if document.author:  # only then: the hashes of articles without one stay as they were
        parts.append(document.author)
    return hashlib.sha256("\x1f".join(part or "" for part in parts).encode("utf-8")).hexdigest()


def build_article(document: Document, extractor: Extractor, timer: StageTimer | Untimed = UNTIMED) -> Article:
    """Everything the store writes for one document; pure (no database, no files).

    `timer` (ingest/extract/timing.py) is entered around each stage by name: clean, split,
    describe, names, quotes, dates and hash. The benchmark passes a `StageTimer`; the ingest
    passes none, and the stages cost nothing more than a no-op each.
    """
    gazetteer = extractor.gazetteer
    with timer.stage("clean"):
        page = clean(document.text, document.title, place_test(gazetteer))
        page.keep_dateline_place()
    with timer.stage("split"):
        sentences = sentences_of(page, timer)
        prose = [sentence for sentence in sentences if sentence.section != DATELINE]
    if not prose:
        raise ArticleError(f"{document.source}: no article text left after removing page furniture")
    with timer.stage("describe"):
        lead = next((sentence for sentence in prose if sentence.section == "body"), prose[0])  # not a caption
        title, title_from = meta.title_of(page, lead.text, document.title)
        date = published(page, document.published, document.url)
        outlet = meta.outlet_name(page, document.outlet, document.url)
        language = meta.language_of(page.body, document.language)
    with timer.stage("names"):
        mentions = extractor.extract(prose)
        mentions = sorted(
            mentions + place_mention(sentences, mentions, gazetteer), key=lambda m: (m.sentence_position, m.char_start)
        )
    with timer.stage("quotes"):
        quotes = find_quotes(prose, mentions)
    with timer.stage("dates"):
        dates = find_dates(prose, date.date)
    with timer.stage("hash"):
        identity, digest = article_id(document), content_hash(document)
    return Article(
        id=identity,
        source=document.source,
        format=document.format,
        raw=document.text,
        body=page.body,
        content_hash=digest,
        title=title,
        title_from=title_from,
        outlet=outlet,
        published=date.date,
        published_from=date.source,
        published_stated=date.stated,
        language=language,
        url=document.url,
        author=document.author,
        sentences=sentences,
        mentions=mentions,
        quotes=quotes,
        dates=dates,
        furniture=page.furniture,
    )
