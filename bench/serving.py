"""The archive served for a benchmark, and the percentiles its timings are reported in.

Shared by bench/query_bench.py, bench/partition_bench.py and bench/loadtest.py, so that every
benchmark serves the archive as `newsarchive serve` does and cuts its percentiles the same way.
"""

from __future__ import annotations

import http.client
import statistics
from pathlib import Path

from ingest.serve.app import ServerProcess


class Server(ServerProcess):
    """`python -m ingest serve --db DB` on a free loopback port (the package's one harness),
    with a plain request for checks."""

    def __init__(self, db: Path, log: Path):
        command = ServerProcess.serving(db, log)
        super().__init__(command.command, command.port, log)

    def get(self, path: str) -> tuple[int, bytes]:
        """One request on a fresh connection (for checks, not timed)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def percentiles(seconds: list[float]) -> dict:
    """p50, p95 and p99 in milliseconds, not rounded: `statistics.quantiles(n=100,
    method="inclusive")`, linear interpolation between the closest ranks."""
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}
