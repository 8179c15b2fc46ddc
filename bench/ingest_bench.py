"""Ingest benchmark: our pipeline against plain sqlite-utils inserts, in the same run.

For each corpus size (bench/generate.py makes the corpus):

- ours: `python -m ingest ingest CORPUS --db X --workers W` in a child process, so that its
  wall time includes start-up (loading the gazetteer); its peak RSS is the largest sum of
  resident memory over the process and its workers (sampled from /proc every 0.2 s), and
  the main process's own peak (os.wait4);
- re-ingest: the same command again on the unchanged corpus;
- baseline: the same bodies and sentences (from our read, clean and split stages, not
  timed) written with plain sqlite-utils `insert_all` into two tables with FTS5 kept by
  triggers, and no extraction or stemming. Only the writes are timed;
- stage shares: the real `build_article` over a sample of the corpus with a stage timer
  (ingest/extract/timing.py), and the store's writes;
- queries: bench/query_bench.py on the archive just built (a real Datasette process);
- once per run, one 5 MB single-line file of repeated real sentences (bench/single_line.py).

Figures are reported as ratios to the baseline measured in the same run, since absolute
times depend on the machine. Results go to bench/results.json and docs/benchmarks.md.

    python -m bench.ingest_bench [--sizes 1000 10000 100000] [--workers 2] [--sample 200] [--repeats 20]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from bench import query_bench, single_line
from bench.generate import generate
from ingest.extract.build import build_article
from ingest.extract.clean import clean
from ingest.extract.entities import Extractor
from ingest.extract.gazetteer import Gazetteer, load_gazetteer
from ingest.extract.sentences import sentences_of
from ingest.extract.timing import StageTimer
from ingest.read.sources import find_files, read_documents
from ingest.store.articles import save_article
from ingest.store.passages import update_passages
from ingest.store.schema import FTS_TOKENIZE, open_database

ROOT = Path(__file__).resolve().parent.parent

# The stage shares' columns, in results.json's order (other tools read it): `build_article`'s
# stages between the bench's own (read; write, fts, passages). *stem* is taken out of *split*,
# the stage it runs inside; *hash* is new.
STAGES = [
    "read",
    "clean",
    "split",
    "describe",
    "extract",
    "gazetteer",
    "quotes",
    "dates",
    "stem",
    "hash",
    "write",
    "fts",
    "passages",
]
REPORTED_AS = {"names": "extract"}  # build_article's stage under results.json's name for it


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(ram / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": ".".join(map(str, sqlite_utils.Database(memory=True).sqlite_version)),
        "platform": platform.platform(),
    }


def db_bytes(path: Path) -> int:
    """The database with its WAL and shared-memory files, if any."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and its descendants (the worker processes), from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)], rss[int(entry.name)] = int(fields[1]), int(fields[21]) * page
    family, grew = {pid}, True
    while grew:
        found = {child for child, parent in parents.items() if parent in family} - family
        family |= found
        grew = bool(found)
    return sum(rss.get(member, 0) for member in family)


def bytes_by_table(db: Path) -> dict[str, int]:
    """Bytes of each table with its indexes (FTS tables with their shadow tables), largest first."""
    with sqlite3.connect(db) as connection:
        owner = dict(connection.execute("select name, tbl_name from sqlite_master"))
        sizes: dict[str, int] = {}
        for name, size in connection.execute("select name, sum(pgsize) from dbstat group by name"):
            table = owner.get(name, name)
            table = next((fts for fts in ("articles_fts", "sentences_fts") if table.startswith(fts)), table)
            sizes[table] = sizes.get(table, 0) + size
    return dict(sorted(sizes.items(), key=lambda item: -item[1]))


def run_ingest(corpus: Path, db: Path, workers: int) -> dict:
    """Run the CLI in a child process: wall seconds, CPU seconds of the main process, its own
    peak RSS and the peak RSS of it and its workers together."""
    command = [
        sys.executable,
        "-m",
        "ingest",
        "ingest",
        str(corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus),
        "--db",
        str(db),
        "--workers",
        str(workers),
    ]
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        peak, done = [0], threading.Event()

        def sample():
            while not done.wait(0.2):
                peak[0] = max(peak[0], tree_rss_bytes(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all children).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait
        log.seek(0)
        output = log.read().decode(errors="replace")
    if child.returncode != 0:
        raise SystemExit(f"ingest failed:\n{output}")
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": round(max(peak[0] / 2**20, usage.ru_maxrss / 1024), 1),
        "main_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output": output.strip(),
    }


def prepared(corpus: Path, batch: int = 1000):
    """Bodies and sentences as our read, clean and split stages give them, in batches of
    `batch` articles, so that the baseline streams as our ingest does."""
    articles = []
    for path in find_files([corpus]):
        for document in read_documents(path):
            page = clean(document.text, document.title)
            articles.append(
                {
                    "id": document.source,
                    "title": page.headline,
                    "body": page.body,
                    "raw": document.text,
                    "sentences": [s.text for s in sentences_of(page)],
                }
            )
        if len(articles) >= batch:
            yield articles
            articles = []
    if articles:
        yield articles


def run_baseline(batches, db_path: Path) -> dict:
    """Plain sqlite-utils: articles and sentences tables, FTS5 with triggers, `insert_all`.

    Only the inserts are timed, not preparing the batches."""
    db = sqlite_utils.Database(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db["articles"].create({"id": str, "title": str, "body": str, "raw": str}, pk="id")
    db["sentences"].create({"id": int, "article_id": str, "position": int, "text": str}, pk="id")
    db["articles"].enable_fts(["title", "body"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE)
    db["sentences"].enable_fts(["text"], fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE)
    seconds = cpu = 0.0
    for articles in batches:
        started, cpu_started = time.perf_counter(), time.process_time()
        db["articles"].insert_all({k: a[k] for k in ("id", "title", "body", "raw")} for a in articles)
        db["sentences"].insert_all(
            {"article_id": a["id"], "position": i, "text": text}
            for a in articles
            for i, text in enumerate(a["sentences"])
        )
        seconds += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
    db.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "db_bytes": db_bytes(db_path)}


class TimedGazetteer:
    """The gazetteer with its look-ups timed as the stage "gazetteer" (names and the places'
    coordinates: the geocoding), inside whichever of `build_article`'s stages makes them; the
    rest is the gazetteer's own. Handed to `Extractor` as its gazetteer: nothing is patched."""

    def __init__(self, gazetteer: Gazetteer, timer: StageTimer):
        self.gazetteer, self.timer = gazetteer, timer

    def lookup(self, *args):
        with self.timer.stage("gazetteer"):
            return self.gazetteer.lookup(*args)

    def __getattr__(self, name: str):
        return getattr(self.gazetteer, name)


def stage_shares(corpus: Path, sample: int, work: Path) -> dict:
    """Seconds per stage over the first `sample` files: the real `build_article` with a
    `StageTimer` (ingest/extract/timing.py), the real store around it.

    *gazetteer* is the time inside `Gazetteer.lookup`, taken out of the stage that looked up
    (mostly *extract*, the names). *stem* is the stemming `sentences_of` does as it splits,
    taken out of *split*. *fts* is the time the same
    writes take with the FTS triggers minus without them (a second database without
    triggers), taken out of *write*. Shared passages are indexed once for the whole sample,
    as the ingest does after its articles.
    """
    gazetteer = load_gazetteer()
    warm = Extractor(gazetteer)
    for path in find_files([ROOT / "seeds"]):  # warm up: gazetteer, language and date models load on first use
        for document in read_documents(path):
            build_article(document, warm)
    timer = StageTimer()
    extractor = Extractor(TimedGazetteer(gazetteer, timer), warm.cues)
    work.mkdir(exist_ok=True)
    db, plain = open_database(str(work / "stages.db")), open_database(str(work / "stages-no-fts.db"))
    for (name,) in plain.execute(
        "select name from sqlite_master where type = 'trigger' and sql like '%\\_fts%' escape '\\'"
    ).fetchall():
        plain.execute(f"drop trigger [{name}]")
    for path in find_files([corpus])[:sample]:
        with timer.stage("read"):
            documents = read_documents(path)
        for document in documents:
            article = build_article(document, extractor, timer)
            with timer.stage("write"):
                save_article(plain, article, "bench")
            with timer.stage("fts"):
                save_article(db, article, "bench")
    with timer.stage("passages"):
        update_passages(db)
    db.close()
    plain.close()
    spent = {REPORTED_AS.get(stage, stage): seconds for stage, seconds in timer.seconds.items()}
    spent["fts"] -= spent["write"]
    total = sum(spent.values())
    return {
        "sample": sample,
        "seconds": {k: round(spent[k], 3) if k in spent else None for k in STAGES},
        "share": {k: round(spent[k] / total, 3) if k in spent else None for k in STAGES},
    }


def bench_size(n: int, work: Path, sample: int, workers: int, repeats: int) -> dict:
    corpus = ROOT / "bench" / "corpus" / str(n)
    started = time.perf_counter()
    generate(n, corpus)
    generated = time.perf_counter() - started
    raw_bytes = sum(p.stat().st_size for p in corpus.glob("*.txt"))
    db = work / f"ours-{n}.db"
    first = run_ingest(corpus, db, workers)
    again = run_ingest(corpus, db, workers)
    tables = sqlite_utils.Database(db)
    sentences, mentions = tables["sentences"].count, tables["mentions"].count
    articles = tables["articles"].count
    tables.close()
    size = db_bytes(db)
    by_table = bytes_by_table(db)
    baseline = run_baseline(prepared(corpus), work / f"baseline-{n}.db")
    shares = stage_shares(corpus, min(sample, n), work / f"stages-{n}")
    queries = query_bench.measure_queries(db, repeats)
    ours = first["seconds"]
    return {
        "articles": articles,
        "generate_seconds": round(generated, 2),
        "raw_text_bytes": raw_bytes,
        "ours": {
            "workers": workers,
            "seconds": round(ours, 2),
            "cpu_seconds": round(first["cpu_seconds"], 2),
            "articles_per_s": round(articles / ours, 1),
            "sentences_per_s": round(sentences / ours, 1),
            "mentions_per_s": round(mentions / ours, 1),
            "sentences": sentences,
            "mentions": mentions,
            "peak_rss_mb": first["peak_rss_mb"],
            "main_peak_rss_mb": first["main_peak_rss_mb"],
            "db_bytes": size,
            "db_bytes_per_article": round(size / articles),
            "db_to_raw": round(size / raw_bytes, 2),
            "db_to_raw_by_table": {table: round(b / raw_bytes, 2) for table, b in by_table.items()},
        },
        "reingest": {
            "seconds": round(again["seconds"], 2),
            "peak_rss_mb": again["peak_rss_mb"],
            "speedup": round(ours / again["seconds"], 1),
        },
        "baseline": {
            "seconds": round(baseline["seconds"], 2),
            "cpu_seconds": round(baseline["cpu_seconds"], 2),
            "articles_per_s": round(articles / baseline["seconds"], 1),
            "db_bytes_per_article": round(baseline["db_bytes"] / articles),
            "db_to_raw": round(baseline["db_bytes"] / raw_bytes, 2),
        },
        "ratio_to_baseline": round(ours / baseline["seconds"], 1),
        "cpu_ratio_to_baseline": round(first["cpu_seconds"] / baseline["cpu_seconds"], 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "stages": shares,
        "queries": queries,
    }


def bench_single_line(work: Path) -> dict:
    folder = work / "single-line"
    path = single_line.write_single_line_file(folder)
    db = work / "single-line.db"
    run = run_ingest(folder, db, workers=1)
    tables = sqlite_utils.Database(db)
    sentences = tables["sentences"].count
    tables.close()
    return {
        "bytes": path.stat().st_size,
        "sentences": sentences,
        "seconds": round(run["seconds"], 2),
        "cpu_seconds": round(run["cpu_seconds"], 2),
        "peak_rss_mb": run["peak_rss_mb"],
    }


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/ingest_bench.py`); do not edit by hand. Issue 5 describes",
        "what is measured and the targets. The corpus is synthetic (`bench/generate.py`): seed",
        "sentences recombined, names and places swapped from the gazetteer, 150 to 2,000 words.",
        "",
        f"Run {results['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}, SQLite {m['sqlite']}.",
        "",
        "**Baseline**: the same bodies and sentences written with plain sqlite-utils `insert_all`",
        "(batched) into two tables with FTS5 kept by triggers; no extraction, stemming or",
        "per-article transactions. Only its writes are timed. *× baseline* is our ingest time",
        "(a fresh process with `--workers` worker processes, start-up included) over the",
        "baseline's: the price of the pipeline. *CPU × baseline* compares the CPU seconds of our",
        "main process alone (its workers' are not counted) with the baseline's; *load* is the",
        "1-minute load average when the size finished. *Peak RSS* is the main process and its",
        "workers together.",
        "",
        "## Ingest",
        "",
        "| articles | workers | ours s | baseline s | × baseline | CPU × baseline | load | articles/s | sentences/s "
        "| mentions/s | peak RSS MB | DB bytes/article | DB / raw text | baseline DB / raw "
        "| re-ingest s | re-ingest speedup |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in results["sizes"].items():
        o, b, again = r["ours"], r["baseline"], r["reingest"]
        lines.append(
            f"| {r['articles']:,} | {o['workers']} | {o['seconds']} | {b['seconds']} | {r['ratio_to_baseline']} "
            f"| {r['cpu_ratio_to_baseline']} | {r['load_average'][0]} "
            f"| {o['articles_per_s']} | {o['sentences_per_s']} | {o['mentions_per_s']} | {o['peak_rss_mb']} "
            f"| {o['db_bytes_per_article']:,} | {o['db_to_raw']} | {b['db_to_raw']} | {again['seconds']} "
            f"| {again['speedup']}× |"
        )
    lines += [
        "",
        "## Where the bytes go",
        "",
        "Each table with its indexes (FTS with its shadow tables), as a multiple of the raw text",
        "(the corpus files' bytes); tables under 0.05× are left out.",
        "",
    ]
    for n, r in results["sizes"].items():
        shares = ", ".join(f"{table} {x}" for table, x in r["ours"]["db_to_raw_by_table"].items() if x >= 0.05)
        lines.append(f"- {r['articles']:,} articles ({r['ours']['db_to_raw']}× in all): {shares}")
    lines += [
        "",
        "## Where the time goes",
        "",
        "`build_article` with a stage timer, and the store, over the first articles of each corpus",
        "(one process, gazetteer already loaded). *gazetteer* is the time in gazetteer look-ups (names",
        "and the places' coordinates: the geocoding), out of the stage that looked up (mostly *extract*,",
        "the names); *stem* is taken out of *split*, which stems as it splits; *hash* is the article's id",
        "and content hash; *fts* is what the FTS triggers add to *write*; *passages* is the",
        "shared-passage index over the sample (ingest/store/passages.py).",
        "",
        "| articles | sample | " + " | ".join(STAGES) + " |",
        "|---:|---:|" + "---:|" * len(STAGES),
    ]
    for n, r in results["sizes"].items():
        s = r["stages"]
        shares = [s["share"].get(k) for k in STAGES]  # None: absent in older results
        lines.append(
            f"| {r['articles']:,} | {s['sample']} | "
            + " | ".join("–" if share is None else f"{share:.0%}" for share in shares)
            + " |"
        )
    for n, r in results["sizes"].items():
        lines += [
            "",
            f"## Queries on {r['articles']:,} articles",
            "",
            "`bench/query_bench.py`: the archive just built, served by `newsarchive serve`; each page",
            "beside the same SQL in sqlite3.",
            "",
        ] + query_bench.markdown(r["queries"])
    if "single_line" in results:
        lines += [""] + single_line.markdown(results["single_line"])
    lines += ["", "## Against the targets of issue 5", ""] + results.get("notes", []) + [""]
    return "\n".join(lines)


def notes(results: dict) -> list[str]:
    """Each target, met or by how much it falls short, for the largest size run."""
    n, r = max(results["sizes"].items(), key=lambda item: item[1]["articles"])
    o, q = r["ours"], r["queries"]["cases"]
    searches = [case for name, case in q.items() if name.startswith("search")]
    refused = [case for case in searches if "error" in case]  # e.g. cut off by the SQL time limit
    worst = float("inf") if refused else max(case["http_ms"]["p95"] for case in searches)
    overhead = float("inf") if refused else max(case["json_ratio_p50"] for case in searches)
    flat = [size["ours"]["peak_rss_mb"] for size in results["sizes"].values()]

    def verdict(met: bool, short: str) -> str:
        return "met" if met else short

    return [
        f"Figures for the largest size run ({r['articles']:,} articles), `--workers {o['workers']}`.",
        "",
        f"- Ingest at least 330 articles/s: {o['articles_per_s']} articles/s "
        f"({verdict(o['articles_per_s'] >= 330, format(330 / o['articles_per_s'], '.1f') + '× short')}).",
        f"- Peak RSS under 1 GB and flat as N grows: {' → '.join(f'{mb:.0f}' for mb in flat)} MB "
        f"({verdict(max(flat) < 1024, 'not met')}).",
        f"- Re-ingest at least 20× faster: {r['reingest']['speedup']}× "
        f"({verdict(r['reingest']['speedup'] >= 20, 'not met')}; start-up is included).",
        f"- `search` p95 under 100 ms over HTTP: worst case {worst:.1f} ms "
        f"({verdict(worst < 100, format(worst / 100, '.1f') + '× over')}).",
        f"- Datasette's overhead under 3× the raw query (search, JSON p50): at most {overhead}× "
        f"({verdict(overhead < 3, 'not met')}).",
        f"- Database under 4× the raw text: {o['db_to_raw']}× ({verdict(o['db_to_raw'] < 4, 'not met')}; "
        f"the baseline's own is {r['baseline']['db_to_raw']}×).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=2, help="`ingest --workers` for our ingest")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per query case")
    parser.add_argument("--sample", type=int, default=200, help="articles for the stage shares")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    results = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="newsarchive-bench-") as work:
        for n in args.sizes:
            started = time.perf_counter()
            results["sizes"][str(n)] = r = bench_size(n, Path(work), args.sample, args.workers, args.repeats)
            r["total_seconds"] = round(time.perf_counter() - started, 1)
            print(
                f"{n}: ours {r['ours']['seconds']} s, {r['ratio_to_baseline']}× baseline, "
                f"re-ingest {r['reingest']['speedup']}× faster (size took {r['total_seconds']} s)",
                flush=True,
            )
        results["single_line"] = bench_single_line(Path(work))
        print(f"single line: {results['single_line']['seconds']} s", flush=True)
    results["notes"] = notes(results)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    args.doc.write_text(markdown(results), encoding="utf-8")
    print(f"wrote {args.out} and {args.doc}")


if __name__ == "__main__":
    main()
