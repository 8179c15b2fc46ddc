"""How scrapers' CSV exports read once ingested (issue 22): sentences, comma glue, mis-decoded text.

    python -m bench.export_quality ../shared/corpora/click-id/kompas.csv [more.csv ...] [--workers 2]

Each export goes through the real ingest into a temporary SQLite file, and the figures are
counted from what was stored. Prints JSON, one object per export; nothing of the exports' text
is printed. `make export-quality` runs it on the Kompas export; docs/scraper-exports.md has the
figures.

- `sentences_per_article`: mean, median, and the articles under 6 sentences (with their median
  words: an export cut short cannot reach 6); `words_per_sentence`: mean, 99th percentile and
  maximum (an article of 210 words read as 3 "sentences" shows here).
- `glued_sentences`: stored sentences holding a period and then a comma (".," or ". ,"), the
  shape of an export's paragraph glue; the writer's own ("S.H., M.H.") count too.
- `mis_decoded_sentences` and `mis_decoded_titles`, by two detectors: `ftfy_is_bad`, ftfy's
  badness heuristic; `utf8_read_as_one_byte`, any UTF-8 sequence read one byte a character
  in Mac Roman or Windows-1252 ("‚Äì" for "–", "√©" for "é"), which does not depend on ftfy.
- `scrap_sentences` (opening with a dash, comma or period), `hole_sentences` (holding empty
  brackets "(,)") and `comma_hole_sentences` (" , ": a link's words lost inside a sentence,
  which stay).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import tempfile
from pathlib import Path

from ftfy.badness import is_bad

from ingest.pipeline import ingest_paths

GLUE = re.compile(r"\.[^\S\n]*,")
SCRAP = re.compile(r"^[-–—,.]")
HOLE = re.compile(r"\(\s*,+\s*\)")
COMMA_HOLE = re.compile(r"\s,(?=\s)")
_CODECS = ("mac_roman", "cp1252")


def _byte_of(codec: str) -> dict[str, int]:
    """Character -> byte in a one-byte code page; cp1252's five undefined bytes read as Latin-1."""
    return {bytes([byte]).decode(codec, "ignore") or chr(byte): byte for byte in range(0x80, 0x100)}


_BYTES = {codec: _byte_of(codec) for codec in _CODECS}


def _one_byte_utf8(codec: str) -> re.Pattern:
    """A UTF-8 lead byte and its continuation bytes, each read as `codec`'s character."""

    def among(low: int, high: int) -> str:
        return "[" + "".join(re.escape(char) for char, byte in _BYTES[codec].items() if low <= byte < high) + "]"

    follow = among(0x80, 0xC0)
    return re.compile(f"{among(0xC2, 0xE0)}{follow}|{among(0xE0, 0xF0)}{follow}{{2}}|{among(0xF0, 0xF5)}{follow}{{3}}")


_SEQUENCES = {codec: _one_byte_utf8(codec) for codec in _CODECS}


def read_as_one_byte(text: str) -> bool:
    """Whether `text` holds UTF-8 read as Mac Roman or Windows-1252: a run of characters whose
    bytes in that code page are one valid UTF-8 character."""
    for codec, pattern in _SEQUENCES.items():
        for match in pattern.finditer(text):
            try:
                bytes(_BYTES[codec][char] for char in match.group()).decode("utf-8")
            except UnicodeDecodeError:
                continue
            return True
    return False


def figures(db_path: str) -> dict:
    with sqlite3.connect(db_path) as db:
        counts = [n for (n,) in db.execute("SELECT sentence_count FROM articles")]
        sentences = [text for (text,) in db.execute("SELECT text FROM sentences")]
        titles = [title for (title,) in db.execute("SELECT title FROM articles WHERE title IS NOT NULL")]
        short_words = [
            len(body.split()) for (body,) in db.execute("SELECT body FROM articles WHERE sentence_count < 6")
        ]
    words = sorted(len(text.split()) for text in sentences)
    under = len(short_words)
    return {
        "articles": len(counts),
        "sentences": len(sentences),
        "sentences_per_article": {
            "mean": round(statistics.mean(counts), 2),
            "median": statistics.median(counts),
            "under_6": under,
            "under_6_share": round(under / len(counts), 4),
            "under_6_median_words": statistics.median(short_words) if short_words else None,
        },
        "words_per_sentence": {
            "mean": round(statistics.mean(words), 1),
            "p99": words[int(0.99 * (len(words) - 1))],
            "max": words[-1],
        },
        "glued_sentences": sum(bool(GLUE.search(text)) for text in sentences),
        "mis_decoded_sentences": {
            "ftfy_is_bad": sum(is_bad(text) for text in sentences),
            "utf8_read_as_one_byte": sum(read_as_one_byte(text) for text in sentences),
        },
        "mis_decoded_titles": {
            "ftfy_is_bad": sum(is_bad(title) for title in titles),
            "utf8_read_as_one_byte": sum(read_as_one_byte(title) for title in titles),
        },
        "scrap_sentences": sum(bool(SCRAP.match(text)) for text in sentences),
        "hole_sentences": sum(bool(HOLE.search(text)) for text in sentences),
        "comma_hole_sentences": sum(bool(COMMA_HOLE.search(text)) for text in sentences),
    }


def measure(export: Path, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        db_path = str(Path(folder) / "export.db")
        summary = ingest_paths([export], db_path, workers=workers)
        return {"export": export.name, "failed": summary.failed, **figures(db_path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("exports", nargs="+", type=Path, help="CSV exports to ingest and measure")
    parser.add_argument("--workers", type=int, default=1, help="ingest processes (default 1)")
    args = parser.parse_args()
    for export in args.exports:
        print(json.dumps(measure(export, args.workers), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
