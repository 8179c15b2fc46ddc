"""From files to stored articles: read, clean, describe, split, extract, store.

Each file is read and processed on its own; a file that fails is reported with its
name and the reason, and the others still go in. Each article is written in one
transaction, so the database never holds half an article.
"""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from . import meta
from .clean import clean
from .entities import Extractor
from .models import Article, Document, Sentence
from .sentences import split_sentences
from .sources import SourceError, find_files, read_documents
from .stem import stem_text
from .store import counts, open_database, remove_orphan_entities, save_article, stored_hash

# Part of every article's content hash: bump it when cleaning or extraction changes,
# so that the next ingest re-reads articles whose files have not changed.
PIPELINE_VERSION = "1"


class ArticleError(Exception):
    """A document that can be read but holds no article."""


@dataclass
class Summary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    sentences: int = 0  # written in this run
    mentions: int = 0
    totals: dict[str, int] = field(default_factory=dict)  # what the archive holds afterwards
    errors: list[str] = field(default_factory=list)

    def report(self) -> str:
        totals = ", ".join(f"{count} {table}" for table, count in self.totals.items())
        return (f"articles: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.failed} failed; written: {self.sentences} sentences, {self.mentions} mentions\n"
                f"archive: {totals}")


def article_id(document: Document) -> str:
    """Stable across runs: from the article's URL if it has one, else from its source path."""
    return hashlib.sha1((document.url or document.source).encode("utf-8")).hexdigest()[:16]


def content_hash(document: Document) -> str:
    parts = [PIPELINE_VERSION, document.text, document.title, document.outlet, document.published,
             document.url, document.language, document.source]
    return hashlib.sha256("\x1f".join(part or "" for part in parts).encode("utf-8")).hexdigest()


def sentences_of(page) -> list[Sentence]:
    """Sentences with offsets into the page's body; none crosses a paragraph."""
    sentences = []
    for offset, paragraph in page.paragraph_offsets():
        for span in split_sentences(paragraph.text):
            sentences.append(Sentence(len(sentences), offset + span.start, offset + span.end,
                                      paragraph.text[span.start:span.end], paragraph.section))
    return sentences


def build_article(document: Document, extractor: Extractor) -> Article:
    page = clean(document.text, document.title)
    sentences = sentences_of(page)
    if not sentences:
        raise ArticleError(f"{document.source}: no article text left after removing page furniture")
    title, title_from = meta.title_of(page, sentences[0].text)
    if document.title:
        title_from = "source"
    body = page.body
    return Article(
        id=article_id(document),
        source=document.source,
        format=document.format,
        raw=document.text,
        body=body,
        content_hash=content_hash(document),
        title=title,
        title_from=title_from,
        outlet=meta.outlet_name(page, document.outlet),
        published=meta.published_date(page, document.published),
        language=meta.language_of(body, document.language),
        url=document.url,
        sentences=sentences,
        mentions=extractor.extract(sentences),
        furniture=page.furniture,
    )


def ingest_paths(paths, db_path: str, progress: Callable | None = None,
                 on_error: Callable[[str], None] | None = None) -> Summary:
    """Ingest every supported file under `paths` into the database at `db_path`."""
    summary = Summary()
    report_error = on_error or (lambda message: None)
    try:
        files = find_files(paths)
    except SourceError as error:
        summary.failed += 1
        summary.errors.append(str(error))
        report_error(str(error))
        return summary
    db = open_database(db_path)
    extractor = Extractor()
    ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    items = progress(files, len(files)) if progress else nullcontext(files)
    with items as iterator:
        for path in iterator:
            try:
                documents = read_documents(path)
            except SourceError as error:
                _fail(summary, str(error), report_error)
                continue
            for document in documents:
                try:
                    _ingest_document(db, document, extractor, ingested_at, summary)
                except ArticleError as error:
                    _fail(summary, str(error), report_error)
                except Exception as error:  # a bug must not stop the batch; it is reported with the file
                    _fail(summary, f"{document.source}: could not be processed ({type(error).__name__}: {error})",
                          report_error)
    remove_orphan_entities(db)
    summary.totals = counts(db)
    db.close()
    return summary


def _ingest_document(db, document: Document, extractor: Extractor, ingested_at: str, summary: Summary) -> None:
    identifier = article_id(document)
    previous = stored_hash(db, identifier)
    if previous == content_hash(document):
        summary.unchanged += 1
        return
    article = build_article(document, extractor)
    save_article(db, article, [stem_text(s.text) for s in article.sentences], ingested_at)
    if previous is None:
        summary.new += 1
    else:
        summary.updated += 1
    summary.sentences += len(article.sentences)
    summary.mentions += len(article.mentions)


def _fail(summary: Summary, message: str, report_error: Callable[[str], None]) -> None:
    summary.failed += 1
    summary.errors.append(message)
    report_error(message)
