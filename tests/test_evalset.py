"""ingest/evalset/: the real evaluation set is what the README says it is, and its labels hold."""

from collections import Counter

import pytest

from ingest.evaluate.realset import evalset_dir, problems


@pytest.fixture(scope="module")
def articles(evaluation_runs):
    return evaluation_runs.load()  # `load()`, read once a session with the evaluation's runs


def test_every_label_holds_against_its_text(articles):
    assert [problem for article in articles for problem in problems(article)] == []


def test_every_article_is_in_the_manifest_with_a_split(articles):
    assert {article.split for article in articles} == {"dev", "test"}
    manifest = (evalset_dir() / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sorted(line.split(",")[0] for line in manifest) == sorted(article.name for article in articles)
    for line, article in zip(sorted(manifest), sorted(articles, key=lambda a: a.name)):
        assert line.endswith(article.labels["url"]), article.name  # the manifest names each article's URL


def test_the_set_has_the_range_the_issue_asks_for(articles):
    assert len(articles) >= 60
    assert len({article.labels["outlet"].casefold() for article in articles}) >= 25
    assert sum(article.labels["language"] == "en" for article in articles) >= 8
    topics = Counter(article.labels["topic"] for article in articles)
    assert topics["putin-kim"] <= len(articles) / 4
    assert len(topics) >= 10
    regions = {article.labels["region"] for article in articles}
    assert {"Sumatra", "Kalimantan", "Sulawesi", "Papua", "Nusa Tenggara"} <= regions
