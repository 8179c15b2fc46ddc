"""`make eval`'s HTML-extraction section (issue 14): it finds the benchmark folder, runs our
extraction over its pages and reports what the folder's own score.py prints.

The public benchmark is not part of this repository, so the folder here is built in the test:
real-looking pages, their hand-made bodies, and a score.py with that benchmark's documented
metric (4-word shingles, per-page means) and output."""

import gzip
import json
import textwrap
from pathlib import Path

from test_html_input import NEWS_PAGE

from ingest.evaluate import extraction_benchmark
from ingest.evaluate.extraction_benchmark import benchmark_dir, predictions, score, table

SCORE_PY = textwrap.dedent("""
    import json, re, sys
    from collections import Counter
    from pathlib import Path

    def shingles(text):
        tokens = re.findall(r"\\w+", text or "")
        return Counter(tuple(tokens[i:i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens[i:i + 4])

    truth = json.loads((Path(__file__).parent / "ground-truth.json").read_text())
    pred = json.loads(Path(sys.argv[1]).read_text())
    rows = []
    for key, value in truth.items():
        t, p = shingles(value["articleBody"]), shingles(pred.get(key) or "")
        rows.append((sum((t & p).values()), sum((p - t).values()), sum((t - p).values())))
    precisions = [tp / (tp + fp) for tp, fp, fn in rows if tp + fp]
    recalls = [tp / (tp + fn) for tp, fp, fn in rows if tp + fn]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"pages {len(rows)}, predicted {sum(1 for k in truth if pred.get(k))}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")
""")

BODY = " ".join(
    line.strip()
    for line in NEWS_PAGE.split('<div class="detail__body">')[1].split("</div>")[0].replace("<p>", "").split("</p>")
    if line.strip()
).removeprefix("JAKARTA - ")  # the body as a person marks it: no dateline


def make_benchmark(folder: Path) -> Path:
    (folder / "html").mkdir(parents=True)
    (folder / "html" / "berita.html.gz").write_bytes(gzip.compress(NEWS_PAGE.encode("utf-8")))
    (folder / "html" / "kosong.html.gz").write_bytes(gzip.compress(b"<html><body><script>x()</script></body></html>"))
    truth = {
        "berita": {"url": "https://www.contoh.id/internasional/putin-kim", "articleBody": BODY},
        "kosong": {"url": "https://www.contoh.id/kosong", "articleBody": "Halaman ini tidak memuat apa pun."},
    }
    (folder / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (folder / "score.py").write_text(SCORE_PY, encoding="utf-8")
    return folder


def test_the_folder_is_found_beside_the_project_or_where_it_is_pointed(tmp_path, monkeypatch):
    monkeypatch.delenv(extraction_benchmark.ENV_VARIABLE, raising=False)
    root = Path(extraction_benchmark.__file__).resolve().parents[2]
    assert benchmark_dir() == root.parent / "shared" / "benchmarks" / "article-extraction"
    monkeypatch.setenv(extraction_benchmark.ENV_VARIABLE, str(tmp_path / "env"))
    assert benchmark_dir() == tmp_path / "env"
    assert benchmark_dir(tmp_path / "given") == tmp_path / "given"


def test_our_extraction_is_scored_by_the_folders_score_py(tmp_path):
    folder = make_benchmark(tmp_path / "bench")
    extracted, cleaned = predictions(folder)
    assert set(extracted) == {"berita"}  # the empty page has no prediction, and scores recall 0
    assert extracted["berita"].startswith("Putin Bertemu Kim Jong Un di Vostochny\n\nJAKARTA")
    assert cleaned["berita"].startswith("Presiden Rusia Vladimir Putin")
    figures = score(folder, cleaned)
    assert figures.precision == 1.0 and figures.recall == 0.5  # (1.0 + 0.0) / 2 pages
    assert round(figures.f1, 3) == 0.667
    lines = table(folder).splitlines()
    assert lines[0] == "| run | F1 | precision | recall |"
    assert lines[3] == "| ... then our furniture rules (the stored body) | 0.667 | 1.000 | 0.500 |"
    assert lines[2].endswith("| 0.500 |") and float(lines[2].split("|")[3]) < 1.0  # the headline is extra


def test_without_the_folder_the_section_says_why(tmp_path):
    assert table(tmp_path / "missing").startswith(f"(not run: no benchmark at {tmp_path / 'missing'}")


def test_make_eval_prints_the_section(tmp_path, evaluated, capsys):
    """`make eval`'s `main`, in this process: its real and curated tables read the session's evaluation runs."""
    from ingest.evaluate import evaluation

    folder = make_benchmark(tmp_path / "bench")
    evaluation.main(["--html-benchmark", str(folder)])
    printed = capsys.readouterr().out
    assert "Real evaluation set" in printed and "Curated set" in printed
    assert "HTML extraction (the public article-extraction benchmark, bench/, scored by its score.py):" in printed
    assert "| ... then our furniture rules (the stored body) | 0.667 | 1.000 | 0.500 |" in printed
