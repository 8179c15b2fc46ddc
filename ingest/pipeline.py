"""From files to stored articles, one way: read -> build (pure) -> save -> after-pass.

- read: `sources` turns files into `Document`s; unchanged ones (same content hash) stop here;
- build: `build_article` cleans, describes, splits (with stems), extracts entities, quotes
  and dates, and returns the `Article`: everything the store writes, computed without the
  database, in worker processes when there are several;
- save: `store.save_article`, one transaction per article, in this process;
- after-pass: shared passages (`passages.update_passages`) and orphan entities, whose counts
  go into the `Summary` with the rest.

Each file is read and processed on its own; a file that fails is reported with its
name and the reason, and the others still go in. Each article is written in one
transaction, so the database never holds half an article.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice

from ingest.extract.build import ArticleError, article_id, build_article, content_hash
from ingest.extract.entities import Extractor
from ingest.models import Article, Document
from ingest.read.decoding import printable
from ingest.read.sources import Skipped, SourceError, documents_in, failure_reason, find_files
from ingest.store.articles import counts, remove_orphan_entities, save_article, stored_hash
from ingest.store.lock import holding_ingest_lock
from ingest.store.passages import PassageSummary, update_passages
from ingest.store.schema import open_database


@dataclass
class Summary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    sentences: int = 0  # written in this run
    mentions: int = 0
    passages: PassageSummary = field(default_factory=PassageSummary)  # what the after-pass added
    orphans_removed: int = 0  # entities no mention refers to any more, deleted by the after-pass
    skipped: Counter[str] = field(default_factory=Counter)  # records holding no article, by kind (WARC)
    duplicates: int = 0  # documents with the id of one read earlier in this run (the same URL): left out
    totals: dict[str, int] = field(default_factory=dict)  # what the archive holds afterwards
    errors: list[str] = field(default_factory=list)

    def report(self) -> str:
        totals = ", ".join(f"{count} {table}" for table, count in self.totals.items())
        return (
            f"articles: {self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} failed; written: {self.sentences} sentences, {self.mentions} mentions\n"
            f"after-pass: {self.passages.indexed} sentences indexed for shared passages, {self.passages.pairs} "
            f"new passage pairs, {self.passages.copies} new copies, {self.orphans_removed} orphan entities removed\n"
            f"archive: {totals}" + self._skipped_line()
        )

    def _skipped_line(self) -> str:
        if not self.skipped and not self.duplicates:
            return ""
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skipped.items()))
        parts = [f"{sum(self.skipped.values())} records without an article ({kinds})"] if self.skipped else []
        if self.duplicates:
            parts.append(f"{self.duplicates} repeats of an article read earlier in this run (same URL)")
        return "\nskipped: " + "; ".join(parts)


@holding_ingest_lock  # one ingest per database at a time (issue 6); raises lock.IngestLocked
def ingest_paths(
    paths,
    db_path: str,
    workers: int = 1,
    progress: Callable | None = None,
    on_error: Callable[[str], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> Summary:
    """Ingest every supported file under `paths` into the database at `db_path`.

    Files are read and checked against the stored hashes here; only new and changed
    documents are built, by `workers` processes when more than one; every write happens
    in this process, one transaction per article. `columns` maps Document fields to the
    column names of CSV/TSV files (`tabular.parse_columns`).
    """
    summary = Summary()
    report_error = on_error or (lambda message: None)
    try:
        files = find_files(paths, on_error=lambda message: _fail(summary, message, report_error))
    except SourceError as error:
        _fail(summary, str(error), report_error)
        return summary
    db = open_database(db_path)
    ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
    with progress(files, len(files)) if progress else nullcontext(files) as iterator:
        for previous_hash, article, failure in _built(
            _documents_to_build(db, iterator, summary, report_error, columns), workers
        ):
            if article is None:
                _fail(summary, failure or "unknown failure", report_error)
                continue
            save_article(db, article, ingested_at)
            if previous_hash is None:
                summary.new += 1
            else:
                summary.updated += 1
            summary.sentences += len(article.sentences)
            summary.mentions += len(article.mentions)
    # The after-pass. Shared passages and copies: returns at once when every sentence is
    # indexed; after re-written articles, their old sentences' band rows are swept and
    # clusters recounted. Then entities no mention refers to any more.
    summary.passages = update_passages(db, force=summary.updated > 0)
    summary.orphans_removed = remove_orphan_entities(db)
    summary.totals = counts(db)
    db.close()
    return summary


def _documents_to_build(
    db, files, summary: Summary, report_error, columns: Mapping[str, str] | None = None
) -> Iterator[tuple[str | None, Document]]:
    """Read each file; yield (stored hash or None, document) for the documents that are new
    or changed, and count the unchanged ones, the skipped records and the failed ones.

    A document whose id was seen earlier in the run (a page captured twice in a WARC, a URL
    in two exports) is left out: the first one read stands, so a re-run finds it unchanged
    instead of writing the two in turn."""
    seen: set[str] = set()
    for item in documents_in(files, columns, lambda message: _fail(summary, message, report_error)):
        if isinstance(item, Skipped):
            summary.skipped[item.kind] += 1
            continue
        try:
            identifier, current = article_id(item), content_hash(item)
        except Exception as error:  # a document no other reached this far with; it alone is lost
            _fail(summary, f"{item.source}: could not be read ({failure_reason(error)})", report_error)
            continue
        if identifier in seen:
            summary.duplicates += 1
            continue
        seen.add(identifier)
        previous = stored_hash(db, identifier)
        if previous == current:
            summary.unchanged += 1
        else:
            yield previous, item


Built = tuple[str | None, Article | None, str | None]  # (stored hash, article, or a message naming the file)


def build_safely(item: tuple[str | None, Document], extractor: Extractor) -> Built:
    """`build_article` for one (stored hash, document) pair, with the hash passed through,
    and any failure turned into a message naming the file."""
    previous, document = item
    try:
        return previous, build_article(document, extractor), None
    except ArticleError as error:
        return previous, None, str(error)
    except Exception as error:  # a bug must not stop the batch; it is reported with the file
        return previous, None, f"{document.source}: could not be processed ({failure_reason(error)})"


def _built(items: Iterable[tuple[str | None, Document]], workers: int) -> Iterator[Built]:
    """Build documents in order, in this process or in a pool of `workers` processes.

    The gazetteer and the pool are started only once there is a document to build, so a
    re-run over unchanged files pays for neither."""
    documents = iter(items)
    batch = list(islice(documents, BATCH_SIZE))  # bounded: a pool would read ahead without limit
    if not batch:
        return
    if workers <= 1:
        extractor = Extractor()
        yield from (build_safely(item, extractor) for item in chain(batch, documents))
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


def _build_in_worker(item: tuple[str | None, Document]) -> Built:
    assert _worker_extractor is not None, "started by _start_worker"
    return build_safely(item, _worker_extractor)


def _fail(summary: Summary, message: str, report_error: Callable[[str], None]) -> None:
    """Count and report one failure; the message is made printable (a file name may hold a
    newline, which would forge another `error:` line, or escape codes for the terminal)."""
    message = printable(message)
    summary.failed += 1
    summary.errors.append(message)
    report_error(message)
