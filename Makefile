# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= archive.db
PORT ?= 8001
TEST_WORKERS ?= auto

.PHONY: install install-test browser demo ingest serve test test-quick clean eval screenshots lint docs

$(BIN)/newsarchive: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/newsarchive

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'

# Browser tests drive Debian's chromium (never `playwright install`).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

ingest: install
	$(BIN)/newsarchive ingest seeds --db $(DB)

demo: ingest
	$(BIN)/newsarchive serve --db $(DB) --port $(PORT)

# Every test (what CI runs), in TEST_WORKERS processes (pytest-xdist; a file's tests stay in one, so its
# module fixtures are made once). test-quick, between edits: all but the slow, browser and install
# tiers (markers in pyproject.toml), in under 2 minutes.
test: install-test browser
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile

test-quick: $(VENV)/test-extras
	$(BIN)/python -m pytest -q -m "not slow and not browser and not install"

# The test extras, installed again only when pyproject.toml changes (test-quick runs between edits).
$(VENV)/test-extras: $(BIN)/newsarchive
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The screenshots in docs/ (README): the browser tests, saving into docs/ instead of a temporary folder.
screenshots: install-test browser
	NEWSARCHIVE_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/test_browser.py tests/test_network_page.py tests/test_browser_search.py tests/test_browser_charts.py

# The README's generated parts (CLI help, schema and quality tables): ingest/docs.py, written by cog.
docs: install-test
	$(BIN)/cog -r README.md

# Style gate: ruff's lint rules, import order and format over the whole tree, mypy over ingest/ (pyproject.toml).
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info $(DB) $(DB)-wal $(DB)-shm $(DB).lock

# Benchmark (issue 5): ingest and queries; not part of `make test`. Writes bench/results.json and
# docs/benchmarks.md, then the partition figures (bench-partitions, below). The 100,000-article size takes
# over an hour on 2 cores: `make bench SIZES=1000` is quick.
SIZES ?= 1000 10000 100000
WORKERS ?= 2
.PHONY: bench
bench: install
	$(BIN)/python -m bench.ingest_bench --sizes $(SIZES) --workers $(WORKERS)
	$(BIN)/python -m bench.partition_bench --sizes $(SIZES) --workers $(WORKERS) --parallel $(PARALLEL)

# Partitions (issue 14): the same articles as one file and as 12 monthly partitions ingested
# PARALLEL at a time; ingest time, search and map latency. Writes bench/partition_results.json and
# docs/partition-benchmarks.md. `make bench-partitions SIZES=1000` takes a few minutes.
PARALLEL ?= 2
.PHONY: bench-partitions
bench-partitions: install
	$(BIN)/python -m bench.partition_bench --sizes $(SIZES) --workers $(WORKERS) --parallel $(PARALLEL)

# Extraction quality against the hand-labelled sets in ingest/evalset/ (floors: tests/test_evaluation.py);
# the real set read with its URLs and as bare text.
eval: install
	$(BIN)/python -m ingest.evaluate.evaluation

# Load test (issue 6): not part of `make test`. Loopback only; writes docs/loadtest.md.
CLIENTS ?= 32
SECONDS ?= 30
ARTICLES ?= 10000
.PHONY: loadtest
loadtest: install
	$(BIN)/python -m bench.loadtest --articles $(ARTICLES) --clients $(CLIENTS) --seconds $(SECONDS)

# Scraper exports (issue 22): how CSV exports read once ingested (sentences an article, comma glue,
# mis-decoded characters), printed as JSON; not part of `make test`. Figures: docs/scraper-exports.md.
EXPORTS ?= ../shared/corpora/click-id/kompas.csv
.PHONY: export-quality
export-quality: install
	$(BIN)/python -m bench.export_quality $(EXPORTS)
