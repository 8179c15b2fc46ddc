"""Costs of the hostile inputs and requests in docs/reliability.md, measured (not asserted:
the tests check behaviour, timings belong here).

    python -m bench.hostile_bench [--sentences 10000] [--plain] [--repeat 5] [--warc-line-mb 256]
        [--only article|warc|sql|csv|network] [--articles 10000]

- article: an article of N sentences, each with a mention and a quote, opened in process
  (Datasette's client, as `newsarchive serve` configures it), and a `/-/versions.json` sent
  while it is being built: the seconds each took; then the median of `--repeat` more views;
- warc: a `.warc.gz` whose one header line inflates to `--warc-line-mb` MB, read by
  `ingest.read.warc.warc_items` in a child process: its peak RSS and seconds;
- sql: `printf('%.*c', 900000000, 'x')`, `randomblob(100000000)`, sixty 30 MB values and
  two 50 MB ones (just under the cap on one query's rows) through `?sql=`: the status, the
  bytes answered, the seconds taken and the peak RSS so far;
- csv: the article's sentences as one streamed CSV, through the formula guard and raw;
- network (only when asked for: it needs a large archive): `/network` and `/network.json` for
  the top 50 and 300 entities on the load test's archive of `--articles` articles (built once
  by `bench/loadtest.py`, cached in the temp folder): the statuses, the first request's
  seconds, the median of `--repeat` more and the page's `error` if it gave one.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def article_db(folder: Path, sentences: int, marked: bool = True) -> tuple[Path, str]:
    """A fresh archive holding the long article (`bench/long_article.py`) of `sentences`
    sentences, each with a mention and a quote unless not `marked`."""
    from bench.long_article import long_article
    from ingest.store.articles import save_article
    from ingest.store.schema import open_database

    article = long_article(sentences, marked)
    path = folder / "long.db"
    db = open_database(str(path))
    save_article(db, article, "2026-01-01T00:00:00")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path, article.id


def site(path: Path):
    """The archive at `path` served in process, as `newsarchive serve` configures it."""
    import yaml
    from datasette.app import Datasette

    from ingest.serve.app import SETTINGS, site_file

    return Datasette(
        immutables=[str(path)],
        metadata=yaml.safe_load(site_file("metadata.yml").read_text()),
        plugins_dir=str(site_file("plugins")),
        template_dir=str(site_file("templates")),
        settings=SETTINGS,
    )


async def time_article(path: Path, article_id: str, repeat: int) -> dict:
    """The article's first view (a `/-/versions.json` sent 1 s in, if it is still being built),
    then the median of `repeat` more views: the machine is shared, so one view says little."""
    ds = site(path)
    await ds.invoke_startup()
    await ds.client.get("/-/versions.json")
    started = time.perf_counter()

    async def article():
        response = await ds.client.get(f"/article/{article_id}")
        return response.status_code, time.perf_counter() - started

    async def versions():
        await asyncio.sleep(1)  # once the article's work has begun
        sent = time.perf_counter()
        response = await ds.client.get("/-/versions.json")
        return response.status_code, time.perf_counter() - sent

    (status, seconds), (v_status, v_seconds) = await asyncio.gather(article(), versions())
    again = []
    for _ in range(repeat):
        sent = time.perf_counter()
        await ds.client.get(f"/article/{article_id}")
        again.append(time.perf_counter() - sent)
    return {
        "status": status,
        "seconds": round(seconds, 3),
        "versions_status": v_status,
        "versions_seconds": round(v_seconds, 3),
        **({"median_of_next": repeat, "median_seconds": round(statistics.median(again), 3)} if again else {}),
    }


def warc_with_long_line(path: Path, megabytes: int) -> None:
    """A .warc.gz of one record whose WARC header holds a line of `megabytes` MB, then a good record."""
    line = b"X-Padding: " + b"a" * (megabytes * 1024 * 1024) + b"\r\n"
    html = b"<html><head><title>Baik</title></head><body><p>Presiden bertemu menteri di Jakarta pada hari Senin.</p></body></html>"
    good = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
    with open(path, "wb") as out:
        for extra, payload in ((line, good), (b"", good)):
            headers = (
                b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://example.com/a\r\n"
                b"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
                + extra
                + b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
            )
            out.write(gzip.compress(headers + payload + b"\r\n\r\n", compresslevel=6))


CHILD = """
import json, sys, time
from pathlib import Path
from ingest.read.warc import warc_items
started = time.perf_counter()
items = [type(item).__name__ + ": " + str(item)[:160] for item in warc_items(Path(sys.argv[1]), "x.warc.gz")]
# VmHWM, not ru_maxrss: the latter keeps the parent's peak across fork and exec
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "peak_rss_mb": round(peak / 1024),
                  "items": items}))
"""


def time_warc(folder: Path, megabytes: int) -> dict:
    path = folder / "long-line.warc.gz"
    warc_with_long_line(path, megabytes)
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    if result.returncode != 0:
        return {"file_kb": path.stat().st_size // 1024, "error": result.stderr.strip().splitlines()[-1:]}
    return {"file_kb": path.stat().st_size // 1024, **json.loads(result.stdout)}


async def time_sql(path: Path) -> list[dict]:
    ds = site(path)
    found = []
    for sql in (
        "select length(printf('%.*c', 900000000, 'x'))",
        "select randomblob(100000000)",
        "select zeroblob(30000000) from sentences limit 60",  # 1.8 GB of rows, each value under 64 MB
        "select zeroblob(50000000) from (values (1), (2))",  # the worst under the 100 MB cap: a NUL is 6 bytes of JSON
    ):
        started = time.perf_counter()
        response = await ds.client.get(f"/{path.stem}.json", params={"sql": sql})
        found.append(
            {
                "sql": sql,
                "status": response.status_code,
                "bytes": len(response.content),
                "seconds": round(time.perf_counter() - started, 2),
                "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    return found


async def time_csv(path: Path) -> list[dict]:
    """The article's sentences as one streamed CSV, with the formula guard and raw."""
    ds = site(path)
    found = []
    for extra in ("", "&_raw_csv=1", "", "&_raw_csv=1"):
        started = time.perf_counter()
        response = await ds.client.get(f"/{path.stem}/sentences.csv?_stream=on&_size=max{extra}")
        found.append(
            {
                "url": f"sentences.csv?_stream=on{extra}",
                "status": response.status_code,
                "bytes": len(response.content),
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
    return found[2:]  # the second round: caches warm


async def time_network(path: Path, repeat: int) -> list[dict]:
    ds = site(path)
    await ds.invoke_startup()
    found = []
    for url in ("/network?top=50", "/network.json?top=50", "/network.json?top=300"):
        statuses, seconds, error = set(), [], None
        for _ in range(1 + repeat):
            started = time.perf_counter()
            response = await ds.client.get(url)
            seconds.append(time.perf_counter() - started)
            statuses.add(response.status_code)
            if url.startswith("/network.json") and response.status_code == 200:
                error = response.json().get("error")
        found.append(
            {
                "url": url,
                "statuses": sorted(statuses),
                "first_seconds": round(seconds[0], 2),
                **({"median_seconds": round(statistics.median(seconds[1:]), 2)} if repeat else {}),
                **({"error": error} if error else {}),
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=10_000)
    parser.add_argument("--plain", action="store_true", help="the article's sentences without mentions or quotes")
    parser.add_argument("--repeat", type=int, default=5, help="views of the article after the first, for a median")
    parser.add_argument("--warc-line-mb", type=int, default=256)
    parser.add_argument("--only", choices=["article", "warc", "sql", "csv", "network"], action="append")
    parser.add_argument("--articles", type=int, default=10_000, help="the network case's archive")
    args = parser.parse_args()
    chosen = args.only or ["article", "warc", "sql", "csv"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, article_id = article_db(folder, args.sentences, marked=not args.plain)
        if "article" in chosen:
            kind = "plain" if args.plain else "each with a mention and a quote"
            print(
                "article",
                args.sentences,
                "sentences,",
                kind + ":",
                asyncio.run(time_article(path, article_id, args.repeat)),
                flush=True,
            )
        if "warc" in chosen:
            print("warc", args.warc_line_mb, "MB line:", time_warc(folder, args.warc_line_mb), flush=True)
        if "sql" in chosen:
            for row in asyncio.run(time_sql(path)):
                print("sql", row, flush=True)
        if "csv" in chosen:
            for row in asyncio.run(time_csv(path)):
                print("csv", row, flush=True)
        if "network" in chosen:
            from bench.loadtest import build_archive

            archive = build_archive(args.articles, workers=2)
            for row in asyncio.run(time_network(archive, args.repeat)):
                print("network", args.articles, "articles:", row, flush=True)


if __name__ == "__main__":
    main()
