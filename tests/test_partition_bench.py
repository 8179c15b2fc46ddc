"""bench/partition_bench.py end to end at a tiny size, as `make bench` runs it: the same articles
ingested as one file and as monthly partitions, both served, every case checked to agree and
timed; then `--scale-from` times the same cases on those archives replicated, beside them."""

import json
import subprocess
import sys

import pytest
from support import ROOT

pytestmark = pytest.mark.slow  # the benchmark run end to end, twice, in subprocesses

CASES = {
    "search: common word",
    "search: rare name",
    "search: phrase",
    "search: stemmed form",
    "search desk: filtered by date",
    "search: common word in one month",
    "map",
    "map with q",
    "entity page",
}


def bench(*args):
    return subprocess.run(
        [sys.executable, "-m", "bench.partition_bench", "--repeats", "2", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    folder = tmp_path_factory.mktemp("partition-bench")
    out, doc = folder / "results.json", folder / "partitions.md"
    done = bench("--sizes", 40, "--work", folder / "work", "--out", out, "--doc", doc)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder, out, doc


def test_both_ingests_and_every_case_are_measured(ran):
    _, out, doc = ran
    result = json.loads(out.read_text())["sizes"]["40"]
    ingest = result["ingest"]
    assert ingest["one_file_seconds"] > 0 and ingest["partitions_seconds"] > 0
    assert set(ingest["jobs"]) == set(result["articles_by_partition"])
    assert sum(result["articles_by_partition"].values()) == 40
    assert set(result["queries"]) == CASES
    assert all("error" not in q and q["partitions_ms"]["p50"] > 0 for q in result["queries"].values())
    assert "## Queries on 40 articles" in doc.read_text()


def test_scaled_archives_are_timed_beside_the_run_they_come_from(ran):
    folder, out, doc = ran
    done = bench(
        "--scale-from", folder / "work", "--factor", 3, "--work", folder / "scaled", "--out", out, "--doc", doc
    )
    assert done.returncode == 0, done.stderr[-3000:]
    sizes = json.loads(out.read_text())["sizes"]
    assert set(sizes) == {"40", "120 scaled"}
    scaled = sizes["120 scaled"]
    assert (scaled["scaled_from"], scaled["factor"], scaled["partitions"]) == (40, 3, sizes["40"]["partitions"])
    assert "ingest" not in scaled and set(scaled["queries"]) == CASES
    assert all("error" not in q for q in scaled["queries"].values())
    text = doc.read_text()
    assert "## Queries on 40 articles" in text and "## Queries on 120 articles" in text
    assert "3× by bench/scale_archive.py" in text
