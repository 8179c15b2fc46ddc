"""Partition benchmark (issue 14): the same N articles as one file against an archive of monthly
partitions (`ingest --archive DIR --partition month`), ingested and served.

- corpus: bench/generate.py with the date lines drawn from one year, so the dated articles
  (7 in 10) spread over its 12 months and the rest go to undated.db: 13 partitions;
- one file: `python -m ingest ingest CORPUS --db one.db --workers W` (wall time, start-up included);
- partitions: the corpus split by period of publication first (read, cleaned and dated with
  the pipeline's own stages, not timed: a crawl arriving by month), then one
  `python -m ingest ingest FILES --archive DIR --workers 1` per period, `--parallel` of them
  at a time, as a job runner would run them (wall time of all of them);
- queries: both served as `newsarchive serve` serves them (`--db one.db`, and `DIR`), each page
  asked `--repeats` times over one keep-alive connection after one untimed request: /search
  (JSON) for the words bench/fixed_queries.py holds, the search desk filtered, the map's places
  (the `places_map` query's JSON for one file, /map.json across partitions) without and with
  words, and the entity page of the most mentioned entity; and the common word in one month
  (`from`/`to` on one file, `period=` across partitions: one partition answers). Every pair is
  checked to give the same total (search) or the same places and counts (map) before it is
  timed; where either side bounds a large match set (ingest/serve/search.py's `run`, in one file or
  in each partition: "more than", "at least") or counts its months in a sample, the other
  side's exact total is checked against the bound.

Results go to bench/partition_results.json and docs/partition-benchmarks.md.

    python -m bench.partition_bench [--sizes 1000] [--workers 2] [--parallel 2] [--repeats 20] [--work DIR]

`--work DIR` keeps the corpora and archives in DIR (a temporary directory otherwise), so the
one-file archive can be timed again by bench/query_bench.py without a second ingest.

    python -m bench.partition_bench --scale-from DIR [--factor 10] [--work DIR2]

times the queries only, on the archives of an earlier run's DIR replicated `--factor` times
(bench/scale_archive.py, dates unshifted), and adds them to the results beside that run's.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.fixed_queries import MAP_QUERY, SEARCHES
from bench.generate import generate
from bench.scale_archive import scale
from bench.serving import percentiles
from ingest.extract import meta
from ingest.extract.clean import clean
from ingest.read.sources import find_files, read_documents
from ingest.serve.app import ServerProcess
from ingest.store.partitions import partition_files, period_of

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024
DESK = {"q": "Korea", "from": f"{YEAR}-03-01", "to": f"{YEAR}-05-31"}
PERIOD = f"{YEAR}-06"  # the month of the one-period search


def by_period(corpus: Path) -> dict[str, list[Path]]:
    """The corpus files grouped by the month the pipeline dates each to."""
    groups: dict[str, list[Path]] = {}
    for path in find_files([corpus]):
        for document in read_documents(path):
            page = clean(document.text, document.title)
            period = period_of(meta.published_date(page, document.published, document.url), "month")
            groups.setdefault(period, []).append(path)
    return groups


def folders(groups: dict[str, list[Path]], target: Path) -> list[Path]:
    """Each period's files linked into a folder of its own (target/2024-06/), as a crawl
    arrives by month; the folders in period order. (A folder, not its files: 100,000 paths
    do not fit on a command line.)"""
    made = []
    for period, paths in sorted(groups.items()):
        folder = target / period
        folder.mkdir(parents=True)
        for path in paths:
            os.link(path, folder / path.name)
        made.append(folder)
    return made


def ingest_command(paths: list[Path], *target: str, workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "ingest", "ingest", *map(str, paths), *target, "--workers", str(workers)]


def run_jobs(commands: list[list[str]], parallel: int) -> tuple[float, list[float]]:
    """Run `commands`, at most `parallel` at a time: wall seconds for all of them, and for each."""
    started, pending, running = time.perf_counter(), list(enumerate(commands)), {}
    each = [0.0] * len(commands)
    while pending or running:
        while pending and len(running) < parallel:
            index, command = pending.pop(0)
            process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            running[process] = (index, time.perf_counter())
        for process, (index, began) in list(running.items()):
            if process.poll() is not None:
                each[index] = time.perf_counter() - began
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                if process.returncode != 0:
                    raise SystemExit(f"ingest failed:\n{output}")
                del running[process]
        time.sleep(0.05)
    return time.perf_counter() - started, each


def p50_p95(seconds: list[float]) -> dict:
    """The query benchmark's percentiles, p50 and p95 only, in ms to one decimal."""
    cuts = percentiles(seconds)
    return {"p50": round(cuts["p50"], 1), "p95": round(cuts["p95"], 1)}


def fetch(connection: http.client.HTTPConnection, path: str) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
    return body


def timed(server: ServerProcess, path: str, repeats: int) -> tuple[dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        body = fetch(connection, path)
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            fetch(connection, path)
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    return p50_p95(times), body


def cases(one_db: str, top_entity: str) -> dict[str, tuple[str, str]]:
    """Case -> (path on the one-file server, path on the partitions' server)."""
    found = {}
    for name, q in SEARCHES.items():
        path = "/search.json?" + urlencode({"q": q})
        found[f"search: {name}"] = (path, path)
    desk = "/search.json?" + urlencode(DESK)
    found["search desk: filtered by date"] = (desk, desk)
    month = {"from": f"{PERIOD}-01", "to": PERIOD}  # one file: the month's dates; partitions: its partition
    found["search: common word in one month"] = (
        "/search.json?" + urlencode({"q": SEARCHES["common word"], **month}),
        "/search.json?" + urlencode({"q": SEARCHES["common word"], "period": PERIOD}),
    )
    found["map"] = (f"/{one_db}/places_map.json?_shape=array&q=", "/map.json")
    found["map with q"] = (
        f"/{one_db}/places_map.json?" + urlencode({"_shape": "array", "q": MAP_QUERY}),
        "/map.json?" + urlencode({"q": MAP_QUERY}),
    )
    found["entity page"] = (f"/entity/{top_entity}", f"/entity/{top_entity}")
    return found


class Mismatch(Exception):
    """The two servers answer a case differently."""


def _consistent(exact: dict, other: dict) -> bool:
    """Whether `other`'s total can be the same search as `exact`'s, when that one is exact."""
    if exact["total_is"] != "exact":
        return True
    if other["total_is"] == "exact":
        return other["total"] == exact["total"]
    return other["total"] < exact["total"] if other["total_is"] == "more than" else other["total"] <= exact["total"]


def check(name: str, one: bytes, parts: bytes) -> None:
    """The two servers answer the same before they are timed (Mismatch if not)."""
    if name.startswith("search"):
        a, b = json.loads(one), json.loads(parts)
        # either may bound a large match set's total and count its months in a sample
        # (ingest/serve/search.py's `run`, in each partition): a bound never passes an exact total
        if not _consistent(a, b) or not _consistent(b, a):
            raise Mismatch(f"one file {a['total_is']} {a['total']} matches, partitions {b['total_is']} {b['total']}")
        if a["counted_among"] is None and b["counted_among"] is None and a["by_month"] != b["by_month"]:
            raise Mismatch("the counts by month differ")
    elif name.startswith("map"):
        a = {row["entity_id"]: row["mentions"] for row in json.loads(one)}
        b = {row["entity_id"]: row["mentions"] for row in json.loads(parts)["places"]}
        if a != b:
            raise Mismatch(f"the places differ ({len(a)} against {len(b)})")


def bench_size(n: int, work: Path, workers: int, parallel: int, repeats: int, save) -> dict:
    """One size's figures; `save(result)` is called once the ingests are timed (an hour and more
    at 100,000 articles), so that they are written even if serving fails."""
    corpus = work / f"corpus-{n}"
    generate(n, corpus, years=(YEAR, YEAR))
    groups = by_period(corpus)
    one = work / f"one-{n}.db"
    single_seconds, _ = run_jobs([ingest_command([corpus], "--db", str(one), workers=workers)], 1)
    archive = work / f"partitions-{n}"
    arrived = work / f"by-period-{n}"
    commands = [ingest_command([folder], "--archive", str(archive)) for folder in folders(groups, arrived)]
    parallel_seconds, job_seconds = run_jobs(commands, parallel)
    files = partition_files(archive)
    result = {
        "articles": n,
        "partitions": len(files),
        "articles_by_partition": {period: len(paths) for period, paths in sorted(groups.items())},
        "ingest": {
            "one_file_seconds": round(single_seconds, 1),
            "one_file_workers": workers,
            "partitions_seconds": round(parallel_seconds, 1),
            "partitions_parallel": parallel,
            "ratio": round(parallel_seconds / single_seconds, 2),
            # each partition's job (`--workers 1`, `parallel` running at once): seconds, articles/s
            "jobs": {
                period: {"seconds": round(seconds, 1), "articles_per_s": round(len(groups[period]) / seconds, 1)}
                for period, seconds in zip(sorted(groups), job_seconds)
            },
        },
        "bytes": stored_bytes(one, files),
        "queries": {},
    }
    save(result)
    result["queries"] = time_cases(one, archive, work, repeats)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def scaled_size(source: Path, factor: int, work: Path, repeats: int) -> dict:
    """The query figures of an earlier run's archives (its `--work` directory) scaled `factor`
    times by bench/scale_archive.py, with the dates unshifted so that every replica stays in
    its partition: the serving side at sizes whose ingest does not fit in a session. The
    ingest is not measured."""
    one_source = next(source.glob("one-*.db"))
    n = int(one_source.stem.split("-")[1])
    one, archive = work / f"one-{n * factor}.db", work / f"partitions-{n * factor}"
    started = time.perf_counter()
    scale(one_source, one, factor, shift_days=0, log=lambda line: None)
    archive.mkdir()
    for path in partition_files(source / f"partitions-{n}"):
        scale(path, archive / path.name, factor, shift_days=0, log=lambda line: None)
    files = partition_files(archive)
    result = {
        "articles": n * factor,
        "scaled_from": n,
        "factor": factor,
        "scale_seconds": round(time.perf_counter() - started, 1),
        "partitions": len(files),
        "bytes": stored_bytes(one, files),
        "queries": time_cases(one, archive, work, repeats),
    }
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return result


def stored_bytes(one: Path, partitions: list[Path]) -> dict:
    return {"one_file": one.stat().st_size, "partitions": sum(path.stat().st_size for path in partitions)}


def time_cases(one: Path, archive: Path, work: Path, repeats: int) -> dict:
    """Every case on both servers, checked to agree, then timed."""
    with sqlite3.connect(one) as connection:
        top_entity = connection.execute("select key from entities order by mentions desc limit 1").fetchone()[0]
    queries: dict[str, dict] = {}
    one_server = ServerProcess.serving(one, work / "one.log").start()
    parts_server = ServerProcess.serving_archive(archive, work / "parts.log").start()
    try:
        for name, (one_path, parts_path) in cases(one.stem, top_entity).items():
            try:
                one_times, one_body = timed(one_server, one_path, repeats)
                parts_times, parts_body = timed(parts_server, parts_path, repeats)
                check(name, one_body, parts_body)
            except (Mismatch, RuntimeError) as error:  # reported, and the run exits 1
                queries[name] = {"error": str(error)}
                continue
            queries[name] = {
                "one_file_ms": one_times,
                "partitions_ms": parts_times,
                "ratio_p50": round(parts_times["p50"] / one_times["p50"], 2),
            }
    finally:
        one_server.stop()
        parts_server.stop()
    return queries


def markdown(results: dict) -> str:
    lines = [
        "# Partitions against one file",
        "",
        "Written by `make bench-partitions` (`bench/partition_bench.py`); do not edit by hand.",
        f"Run {results['date']} on {os.cpu_count()} cores, {results['repeats']} requests per case on loopback.",
        f"The corpus is bench/generate.py's with the date lines in {YEAR}: the dated articles over its 12 months,",
        "the others (3 in 10) in undated.db. *One file*: `ingest --db --workers W`. *Partitions*: one",
        "`ingest --archive --workers 1` per month, `parallel` at a time. Query times are HTTP, p50 / p95 ms.",
        "",
        "## Ingest",
        "",
        "| articles | partitions | one file s (workers) | partitions s (in parallel) | partitions / one file | DB bytes one file | DB bytes partitions |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ingested = [r for r in results["sizes"].values() if "ingest" in r]
    for r in ingested:
        i, b = r["ingest"], r["bytes"]
        lines.append(
            f"| {r['articles']:,} | {r['partitions']} | {i['one_file_seconds']} ({i['one_file_workers']}) "
            f"| {i['partitions_seconds']} ({i['partitions_parallel']}) | {i['ratio']} | {b['one_file']:,} | {b['partitions']:,} |"
        )
    for r in ingested:
        shares = ", ".join(f"{period} {count}" for period, count in r["articles_by_partition"].items())
        load = f" Load average when it finished: {r['load_average']}." if "load_average" in r else ""
        lines += [
            "",
            f"Articles by partition at {r['articles']:,}: {shares} (a page without a date line may still be dated by",
            f"its lead, e.g. a seed sentence's `Selasa (5/9/2023)`).{load}",
        ]
        if "jobs" in r["ingest"]:
            jobs = ", ".join(
                f"{period} {j['seconds']} s ({j['articles_per_s']}/s)" for period, j in r["ingest"]["jobs"].items()
            )
            lines += [
                "",
                f"Each partition's job at {r['articles']:,} (`--workers 1`, wall seconds and articles/s): {jobs}.",
            ]
    for r in results["sizes"].values():
        lines += [
            "",
            f"## Queries on {r['articles']:,} articles",
            "",
        ]
        if "scaled_from" in r:
            b = r["bytes"]
            lines += [
                f"Not ingested: the {r['scaled_from']:,}-article run's one file and each of its partitions replicated",
                f"{r['factor']}× by bench/scale_archive.py with the dates unshifted (every replica in its partition;",
                f"{r['scale_seconds']} s), so these are the serving side at this size, not an ingest of it.",
                f"Timed {r['date']}, {r['repeats']} requests per case.",
                f"DB bytes: one file {b['one_file']:,}, partitions {b['partitions']:,}.",
                "",
            ]
        lines += [
            "| case | one file p50 / p95 ms | partitions p50 / p95 ms | partitions / one file (p50) |",
            "|---|---:|---:|---:|",
        ]
        for name, q in r["queries"].items():
            if "error" in q:
                first_line = q["error"].splitlines()[0][:120].replace("|", "/")  # the JSON has it whole
                lines.append(f"| {name} | error: {first_line} | | |")
                continue
            a, b = q["one_file_ms"], q["partitions_ms"]
            lines.append(f"| {name} | {a['p50']} / {a['p95']} | {b['p50']} / {b['p95']} | {q['ratio_p50']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--workers", type=int, default=2, help="`ingest --workers` for the one file")
    parser.add_argument("--parallel", type=int, default=2, help="partition ingests running at once")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "partition_results.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "partition-benchmarks.md")
    parser.add_argument("--work", type=Path, help="keep the corpora and archives here (a fresh directory)")
    parser.add_argument(
        "--scale-from", type=Path, help="an earlier run's --work directory: time its archives scaled --factor times"
    )
    parser.add_argument("--factor", type=int, default=10, help="with --scale-from: replicas of every article")
    args = parser.parse_args()
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results = {"date": now, "repeats": args.repeats, "sizes": {}}
    if args.scale_from and args.out.exists():  # the figures go beside those of the run they are scaled from
        results = json.loads(args.out.read_text(encoding="utf-8"))

    def save(key: str, result: dict) -> None:
        results["sizes"][key] = result
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        args.doc.write_text(markdown(results), encoding="utf-8")

    with contextlib.ExitStack() as stack:
        if args.work:
            args.work.mkdir(parents=True, exist_ok=False)
            work = args.work
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsarchive-partitions-")))
        if args.scale_from:
            r = scaled_size(args.scale_from, args.factor, work, args.repeats)
            save(f"{r['articles']} scaled", r | {"date": now, "repeats": args.repeats})
        else:
            for n in args.sizes:
                r = bench_size(
                    n, work, args.workers, args.parallel, args.repeats, lambda result, n=n: save(str(n), result)
                )
                save(str(n), r)
                print(
                    f"{n}: one file {r['ingest']['one_file_seconds']} s, partitions {r['ingest']['partitions_seconds']} s",
                    flush=True,
                )
    print(f"wrote {args.out} and {args.doc}")
    failed = [
        f"{n} {name}: {q['error']}"
        for n, r in results["sizes"].items()
        for name, q in r["queries"].items()
        if "error" in q
    ]
    if failed:
        raise SystemExit("cases that failed:\n" + "\n".join(failed))


if __name__ == "__main__":
    main()
