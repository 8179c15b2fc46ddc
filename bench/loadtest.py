"""Load test (issue 6): many concurrent clients against `newsarchive serve`, loopback only.

    python -m bench.loadtest [--articles 10000] [--clients 32] [--seconds 30] [--db archive.db]

Builds (once, cached in the system's temp folder) an archive of N articles from the bench
generator (`bench/generate.py`) if there is one, else from copies of seeds/; serves it exactly
as `newsarchive serve` does on a free loopback port; runs `--clients` clients for `--seconds`
seconds, each sending its next request as soon as the last one is answered, over a mix of
search, map, article and entity pages, canned queries and CSV; reports status codes,
connection errors, p50/p95/p99 latency per kind and the server's peak RSS; writes
docs/loadtest.md. Exit status 1 if any request got a 5xx or a connection error.
Not part of `make test` (`make loadtest`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.serving import Server  # the server as `newsarchive serve` starts it

ROOT = Path(__file__).resolve().parent.parent

SEARCH_WORDS = [
    "pertemuan",
    "Putin",
    "Kim Jong Un",
    "Vostochny",
    "senjata",
    "Rusia Korea Utara",
    "bertemu",
    "Moskow",
    "kerja sama",
    '"Dewan Keamanan"',
    "Shoigu",
    "satelit",
    "sanksi",
    "xyzzy",
]


def build_archive(articles: int, workers: int) -> Path:
    folder = Path(tempfile.gettempdir()) / f"newsarchive-loadtest-{articles}"
    db = folder / "archive.db"
    if db.exists():
        with sqlite3.connect(db) as c:
            if c.execute("select count(*) from articles").fetchone()[0] >= articles * 0.95:
                return db
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "corpus"
    if not corpus.exists() or len(list(corpus.iterdir())) < articles:
        corpus.mkdir(exist_ok=True)
        generator = ROOT / "bench" / "generate.py"
        if generator.exists():
            subprocess.run([sys.executable, str(generator), str(articles), "--out", str(corpus)], check=True, cwd=ROOT)
        else:
            seeds = sorted((ROOT / "seeds").glob("*.txt"))
            for number in range(articles):
                seed = seeds[number % len(seeds)]
                (corpus / f"{number:06d}_{seed.name}").write_text(
                    seed.read_text(encoding="utf-8") + f"\n\nSalinan nomor {number}.\n", encoding="utf-8"
                )
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(corpus), "--db", str(db), "--workers", str(workers)],
        check=True,
        cwd=ROOT,
    )
    print(f"ingested {articles} articles in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return db


def rss_kb(pid: int) -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in kB, from /proc."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(value.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def request_mix(db: Path, name: str) -> list[tuple[str, callable]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        article_ids = [r[0] for r in c.execute("select id from articles order by random() limit 2000")]
        entity_ids = [r[0] for r in c.execute("select id from entities order by random() limit 500")]
    return [  # (kind, weight, path maker)
        ("search", 30, lambda r: ("/search", {"q": r.choice(SEARCH_WORDS)})),
        ("article page", 25, lambda r: (f"/article/{r.choice(article_ids)}", None)),
        ("entity page", 10, lambda r: (f"/entity/{r.choice(entity_ids)}", None)),
        ("map", 10, lambda r: (f"/{name}/places_map", {"q": r.choice(["", "Vostochny", "Moskow"])})),
        ("map json", 5, lambda r: (f"/{name}/places_map.json", {"_shape": "array"})),
        ("mentions_of", 5, lambda r: (f"/{name}/mentions_of.json", {"entity": r.choice(entity_ids)})),
        ("table page", 5, lambda r: (f"/{name}/articles", {"_search": r.choice(SEARCH_WORDS[:6])})),
        ("csv", 10, lambda r: (f"/{name}/sentences.csv", {"article_id": r.choice(article_ids), "_size": "max"})),
    ]


async def client_loop(base: str, mix, until: float, seed: int, results, errors) -> None:
    randomness = random.Random(seed)
    kinds = [kind for kind, weight, _ in mix for _ in range(weight)]
    makers = {kind: maker for kind, _, maker in mix}
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True) as client:
        while time.monotonic() < until:
            kind = randomness.choice(kinds)
            path, params = makers[kind](randomness)
            started = time.perf_counter()
            try:
                response = await client.get(path, params=params)
                await response.aread()
                results[kind].append((response.status_code, time.perf_counter() - started))
            except httpx.TransportError as error:
                errors[type(error).__name__] += 1


async def run_load(base: str, mix, clients: int, seconds: float, pid: int):
    results, errors = defaultdict(list), Counter()
    until = time.monotonic() + seconds
    peak = [0]

    async def sample_rss():
        while time.monotonic() < until:
            peak[0] = max(peak[0], rss_kb(pid)[0])
            await asyncio.sleep(0.5)

    await asyncio.gather(
        sample_rss(), *(client_loop(base, mix, until, seed, results, errors) for seed in range(clients))
    )
    return results, errors, peak[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def report(args, db, results, errors, rss_before, rss_peak, seconds) -> tuple[str, bool]:
    every = [latency for rows in results.values() for _, latency in rows]
    statuses = Counter(status for rows in results.values() for status, _ in rows)
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        articles, sentences = (c.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "sentences"))
    lines = [
        "# Load test",
        "",
        f"`make loadtest` (`bench/loadtest.py`), run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{os.cpu_count()} CPUs ({platform.machine()}, Python {platform.python_version()}), loopback only.",
        "",
        f"- Archive: {articles:,} articles, {sentences:,} sentences, "
        f"{db.stat().st_size / 1024 / 1024:.0f} MB, served immutable by `newsarchive serve` "
        "(Datasette 0.65, `sql_time_limit_ms` 3000, `max_returned_rows` 2000).",
        f"- Load: {args.clients} concurrent clients for {seconds:.0f} s, each sending its next request as soon as "
        "the last is answered (a closed loop: throughput is what the server can do, not a fixed rate).",
        f"- Requests: {len(every):,} ({len(every) / seconds:.0f}/s); status codes: "
        + ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items()))
        + ".",
        f"- **5xx responses: {server_errors}. Connection errors: {sum(errors.values())}**"
        + (f" ({dict(errors)})" if errors else "")
        + ".",
        f"- Server RSS: {rss_before / 1024:.0f} MB before, peak {rss_peak / 1024:.0f} MB during the load.",
        "",
        "| kind | requests | not 200 | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for kind, rows in sorted(results.items(), key=lambda item: -len(item[1])) + [("all", [(0, x) for x in every])]:
        latencies = [latency * 1000 for _, latency in rows]
        name = f"**{kind}**" if kind == "all" else kind
        others = Counter(status for status, _ in rows if status != 200)
        other = ", ".join(f"{count}× {status}" for status, count in sorted(others.items())) or "0"
        lines.append(
            f"| {name} | {len(latencies):,} | {other if kind != 'all' else ''} | "
            f"{statistics.median(latencies):.0f} | "
            f"{percentile(latencies, 0.95):.0f} | {percentile(latencies, 0.99):.0f} | {max(latencies):.0f} |"
        )
    lines += [
        "",
        "Mix (weights): search 30 (`/search?q=`, stemmed FTS with snippets), article page 25, entity page 10, "
        "map page 10 and map JSON 5 (`places_map`, some with `q`), `mentions_of` JSON 5, articles table with "
        "`_search` 5, CSV of an article's sentences 10.",
        "",
        "Latencies include queueing: with more clients than Datasette's 3 SQL threads, requests wait their turn, "
        "so p99 grows with the number of clients while nothing fails.",
        "",
    ]
    return "\n".join(lines), server_errors == 0 and not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="ingest workers when the archive is built")
    parser.add_argument("--db", type=Path, help="serve this archive instead of building one")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "loadtest.md")
    args = parser.parse_args()
    if not 1 <= args.clients <= 256 or not 1 <= args.seconds <= 600:
        parser.error("--clients 1..256 and --seconds 1..600")
    db = args.db or build_archive(args.articles, args.workers)
    server = Server(db, Path(tempfile.gettempdir()) / f"newsarchive-loadtest-server-{os.getpid()}.log")
    server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        mix = request_mix(db, db.stem)
        for kind, _, maker in mix:  # warm up: every kind once
            path, params = maker(random.Random(0))
            httpx.get(base + path, params=params, timeout=60)
        pid = server.process.pid
        rss_before = rss_kb(pid)[0]
        results, errors, rss_peak = asyncio.run(run_load(base, mix, args.clients, args.seconds, pid))
        rss_peak = max(rss_peak, rss_kb(pid)[1])  # VmHWM: the kernel's high-water mark
    finally:
        server.stop()
    text, ok = report(args, db, results, errors, rss_before, rss_peak, args.seconds)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
