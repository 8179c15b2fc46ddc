"""An archive that grows by period: one database per month or year, chosen by each article's
published date (`newsarchive ingest ... --archive DIR --partition month|year`).

    DIR/2024-06.db   articles published in June 2024 (--partition month)
    DIR/2024.db      articles published in 2024 (--partition year)
    DIR/undated.db   articles whose date is not known (neither stated nor found in the text)

Every partition is an ordinary archive database: the same schema and migrations
(`schema.open_database`), servable and queryable alone (`newsarchive serve --db DIR/2024.db`),
and entity ids are made from entity keys (`store.entity_id`), so an entity has the same id
and key in every partition and counts add up across them.

The period is known only once an article is built (the date may come from its text), so the
routing is here, after the build and before the write; the rest is the pipeline's: the same
documents, ids, content hashes, workers and one transaction per article (`pipeline`).

- **Re-runs change nothing**: each document's stored hash is looked up in every partition
  before it is built; an unchanged one is counted and left alone, and no partition is opened
  for writing when nothing changed.
- **An article lives in one partition.** One whose date moved it (an edited page, a better
  date found by a newer pipeline) is written to its new partition, then deleted from the old
  one; a copy left in another partition (a run killed between the two) is deleted by the
  next run that reads the article.
- **One writer per partition**, with the ingest lock of `lock.py` on each partition file,
  taken when this run first writes to it and held to the end of the run (with its after-pass:
  shared passages and orphan entities). Separate processes ingest different partitions at
  the same time; articles for a partition another ingest holds are reported as not written
  (run again when it is done) and the others go in.
- One granularity per directory: month partitions and year partitions would overlap, so an
  ingest with the other one is refused.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from ingest import pipeline
from ingest.extract.build import article_id, content_hash
from ingest.models import Article, Document
from ingest.read.sources import Skipped, SourceError, documents_in, failure_reason, find_files
from ingest.store.articles import StoreError, counts, delete_article, remove_orphan_entities, save_article
from ingest.store.lock import IngestLock, IngestLocked
from ingest.store.passages import pending, update_passages
from ingest.store.schema import open_database

GRANULARITIES = ("month", "year")
UNDATED = "undated"
SUFFIX = ".db"
PERIOD = re.compile(r"^(?:(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?|undated)$")


class ArchiveError(Exception):
    """The archive directory cannot be ingested into as asked."""


def period_of(published: str | None, granularity: str) -> str:
    """The partition of an article published on `published` (ISO, YYYY-MM-DD): `2024-06` by
    month, `2024` by year, `undated` without a usable date."""
    if granularity not in GRANULARITIES:
        raise ValueError(f"partition by {granularity!r}: use one of {', '.join(GRANULARITIES)}")
    match = re.match(r"^(\d{4})-(0[1-9]|1[0-2])", published or "")
    if not match:
        return UNDATED
    return f"{match[1]}-{match[2]}" if granularity == "month" else match[1]


def is_period(name: str) -> bool:
    """Whether `name` (a file's stem, a database's name) names a partition."""
    return bool(PERIOD.match(name))


def granularity_of(period: str) -> str | None:
    """ "month" for 2024-06, "year" for 2024, None for undated."""
    match = PERIOD.match(period)
    if not match or period == UNDATED:
        return None
    return "month" if match["month"] else "year"


def period_order(period: str) -> tuple:
    """Sort key putting the newest period first and `undated` last."""
    return (period == UNDATED, tuple(-ord(c) for c in period))


def partition_path(archive: str | Path, period: str) -> Path:
    return Path(archive) / f"{period}{SUFFIX}"


def partition_files(archive: str | Path) -> list[Path]:
    """The partitions in `archive`, newest first, `undated` last (other files are ignored)."""
    folder = Path(archive)
    if not folder.is_dir():
        return []
    found = [path for path in folder.iterdir() if path.suffix == SUFFIX and is_period(path.stem) and path.is_file()]
    return sorted(found, key=lambda path: period_order(path.stem))


@dataclass
class ArchiveSummary:
    """What an archive ingest did: the pipeline's counts over all partitions, with the
    after-pass and totals of each partition written to."""

    granularity: str
    run: pipeline.Summary = field(default_factory=pipeline.Summary)  # totals and passages left empty
    moved: int = 0  # articles written to a new partition and removed from their old one
    partitions: dict[str, pipeline.Summary] = field(default_factory=dict)  # period -> after-pass, totals

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
        return "\n".join(lines) + run._skipped_line()


class _Stored:
    """Where each article is stored now: its content hash in every partition that holds it.
    Plain connections that only read (closed at the end, so no -wal or -shm file is left)."""

    def __init__(self, archive: Path):
        self.archive = archive
        self.connections: dict[str, sqlite3.Connection] = {}
        for path in partition_files(archive):
            self._connect(path.stem)

    def _connect(self, period: str) -> None:
        if period not in self.connections:
            connection = sqlite3.connect(partition_path(self.archive, period))
            try:
                connection.execute("select 1 from articles limit 1")
            except sqlite3.DatabaseError as error:
                connection.close()
                raise StoreError(f"{partition_path(self.archive, period)}: not an archive database ({error})") from None
            self.connections[period] = connection

    def find(self, article_id: str) -> dict[str, str]:
        """period -> stored content hash, for each partition holding `article_id`."""
        found = {}
        for period, connection in self.connections.items():
            row = connection.execute("select content_hash from articles where id = ?", [article_id]).fetchone()
            if row:
                found[period] = row[0]
        return found

    def unfinished(self) -> list[str]:
        """The partitions whose shared-passage index is behind their sentences."""
        return [period for period, connection in self.connections.items() if pending(sqlite_utils.Database(connection))]

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()
        self.connections.clear()


@dataclass
class _Writer:
    """One partition opened for writing by this run, holding its ingest lock."""

    lock: IngestLock
    db: sqlite_utils.Database
    summary: pipeline.Summary = field(default_factory=pipeline.Summary)
    deleted: int = 0


class _Writers:
    """The partitions this run writes, each locked and opened on first use. A partition that
    another ingest holds is remembered as refused, with the message."""

    def __init__(self, archive: Path):
        self.archive = archive
        self.open: dict[str, _Writer] = {}
        self.refused: dict[str, str] = {}

    def get(self, period: str) -> _Writer | None:
        if period in self.open:
            return self.open[period]
        if period in self.refused:
            return None
        path = partition_path(self.archive, period)
        lock = IngestLock(path)
        try:
            lock.acquire()
        except IngestLocked as error:
            self.refused[period] = str(error)
            return None
        try:
            db = open_database(str(path))
        except BaseException:
            lock.release()
            raise
        self.open[period] = writer = _Writer(lock, db)
        return writer

    def finish(self, summary: ArchiveSummary) -> None:
        """Each partition's after-pass (shared passages, orphan entities), then close and unlock."""
        for period, writer in sorted(self.open.items()):
            done = writer.summary
            done.passages = update_passages(writer.db, force=done.updated > 0 or writer.deleted > 0)
            done.orphans_removed = remove_orphan_entities(writer.db)
            done.totals = counts(writer.db)
            summary.partitions[period] = done
        self.close()

    def close(self) -> None:
        for writer in self.open.values():
            writer.db.close()
            writer.lock.release()
        self.open.clear()


def ingest_archive(
    paths,
    archive: str | Path,
    granularity: str = "month",
    workers: int = 1,
    progress: Callable | None = None,
    on_error: Callable[[str], None] | None = None,
    columns: Mapping[str, str] | None = None,
) -> ArchiveSummary:
    """Ingest every supported file under `paths` into the partitions of `archive` (a folder,
    created if needed), one per `granularity` ("month" or "year") of publication."""
    period_of(None, granularity)  # refuses an unknown granularity before anything is read
    folder = Path(archive)
    if folder.exists() and not folder.is_dir():
        raise ArchiveError(f"{folder}: not a directory")
    other = [p.name for p in partition_files(folder) if granularity_of(p.stem) not in (None, granularity)]
    if other:
        raise ArchiveError(
            f"{folder}: holds partitions by {granularity_of(Path(other[0]).stem)} ({', '.join(other[:3])}); "
            f"ingest with --partition {granularity_of(Path(other[0]).stem)}, or into another directory"
        )
    summary = ArchiveSummary(granularity)
    run = summary.run
    report_error = on_error or (lambda message: None)
    try:
        files = find_files(paths, on_error=lambda message: pipeline._fail(run, message, report_error))
    except SourceError as error:
        pipeline._fail(run, str(error), report_error)
        return summary
    folder.mkdir(parents=True, exist_ok=True)
    stored = _Stored(folder)
    writers = _Writers(folder)
    where: dict[str, dict[str, str]] = {}  # article id -> the partitions holding it now, for those being built
    ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with progress(files, len(files)) if progress else nullcontext(files) as iterator:
            wanted = _documents_to_build(stored, iterator, summary, where, report_error, columns)
            for previous_hash, article, failure in pipeline._built(wanted, workers):
                if article is None:
                    pipeline._fail(run, failure or "unknown failure", report_error)
                    continue
                _write(writers, article, where.pop(article.id, {}), previous_hash, ingested_at, summary, report_error)
        for period in stored.unfinished():  # an earlier run stopped before its after-pass
            writers.get(period)  # one that another ingest holds is left to it
        writers.finish(summary)
    finally:
        writers.close()
        stored.close()
    return summary


def _documents_to_build(
    stored: _Stored,
    files,
    summary: ArchiveSummary,
    where: dict[str, dict[str, str]],
    report_error,
    columns,
) -> Iterator[tuple[str | None, Document]]:
    """As `pipeline._documents_to_build`, with the stored hash looked up in every partition:
    yields (stored hash or None, document) for new and changed documents, recording where
    each is stored now in `where`. An unchanged article stored in more than one partition
    (a run killed while moving it) keeps the copy in its own period's partition."""
    run = summary.run
    seen: set[str] = set()
    for item in documents_in(files, columns, lambda message: pipeline._fail(run, message, report_error)):
        if isinstance(item, Skipped):
            run.skipped[item.kind] += 1
            continue
        try:
            identifier, current = article_id(item), content_hash(item)
        except Exception as error:  # this document alone is lost (pipeline._documents_to_build)
            pipeline._fail(run, f"{item.source}: could not be read ({failure_reason(error)})", report_error)
            continue
        if identifier in seen:
            run.duplicates += 1
            continue
        seen.add(identifier)
        found = stored.find(identifier)
        same = [period for period, hash_ in found.items() if hash_ == current]
        if same and len(found) == 1:
            run.unchanged += 1
            continue
        where[identifier] = found
        yield (found[same[0]] if same else next(iter(found.values()), None)), item


def _write(
    writers: _Writers,
    article: Article,
    found: dict[str, str],
    previous_hash: str | None,
    ingested_at: str,
    summary: ArchiveSummary,
    report_error,
) -> None:
    """Save `article` in its period's partition, then delete it from any other partition."""
    run = summary.run
    period = period_of(article.published, summary.granularity)
    writer = writers.get(period)
    if writer is None:
        pipeline._fail(run, f"{article.source}: not written ({writers.refused[period]})", report_error)
        return
    if found.get(period) == article.content_hash and len(found) > 1:
        run.unchanged += 1  # only a stale copy elsewhere to remove
    else:
        save_article(writer.db, article, ingested_at)
        if previous_hash is None:
            run.new += 1
            writer.summary.new += 1
        else:
            run.updated += 1
            writer.summary.updated += 1
        run.sentences += len(article.sentences)
        run.mentions += len(article.mentions)
    moved = False
    for old in found:
        if old == period:
            continue
        other = writers.get(old)
        if other is None:
            pipeline._fail(
                run,
                f"{article.source}: written to {period}{SUFFIX}, but its old copy in {old}{SUFFIX} is still there "
                f"({writers.refused[old]})",
                report_error,
            )
            continue
        if delete_article(other.db, article.id):
            other.deleted += 1
            moved = True
    summary.moved += moved
