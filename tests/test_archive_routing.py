"""`newsarchive ingest --archive DIR --partition month|year`: each article goes into the database
of its period of publication, articles without a date into DIR/undated.db; re-runs change
nothing, and an article whose date moves leaves its old partition. Real files (seeds/ and JSON
records of seed texts), the real CLI, real SQLite files."""

import json
import os
import shutil
import subprocess
import sys

import pytest
import sqlite_utils
from support import ROOT, SEEDS

from ingest.store.partitions import partition_files, period_of


def run_ingest(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", *map(str, args)], cwd=cwd, capture_output=True, text=True
    )


def articles_by_partition(folder) -> dict[str, set[str]]:
    found = {}
    for path in partition_files(folder):
        db = sqlite_utils.Database(path)
        found[path.stem] = {row["published"] or "" for row in db["articles"].rows}
        db.close()
    return found


def snapshot(folder) -> dict[str, tuple[int, int]]:
    """Every file in the archive with its size and modification time."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    folder = tmp_path_factory.mktemp("monthly") / "news"
    result = run_ingest(SEEDS, "--archive", folder, "--partition", "month")
    assert result.returncode == 0, result.stderr
    return folder, result.stdout


@pytest.mark.slow  # subprocess ingests
def test_seeds_go_into_a_database_per_month_and_undated(monthly):
    folder, report = monthly
    assert not any(p.name.endswith((".lock", "-wal", "-shm", ".new")) for p in folder.iterdir())
    assert [p.name for p in partition_files(folder)] == ["2024-07.db", "2023-09.db", "undated.db"]
    assert articles_by_partition(folder) == {"2024-07": {"2024-07-27"}, "2023-09": {"2023-09-05"}, "undated": {""}}
    undated = sqlite_utils.Database(folder / "undated.db")
    assert undated["articles"].count == 3
    undated.close()
    assert "2024-07.db: 1 new" in report and "undated.db: 3 new" in report


@pytest.mark.slow  # subprocess ingests
def test_every_partition_has_the_schema_and_migrations_of_a_single_archive(monthly, seeds_db):
    folder, _ = monthly

    def shape(path):
        db = sqlite_utils.Database(path)
        tables = {t.name: [c.name for c in t.columns] for t in db.tables}
        migrations = [row["name"] for row in db["_sqlite_migrations"].rows]
        db.close()
        return tables, migrations

    for path in partition_files(folder):
        assert shape(path) == shape(seeds_db)


@pytest.mark.slow  # subprocess ingests
def test_by_year(tmp_path):
    folder = tmp_path / "yearly"
    result = run_ingest(SEEDS, "--archive", folder, "--partition", "year")
    assert result.returncode == 0, result.stderr
    assert articles_by_partition(folder) == {"2024": {"2024-07-27"}, "2023": {"2023-09-05"}, "undated": {""}}


@pytest.mark.slow  # subprocess ingests
def test_a_rerun_changes_nothing(monthly):
    folder, _ = monthly
    before = snapshot(folder)
    result = run_ingest(SEEDS, "--archive", folder)
    assert result.returncode == 0, result.stderr
    assert "0 new, 0 updated (0 moved to another period), 5 unchanged" in result.stdout
    assert "no partition written" in result.stdout
    assert snapshot(folder) == before


def seed_record(published: str) -> dict:
    text = (SEEDS / "004_fb971c3008514064.txt").read_text(encoding="utf-8")
    return {
        "url": "https://example.org/kremlin-senapan",
        "title": "Putin dan Kim bertukar senapan",
        "body": text,
        "published": published,
    }


@pytest.mark.slow  # subprocess ingests
def test_an_article_whose_date_moves_is_in_its_new_partition_only(tmp_path):
    folder, source = tmp_path / "news", tmp_path / "in" / "record.json"
    source.parent.mkdir()
    source.write_text(json.dumps([seed_record("2023-09-14")]), encoding="utf-8")
    assert run_ingest(source, "--archive", folder).returncode == 0
    assert articles_by_partition(folder) == {"2023-09": {"2023-09-14"}}

    source.write_text(json.dumps([seed_record("2023-10-02")]), encoding="utf-8")  # the outlet corrected its date
    result = run_ingest(source, "--archive", folder)
    assert result.returncode == 0, result.stderr
    assert "1 updated (1 moved to another period)" in result.stdout
    partitions = articles_by_partition(folder)
    assert partitions == {"2023-10": {"2023-10-02"}, "2023-09": set()}
    old = sqlite_utils.Database(folder / "2023-09.db")
    assert [old[table].count for table in ("sentences", "mentions", "quotes", "entities", "places")] == [0] * 5
    assert not list(old.query("select rowid from sentences_fts where sentences_fts match 'Kremlin'"))

    again = run_ingest(source, "--archive", folder)
    assert "0 new, 0 updated (0 moved to another period), 1 unchanged" in again.stdout


@pytest.mark.slow  # subprocess ingests
def test_a_copy_left_in_another_partition_is_removed_by_the_next_run(tmp_path):
    """A run killed between writing the new partition and deleting the old copy leaves the
    article twice; the next run keeps the one in its own period."""
    folder, source = tmp_path / "news", tmp_path / "record.json"
    source.write_text(json.dumps([seed_record("2023-09-14")]), encoding="utf-8")
    assert run_ingest(source, "--archive", folder).returncode == 0
    shutil.copy(folder / "2023-09.db", folder / "2023-08.db")  # the same article in August's partition too
    result = run_ingest(source, "--archive", folder)
    assert result.returncode == 0, result.stderr
    assert "1 unchanged" in result.stdout
    assert articles_by_partition(folder) == {"2023-09": {"2023-09-14"}, "2023-08": set()}


@pytest.mark.slow  # subprocess ingests
def test_partitions_by_another_granularity_are_refused(monthly):
    folder, _ = monthly
    result = run_ingest(SEEDS, "--archive", folder, "--partition", "year")
    assert result.returncode == 2
    assert "holds partitions by month" in result.stderr and "--partition month" in result.stderr


@pytest.mark.slow  # subprocess ingests
@pytest.mark.parametrize(
    "args, message",
    [
        (["--archive", "x", "--db", "y.db"], "either --db"),
        (["--partition", "year"], "--partition needs --archive"),
        (["--archive", "x", "--partition", "week"], "'week' is not one of"),
    ],
)
def test_option_mistakes_are_usage_errors(tmp_path, args, message):
    result = run_ingest(SEEDS, *args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert not os.listdir(tmp_path)


def test_period_of():
    assert period_of("2024-06-19", "month") == "2024-06"
    assert period_of("2024-06-19", "year") == "2024"
    assert period_of(None, "month") == period_of("", "year") == period_of("kemarin", "month") == "undated"
    with pytest.raises(ValueError):
        period_of("2024-06-19", "week")
