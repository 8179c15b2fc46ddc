"""Shared fixtures: a real archive database built by the real CLI from seeds/."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """seeds/ ingested once per test session by `python -m ingest ingest`."""
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(SEEDS), "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return path
