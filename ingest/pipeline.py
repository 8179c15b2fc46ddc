"""From files to stored articles: read, clean, describe, split, extract, store.

Each file is read and processed on its own; a file that fails is reported with its
name and the reason, and the others still go in. Each article is written in one
transaction, so the database never holds half an article.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import chain, islice
from typing import Callable, Iterable, Iterator

from . import meta
from .clean import clean
from .dates import find_dates
from .entities import Extractor
from .lock import holding_ingest_lock
from .models import Article, Document, Sentence
from .passages import update_passages
from .quotes import find_quotes
from .sentences import split_sentences
from .sources import SourceError, find_files, read_documents
from .stem import stem_text
from .store import counts, open_database, remove_orphan_entities, save_article, stored_hash

# Part of every article's content hash: bump it when cleaning or extraction changes,
# so that the next ingest re-reads articles whose files have not changed.
PIPELINE_VERSION = "4"


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
    mentions = extractor.extract(sentences)
    published = meta.published_date(page, document.published)
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
        published=published,
        language=meta.language_of(body, document.language),
        url=document.url,
        sentences=sentences,
        mentions=mentions,
        quotes=find_quotes(sentences, mentions),
        dates=find_dates(sentences, published),
        furniture=page.furniture,
    )


@holding_ingest_lock  # one ingest per database at a time (issue 6); raises lock.IngestLocked
def ingest_paths(paths, db_path: str, workers: int = 1, progress: Callable | None = None,
                 on_error: Callable[[str], None] | None = None) -> Summary:
    """Ingest every supported file under `paths` into the database at `db_path`.

    Files are read and checked against the stored hashes here; only new and changed
    documents are built, by `workers` processes when more than one; every write happens
    in this process, one transaction per article.
    """
    summary = Summary()
    report_error = on_error or (lambda message: None)
    try:
        files = find_files(paths)
    except SourceError as error:
        _fail(summary, str(error), report_error)
        return summary
    db = open_database(db_path)
    ingested_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    stored: dict[str, str | None] = {}  # article id -> stored hash, for documents on their way to a builder
    with (progress(files, len(files)) if progress else nullcontext(files)) as iterator:
        pending = _documents_to_build(db, iterator, stored, summary, report_error)
        for document, built, error in _built(pending, workers):
            if error:
                _fail(summary, error, report_error)
                continue
            article, stemmed = built
            save_article(db, article, stemmed, ingested_at)
            if stored.pop(article.id, None) is None:
                summary.new += 1
            else:
                summary.updated += 1
            summary.sentences += len(article.sentences)
            summary.mentions += len(article.mentions)
    # Shared passages and copies; returns at once when every sentence is indexed. After
    # re-written articles, their old sentences' band rows are swept and clusters recounted.
    update_passages(db, force=summary.updated > 0)
    remove_orphan_entities(db)
    summary.totals = counts(db)
    db.close()
    return summary


def _documents_to_build(db, files, stored: dict, summary: Summary, report_error) -> Iterator[Document]:
    """Read each file; yield the documents that are new or changed, count the unchanged ones."""
    for path in files:
        try:
            documents = read_documents(path)
        except SourceError as error:
            _fail(summary, str(error), report_error)
            continue
        for document in documents:
            identifier = article_id(document)
            previous = stored_hash(db, identifier)
            if previous == content_hash(document):
                summary.unchanged += 1
            else:
                stored[identifier] = previous
                yield document


def build_safely(document: Document, extractor: Extractor):
    """(document, (article, stemmed sentences), None), or (document, None, message naming the file)."""
    try:
        article = build_article(document, extractor)
        return document, (article, [stem_text(s.text) for s in article.sentences]), None
    except ArticleError as error:
        return document, None, str(error)
    except Exception as error:  # a bug must not stop the batch; it is reported with the file
        return document, None, f"{document.source}: could not be processed ({type(error).__name__}: {error})"


def _built(documents: Iterable[Document], workers: int):
    """Build documents in order, in this process or in a pool of `workers` processes.

    The gazetteer and the pool are started only once there is a document to build, so a
    re-run over unchanged files pays for neither."""
    documents = iter(documents)
    batch = list(islice(documents, BATCH_SIZE))  # bounded: a pool would read ahead without limit
    if not batch:
        return
    if workers <= 1:
        extractor = Extractor()
        yield from (build_safely(document, extractor) for document in chain(batch, documents))
        return
    # Spawned, not forked: the parent holds an open SQLite connection.
    with multiprocessing.get_context("spawn").Pool(workers, initializer=_start_worker) as pool:
        while batch:
            yield from pool.imap(_build_in_worker, batch, chunksize=8)
            batch = list(islice(documents, BATCH_SIZE))


BATCH_SIZE = 256
_worker_extractor: Extractor | None = None


def _start_worker() -> None:
    global _worker_extractor
    _worker_extractor = Extractor()


def _build_in_worker(document: Document):
    return build_safely(document, _worker_extractor)


def _fail(summary: Summary, message: str, report_error: Callable[[str], None]) -> None:
    summary.failed += 1
    summary.errors.append(message)
    report_error(message)
