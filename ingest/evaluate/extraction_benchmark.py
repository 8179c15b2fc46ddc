"""Our HTML extraction on the public article-extraction benchmark, scored by its own score.py.

The benchmark (181 real pages with hand-made article bodies, from
scrapinghub/article-extraction-benchmark) is not ours to ship: it is read where it lies,
beside the project (`<repo>/../shared/benchmarks/article-extraction/`), or where the
`NEWSARCHIVE_EXTRACTION_BENCHMARK` environment variable or `--html-benchmark DIR` points.
Two runs are scored: the text `htmlpage` extracts (a Document's text, stored as
`articles.raw`) and that text after our furniture rules (`clean.py`, the stored body).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.extract.clean import clean
from ingest.read.decoding import SourceError, decode
from ingest.read.htmlpage import html_document

ENV_VARIABLE = "NEWSARCHIVE_EXTRACTION_BENCHMARK"
_SCORES = re.compile(r"precision ([\d.]+)\s+recall ([\d.]+)\s+F1 ([\d.]+)")


@dataclass
class BenchmarkScores:
    precision: float
    recall: float
    f1: float


def benchmark_dir(given: str | os.PathLike | None = None) -> Path:
    """Where the benchmark is: `given`, else the environment variable, else beside the repository."""
    if given:
        return Path(given)
    if os.environ.get(ENV_VARIABLE):
        return Path(os.environ[ENV_VARIABLE])
    repository = Path(__file__).resolve().parents[2]
    return repository.parent / "shared" / "benchmarks" / "article-extraction"


def predictions(directory: Path) -> tuple[dict[str, str], dict[str, str]]:
    """({page id: extracted text}, {page id: body after the furniture rules}) for every page."""
    truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    extracted, cleaned = {}, {}
    for page_id in truth:
        path = directory / "html" / f"{page_id}.html.gz"
        try:
            html = decode(gzip.decompress(path.read_bytes()), path)
        except (OSError, SourceError):
            continue  # scored as a page with no prediction
        document = html_document(page_id, html, "html")
        if document is not None:
            extracted[page_id] = document.text
            cleaned[page_id] = clean(document.text, document.title).body
    return extracted, cleaned


def score(directory: Path, predicted: dict[str, str]) -> BenchmarkScores:
    """The benchmark's own score.py on `predicted`, run as it is documented."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "predictions.json"
        path.write_text(json.dumps(predicted), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, str(directory / "score.py"), str(path)], capture_output=True, text=True, check=True
        )
    found = _SCORES.search(result.stdout)
    if not found:
        raise RuntimeError(f"unexpected output from {directory / 'score.py'}: {result.stdout!r}")
    precision, recall, f1 = (float(value) for value in found.groups())
    return BenchmarkScores(precision, recall, f1)


def table(directory: Path) -> str:
    """`make eval`'s section: F1, precision and recall of both runs, or why there are none."""
    if not (directory / "score.py").is_file() or not (directory / "ground-truth.json").is_file():
        return f"(not run: no benchmark at {directory}; set {ENV_VARIABLE} or pass --html-benchmark DIR)"
    extracted, cleaned = predictions(directory)
    lines = ["| run | F1 | precision | recall |", "|---|---:|---:|---:|"]
    for label, predicted in (
        ("trafilatura, as `htmlpage` configures it (the article's raw text)", extracted),
        ("... then our furniture rules (the stored body)", cleaned),
    ):
        figures = score(directory, predicted)
        lines.append(f"| {label} | {figures.f1:.3f} | {figures.precision:.3f} | {figures.recall:.3f} |")
    return "\n".join(lines)
