"""From files to stored articles, one way: read -> build (pure) -> save -> after-pass.

- read: `sources` turns files into `Document`s; unchanged ones (same content hash as the
  one stored) stop here;
- build: `build_article` cleans, describes, splits (with stems), extracts entities, quotes
  and dates, and returns the `Article`: everything the store writes, computed without the
  database, in worker processes when there are several;
- save: `store.save_article`, one transaction per article, in this process;
- after-pass: shared passages (`passages.update_passages`) and orphan entities, whose counts
  go into the `Summary` with the rest.

This is the one driver; what differs between one database file and an archive of partitions
is the `Target`: what is stored (the content hash of an article id, in every database that
holds it), where an article goes (the partition its date gives), and which databases take
the after-pass. `ingest_paths` (one file) and `ingest_archive` (partitions) are the two
entry points.

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
from pathlib import Path
from typing import Protocol

import sqlite_utils

from ingest.extract.build import ArticleError, article_id, build_article, content_hash
from ingest.extract.entities import Extractor
from ingest.models import Article, Document
from ingest.read.decoding import printable
from ingest.read.sources import Skipped, SourceError, documents_in, failure_reason, find_files
from ingest.store.articles import counts, delete_article, remove_orphan_entities, save_article
from ingest.store.lock import IngestLocked
from ingest.store.one_file import OneFile
from ingest.store.partitions import SUFFIX, Partitions, period_order
from ingest.store.passages import PassageSummary, update_passages


@dataclass
class Summary:
    """What a run did (and, per database, what it wrote there and what the after-pass found)."""

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
            f"archive: {totals}" + self.skipped_line()
        )

    def skipped_line(self) -> str:
        if not self.skipped and not self.duplicates:
            return ""
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.skipped.items()))
        parts = [f"{sum(self.skipped.values())} records without an article ({kinds})"] if self.skipped else []
        if self.duplicates:
            parts.append(f"{self.duplicates} repeats of an article read earlier in this run (same URL)")
        return "\nskipped: " + "; ".join(parts)


class Target(Protocol):
    """Where a run writes, and what is stored there already: one database file
    (`store.one_file.OneFile`) or the partitions of an archive directory
    (`store.partitions.Partitions`). A place is the path of one database; each is written by
    one ingest at a time (its lock, taken by the target)."""

    def claim(self) -> None:
        """Before anything is read: refuse an ingest that cannot go in (raises)."""

    def open(self) -> None:
        """Once there are files to read: create what is missing, open the look-ups."""

    def stored(self, article_id: str) -> Stored:
        """What is stored: the content hash of `article_id` in each database holding it."""

    def place_of(self, article: Article) -> Path:
        """Where this article goes: the database it is written to."""

    def writer(self, place: Path) -> sqlite_utils.Database:
        """The database at `place` open for writing, its lock held until `close`; raises
        `IngestLocked` when another ingest holds it."""

    def to_finish(self) -> list[Path]:
        """After the batch: the databases whose after-pass this run does."""

    def close(self) -> None:
        """Close every database and let go of every lock (also after a failure)."""


Stored = dict[Path, str]  # database -> content hash of the article stored in it


@dataclass
class Ingested:
    """What one run did: its counts, and the after-pass and totals of each database it wrote
    (or finished: one an earlier run stopped in before its after-pass)."""

    run: Summary = field(default_factory=Summary)  # over all databases; passages and totals stay empty
    moved: int = 0  # articles written to a new database and removed from their old one
    databases: dict[Path, Summary] = field(default_factory=dict)  # new, updated, after-pass, totals


def ingest(
    paths,
    target: Target,
    workers: int = 1,
    progress: Callable | None = None,
    on_error: Callable[[str], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> Ingested:
    """Ingest every supported file under `paths` into `target`.

    Files are read and checked against the stored hashes here; only new and changed
    documents are built, by `workers` processes when more than one; every write happens
    in this process, one transaction per article. `columns` maps Document fields to the
    column names of CSV/TSV files (`tabular.parse_columns`).
    """
    batch = _Batch(target, on_error or (lambda message: None))
    try:
        target.claim()
        try:
            files = find_files(paths, on_error=batch.fail)
        except SourceError as error:
            batch.fail(str(error))
            return batch.done
        target.open()
        with progress(files, len(files)) if progress else nullcontext(files) as iterator:
            for found, article, failure in _built(batch.to_build(iterator, columns), workers):
                if article is None:
                    batch.fail(failure or "unknown failure")
                else:
                    batch.write(article, found)
        batch.finish()
    finally:
        target.close()
    return batch.done


def ingest_paths(paths, db_path: str, **options) -> Summary:
    """Ingest into the one database at `db_path` (options as `ingest`); raises
    `lock.IngestLocked` at once when another ingest writes it."""
    done = ingest(paths, OneFile(db_path), **options)
    summary = done.run
    for after in done.databases.values():  # the one database, once the files were found
        summary.passages, summary.orphans_removed, summary.totals = after.passages, after.orphans_removed, after.totals
    return summary


@dataclass
class ArchiveSummary:
    """What an archive ingest did: the counts over all partitions, with the after-pass and
    totals of each partition written to."""

    granularity: str
    run: Summary = field(default_factory=Summary)  # totals and passages left empty
    moved: int = 0  # articles written to a new partition and removed from their old one
    partitions: dict[str, Summary] = field(default_factory=dict)  # period -> after-pass, totals

    @property
    def failed(self) -> int:
        return self.run.failed

    def report(self) -> str:
        run = self.run
        lines = [
            f"articles: {run.new} new, {run.updated} updated ({self.moved} moved to another period), "
            f"{run.unchanged} unchanged, {run.failed} failed; written: {run.sentences} sentences, "
            f"{run.mentions} mentions",
        ]
        for period in sorted(self.partitions, key=period_order):
            done = self.partitions[period]
            totals = ", ".join(f"{count} {table}" for table, count in done.totals.items())
            lines.append(
                f"{period}{SUFFIX}: {done.new} new, {done.updated} updated; {done.passages.pairs} new passage pairs, "
                f"{done.orphans_removed} orphan entities removed; holds {totals}"
            )
        if not self.partitions:
            lines.append("no partition written")
        return "\n".join(lines) + run.skipped_line()


def ingest_archive(paths, archive: str | Path, granularity: str = "month", **options) -> ArchiveSummary:
    """Ingest into the partitions of `archive` (a folder, created if needed), one per
    `granularity` ("month" or "year") of publication (options as `ingest`); raises
    `partitions.ArchiveError` when the folder cannot take it."""
    done = ingest(paths, Partitions(archive, granularity), **options)
    by_period = {place.stem: after for place, after in done.databases.items()}
    return ArchiveSummary(granularity, done.run, done.moved, by_period)


class _Batch:
    """One run's work on its target: which documents to build, each article's write (and
    move), the failures, and the after-pass of each database."""

    def __init__(self, target: Target, report_error: Callable[[str], None]):
        self.target = target
        self.report_error = report_error
        self.done = Ingested()
        self.deleted: Counter[Path] = Counter()  # articles moved out of each database
        self.ingested_at = datetime.now(UTC).isoformat(timespec="seconds")

    def fail(self, message: str) -> None:
        """Count and report one failure; the message is made printable (a file name may hold
        a newline, which would forge another `error:` line, or escape codes for the terminal)."""
        message = printable(message)
        self.done.run.failed += 1
        self.done.run.errors.append(message)
        self.report_error(message)

    def to_build(self, files, columns: Mapping[str, str] | None) -> Iterator[tuple[Stored, Document]]:
        """Read each file; yield (where it is stored, document) for the documents that are new
        or changed, and count the unchanged ones, the skipped records and the failed ones.

        A document whose id was seen earlier in the run (a page captured twice in a WARC, a URL
        in two exports) is left out: the first one read stands, so a re-run finds it unchanged
        instead of writing the two in turn. An article stored twice (a run killed while moving
        it to another partition) is built again, so that its copies are settled by `write`."""
        run = self.done.run
        seen: set[str] = set()
        for item in documents_in(files, columns, self.fail):
            if isinstance(item, Skipped):
                run.skipped[item.kind] += 1
                continue
            try:
                identifier, current = article_id(item), content_hash(item)
            except Exception as error:  # a document no other reached this far with; it alone is lost
                self.fail(f"{item.source}: could not be read ({failure_reason(error)})")
                continue
            if identifier in seen:
                run.duplicates += 1
                continue
            seen.add(identifier)
            found = self.target.stored(identifier)
            if list(found.values()) == [current]:
                run.unchanged += 1
            else:
                yield found, item

    def write(self, article: Article, found: Stored) -> None:
        """Save `article` in its database, then delete it from any other that holds it."""
        run, place = self.done.run, self.target.place_of(article)
        try:
            db = self.target.writer(place)
        except IngestLocked as error:
            self.fail(f"{article.source}: not written ({error})")
            return
        written = self.done.databases.setdefault(place, Summary())
        if found.get(place) == article.content_hash and len(found) > 1:
            run.unchanged += 1  # only a stale copy elsewhere to remove
        else:
            save_article(db, article, self.ingested_at)
            for summary in (run, written):
                if found:
                    summary.updated += 1
                else:
                    summary.new += 1
            run.sentences += len(article.sentences)
            run.mentions += len(article.mentions)
        moved = False
        for old in found:
            if old == place:
                continue
            try:
                other = self.target.writer(old)
            except IngestLocked as error:
                self.fail(
                    f"{article.source}: written to {place.name}, but its old copy in {old.name} is still there ({error})"
                )
                continue
            if delete_article(other, article.id):
                self.deleted[old] += 1
                moved = True
        self.done.moved += moved

    def finish(self) -> None:
        """The after-pass of each database the target names. Shared passages and copies:
        returns at once when every sentence is indexed; after re-written or removed articles,
        their old sentences' band rows are swept and clusters recounted. Then entities no
        mention refers to any more. A database another ingest holds is left to it."""
        for place in self.target.to_finish():
            try:
                db = self.target.writer(place)
            except IngestLocked:
                continue
            after = self.done.databases.setdefault(place, Summary())
            after.passages = update_passages(db, force=after.updated > 0 or self.deleted[place] > 0)
            after.orphans_removed = remove_orphan_entities(db)
            after.totals = counts(db)


Built = tuple[Stored, Article | None, str | None]  # (where stored, article, or a message naming the file)


def build_safely(item: tuple[Stored, Document], extractor: Extractor) -> Built:
    """`build_article` for one (where stored, document) pair, with where it is stored passed
    through, and any failure turned into a message naming the file."""
    found, document = item
    try:
        return found, build_article(document, extractor), None
    except ArticleError as error:
        return found, None, str(error)
    except Exception as error:  # a bug must not stop the batch; it is reported with the file
        return found, None, f"{document.source}: could not be processed ({failure_reason(error)})"


def _built(items: Iterable[tuple[Stored, Document]], workers: int) -> Iterator[Built]:
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


def _build_in_worker(item: tuple[Stored, Document]) -> Built:
    assert _worker_extractor is not None, "started by _start_worker"
    return build_safely(item, _worker_extractor)
