"""Extraction quality may only go up: floors at the figures `make eval` measured.

Raise a floor when the extractor gets better; never lower one to make a change pass.
"""

import pytest

from ingest.evaluation import Scores, evaluate, haversine_km

FLOORS = {
    "person_f1": 0.99,
    "organization_f1": 0.96,
    "place_f1": 0.99,
    "merge_accuracy": 0.98,
    "quote_accuracy": 0.94,
}
CEILINGS = {"geocode_mean_km": 2.0, "geocode_max_km": 25.0, "geocode_missing": 2}


@pytest.fixture(scope="module")
def figures():
    return evaluate().summary()


@pytest.mark.parametrize("measure, floor", FLOORS.items())
def test_quality_stays_at_or_above_its_floor(figures, measure, floor):
    assert figures[measure] >= floor


@pytest.mark.parametrize("measure, ceiling", CEILINGS.items())
def test_geocoding_error_stays_at_or_below_its_ceiling(figures, measure, ceiling):
    assert figures[measure] <= ceiling


def test_scores_count_what_they_should():
    scores = Scores()
    scores.counts["person"].update(tp=3, fp=1, fn=1)
    assert scores.prf("person") == (0.75, 0.75, 0.75)
    assert haversine_km(55.7558, 37.6173, 59.9343, 30.3351) == pytest.approx(634, abs=5)  # Moscow to St Petersburg
