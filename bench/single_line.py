"""The hostile bench case of issue 12: one file of 5 MB of real sentences on a single line.

The seeds' body sentences (`generate.seed_sentences`, as in the bench corpus) are joined by spaces and repeated
until the line holds `SIZE` bytes, under a one-line headline: a page scraped with its
paragraph breaks lost, or a paragraph pasted again and again. Every stage must be linear
in it; before the passage index left out an article's repeats of its own sentences, this
file did not finish in 300 s. Timed as a fresh `ingest` process, like the corpus sizes.
"""

from __future__ import annotations

from pathlib import Path

from bench.generate import seed_sentences

SIZE = 5_000_000
TARGET_SECONDS = 60


def write_single_line_file(folder: Path, size: int = SIZE) -> Path:
    paragraph = " ".join(seed_sentences())
    line = " ".join([paragraph] * (size // (len(paragraph) + 1) + 1))[:size]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "single-line.txt"
    path.write_text("Satu Baris Panjang dari Kalimat yang Berulang\n" + line[: line.rfind(". ") + 1] + "\n")
    return path


def markdown(case: dict) -> list[str]:
    verdict = "met" if case["seconds"] < TARGET_SECONDS else "not met"
    return [
        "## One 5 MB line of real sentences",
        "",
        "`bench/single_line.py`: the seeds' sentences repeated on one line, "
        f"{case['bytes'] / 1e6:.1f} MB, {case['sentences']:,} sentences, ingested alone by a fresh process.",
        "",
        "| seconds | CPU seconds (main process) | MB/s | peak RSS MB | under 60 s |",
        "|---:|---:|---:|---:|---|",
        f"| {case['seconds']} | {case['cpu_seconds']} | {case['bytes'] / 1e6 / case['seconds']:.2f} "
        f"| {case['peak_rss_mb']} | {verdict} |",
    ]
