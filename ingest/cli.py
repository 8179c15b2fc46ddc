"""The `newsarchive` command: `ingest` files into an archive, `serve` it with Datasette.

This module is the only one that talks to the terminal; the work is done in `pipeline`
and `serve`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ingest import __version__


@click.group()
@click.version_option(__version__, prog_name="newsarchive")
def cli():
    """A searchable archive of news articles, served by Datasette."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--db",
    "db_path",
    default="archive.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="SQLite database to create or update.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes that clean and extract articles (writes stay in one process).",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="CSV/TSV: read FIELD (body, title, url, published, outlet, language, author) from the column named COLUMN, "
    "e.g. --column body=isi. Repeatable; unmapped fields are found by their common names.",
)
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False),
    help="Instead of one database: a directory of databases, one per period of publication "
    "(DIR/2024-06.db, DIR/undated.db for articles without a date). See --partition.",
)
@click.option(
    "--partition",
    "granularity",
    type=click.Choice(["month", "year"]),
    default="month",
    show_default=True,
    help="With --archive: one database per month (2024-06.db) or per year (2024.db).",
)
@click.pass_context
def ingest(ctx, paths, db_path, workers, columns, archive_dir, granularity):
    """Load articles from PATHS (files or folders, recursive) into the archive.

    Reads .txt (scraped pages), .html/.htm, .json and .jsonl, .csv and .tsv (a header row,
    one article per row) and web archives (.warc, .warc.gz: one article per HTML response).
    Re-running on the same files changes nothing; an edited file replaces its article. A bad
    CSV row or WARC record is reported with its line or offset, and the others go in.

    Example:

        newsarchive ingest seeds/ --db archive.db --workers 2

    A CSV export whose columns have other names:

        newsarchive ingest export.csv --column body=isi --column published=tanggal

    An archive that grows by period, one database per month (several ingests may run at once,
    one writer per partition):

        newsarchive ingest crawl-2024-06/ --archive news/ --partition month
    """
    from click.core import ParameterSource

    from ingest.pipeline import ingest_archive, ingest_paths
    from ingest.read.tabular import parse_columns
    from ingest.store.lock import IngestLocked
    from ingest.store.partitions import ArchiveError
    from ingest.store.schema import StoreError

    try:
        mapping = parse_columns(columns)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--column") from None
    explicit = {
        name for name in ("db_path", "granularity") if ctx.get_parameter_source(name) != ParameterSource.DEFAULT
    }
    if archive_dir is not None and "db_path" in explicit:
        raise click.UsageError("give either --db (one database) or --archive (a directory of partitions)")
    if archive_dir is None and "granularity" in explicit:
        raise click.UsageError("--partition needs --archive DIR")
    options = {
        "workers": workers,
        "progress": _progress_bar if sys.stderr.isatty() else None,
        "on_error": lambda message: click.secho(f"error: {message}", fg="red", err=True),
        "columns": mapping,
    }
    try:
        if archive_dir is not None:
            try:
                summary = ingest_archive(paths, archive_dir, granularity, **options)
            except ArchiveError as error:
                click.secho(f"error: {error}", fg="red", err=True)
                sys.exit(2)
        else:
            summary = ingest_paths(paths, db_path, **options)
    except (IngestLocked, StoreError) as error:  # another ingest holds it, or it cannot be opened: nothing written
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(2)
    click.echo(summary.report())
    if summary.failed:
        sys.exit(1)


def _progress_bar(items, length):
    return click.progressbar(items, length=length, label="Ingesting", file=sys.stderr)


@cli.command()
@click.argument("archive_dir", required=False, type=click.Path(exists=True, file_okay=False))
@click.option(
    "--db",
    "db_path",
    default="archive.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Archive database to serve.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option(
    "--live",
    is_flag=True,
    help="The archive may be written while served (an ingest running): serve it mutable, in WAL mode, "
    "instead of immutable. Still read-only to users.",
)
@click.option(
    "--online-tiles",
    is_flag=True,
    help="Map tiles from openstreetmap.org (closer zoom, needs the internet) instead of the "
    "offline basemap (zoom 0-6) served from the machine.",
)
@click.option(
    "--crossdb/--no-crossdb",
    default=True,
    show_default=True,
    help="With ARCHIVE_DIR: attach the partitions to Datasette's _memory database for SQL across "
    "periods (Datasette attaches the first 10, the newest).",
)
@click.pass_context
def serve(ctx, archive_dir, db_path, host, port, live, online_tiles, crossdb):
    """Serve the archive with Datasette (read-only), its metadata and plugins.

    ARCHIVE_DIR, instead of --db, serves every partition of an archive made with `ingest
    --archive`: each is a database of its own, and /search, the map, entity pages, the
    network and the timeline span them all.

    Example:

        newsarchive serve --db archive.db --port 8001

    Example (a partitioned archive):

        newsarchive serve news/ --port 8001
    """
    from click.core import ParameterSource

    from ingest.serve.app import CROSSDB_LIMIT, archive_files, run

    if archive_dir is None:
        if not Path(db_path).is_file():
            raise click.BadParameter(f"File '{db_path}' does not exist.", param_hint="'--db'")
        run(db_path, host=host, port=port, live=live, online_tiles=online_tiles)
        return
    if ctx.get_parameter_source("db_path") != ParameterSource.DEFAULT:
        raise click.UsageError("give either --db (one database) or ARCHIVE_DIR (a directory of partitions)")
    try:
        files = archive_files(archive_dir)
    except FileNotFoundError as error:
        raise click.UsageError(str(error)) from None
    crossdb = crossdb and len(files) > 1
    if crossdb and len(files) > CROSSDB_LIMIT:
        click.secho(
            f"note: {len(files)} partitions; SQL across periods (/_memory) sees the newest {CROSSDB_LIMIT}, "
            f"{files[0].stem} to {files[CROSSDB_LIMIT - 1].stem}; each partition answers SQL on its own page",
            fg="yellow",
            err=True,
        )
    run(files, host=host, port=port, live=live, online_tiles=online_tiles, crossdb=crossdb)
