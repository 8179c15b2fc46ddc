"""Several partitions ingested at once by separate processes: one writer per partition (the
ingest lock of ingest/store/lock.py on each file), so processes writing different periods run side
by side, and articles for a partition another ingest holds are reported, not written, while
the rest go in; the next run brings them in."""

import subprocess
import sys

import pytest
import sqlite_utils
from support import ROOT, SEEDS

from ingest.store.lock import IngestLock
from ingest.store.partitions import partition_files, partition_path

pytestmark = pytest.mark.slow  # ingest processes racing for partitions


def command(folder, *paths):
    return [sys.executable, "-m", "ingest", "ingest", *map(str, paths), "--archive", str(folder)]


def titles(path) -> list[str]:
    db = sqlite_utils.Database(path)
    found = [row["published"] for row in db["articles"].rows]
    db.close()
    return found


def test_two_processes_write_two_partitions_at_the_same_time(tmp_path):
    folder = tmp_path / "news"
    july, september = SEEDS / "001_d007f2746e3ecfd9.txt", SEEDS / "003_1cb966e1a36f34cb.txt"
    processes = [
        subprocess.Popen(command(folder, path), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in (july, september)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert "2024-07.db: 1 new" in outputs[0][0] and "2023-09.db: 1 new" in outputs[1][0]
    assert [p.stem for p in partition_files(folder)] == ["2024-07", "2023-09"]
    assert titles(folder / "2024-07.db") == ["2024-07-27"] and titles(folder / "2023-09.db") == ["2023-09-05"]
    assert not list(folder.glob("*.lock"))


def test_a_partition_another_ingest_holds_is_left_to_it_and_the_rest_go_in(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    held = IngestLock(partition_path(folder, "2023-09")).acquire()  # as another ingest would
    try:
        result = subprocess.run(command(folder, SEEDS), cwd=ROOT, capture_output=True, text=True)
    finally:
        held.release()
    assert result.returncode == 1
    assert "2023-09.db: another ingest is writing this database" in result.stderr
    assert "003_1cb966e1a36f34cb.txt: not written" in result.stderr
    assert "4 new" in result.stdout and "1 failed" in result.stdout
    assert [p.stem for p in partition_files(folder)] == ["2024-07", "undated"]

    again = subprocess.run(command(folder, SEEDS), cwd=ROOT, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "1 new, 0 updated (0 moved to another period), 4 unchanged" in again.stdout
    assert titles(folder / "2023-09.db") == ["2023-09-05"]
