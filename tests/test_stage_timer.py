"""The stage timer `build_article` can be handed (ingest/extract/timing.py): the benchmark times
the pipeline that ingests, so a timed article must be the very article the ingest writes."""

import time

import pytest
from support import SEEDS

from ingest.extract.build import build_article
from ingest.extract.entities import Extractor
from ingest.extract.timing import StageTimer
from ingest.read.sources import find_files, read_documents

STAGES = {"clean", "split", "stem", "describe", "names", "quotes", "dates", "hash"}


@pytest.fixture(scope="module")
def documents():
    return [document for path in find_files([SEEDS]) for document in read_documents(path)]


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def test_a_timed_article_is_the_article(documents, extractor):
    timer = StageTimer()
    for document in documents:
        assert build_article(document, extractor, timer) == build_article(document, extractor)


def test_every_stage_is_timed(documents, extractor):
    timer = StageTimer()
    started = time.perf_counter()
    for document in documents:
        build_article(document, extractor, timer)
    spent = time.perf_counter() - started
    assert set(timer.seconds) == STAGES
    assert all(seconds > 0 for seconds in timer.seconds.values())
    assert sum(timer.seconds.values()) <= spent


def test_an_inner_stage_is_taken_out_of_the_outer_one():
    timer = StageTimer()
    with timer.stage("outer"):
        time.sleep(0.02)
        with timer.stage("inner"):
            time.sleep(0.05)
    assert 0.05 <= timer.seconds["inner"] < 0.2
    assert 0.02 <= timer.seconds["outer"] < 0.05  # its own 0.02 s, not the inner 0.05 s


def test_a_stage_that_raises_is_closed():
    timer = StageTimer()
    with pytest.raises(ValueError), timer.stage("failing"):
        raise ValueError
    with timer.stage("next"):
        pass
    assert set(timer.seconds) == {"failing", "next"}
    with timer.stage("after"):
        time.sleep(0.01)
    assert timer.seconds["next"] < 0.01  # "after" was not counted in a stage left open
