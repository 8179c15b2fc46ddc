"""bench/scale_archive.py: the replicated archive holds every article `factor` times, with
fresh ids, dates moved on, its counts recounted and its FTS indexes rebuilt."""

import sqlite3

import pytest

from bench.scale_archive import scale

TABLES = ["articles", "sentences", "mentions", "quotes", "dated_mentions", "furniture", "passage_members"]


@pytest.fixture(scope="module")
def scaled(seeds_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("scaled") / "scaled.db"
    scale(seeds_db, out, factor=3, shift_days=2, log=lambda line: None)
    return out


def test_every_row_is_there_factor_times_with_fresh_ids(seeds_db, scaled):
    source, copy = sqlite3.connect(seeds_db), sqlite3.connect(scaled)
    for table in TABLES:
        assert (
            copy.execute(f"select count(*) from {table}").fetchone()[0]
            == 3 * source.execute(f"select count(*) from {table}").fetchone()[0]
        ), table
    assert copy.execute("select count(distinct id) from articles").fetchone()[0] == 3 * 5
    # every mention's sentence is in its article, every sentence's offsets still hold
    assert not copy.execute(
        "select 1 from mentions m join sentences s on s.id = m.sentence_id where s.article_id != m.article_id"
    ).fetchall()
    assert not copy.execute(
        "select 1 from sentences s join articles a on a.id = s.article_id "
        "where substr(a.body, s.char_start + 1, s.char_end - s.char_start) != s.text"
    ).fetchall()
    dates = [r[0] for r in source.execute("select published from articles where published is not null")]
    moved = {r[0] for r in copy.execute("select published from articles where published is not null")}
    assert {"2024-07-29", "2024-07-31"} <= moved and set(dates) <= moved


def test_counts_and_search_are_those_of_the_bigger_archive(seeds_db, scaled):
    source, copy = sqlite3.connect(seeds_db), sqlite3.connect(scaled)
    match = "select count(*) from sentences_fts where sentences_fts match 'putin'"
    assert copy.execute(match).fetchone()[0] == 3 * source.execute(match).fetchone()[0] > 0
    stored = dict(copy.execute("select id, mentions from entities"))
    counted = dict(copy.execute("select entity_id, count(*) from mentions group by entity_id"))
    assert stored == {entity: counted.get(entity, 0) for entity in stored}
    fresh = """select m.entity_id, coalesce(a.published, ''), count(*), count(distinct m.article_id)
               from mentions m join articles a on a.id = m.article_id group by 1, 2"""
    kept = "select entity_id, published, mentions, articles from entity_dates"
    assert set(copy.execute(kept)) == set(copy.execute(fresh))
    assert (
        copy.execute("select last_sentence_id from passage_progress").fetchone()[0]
        == (copy.execute("select max(id) from sentences").fetchone()[0])
    )


def test_an_existing_output_is_never_overwritten(seeds_db, scaled):
    with pytest.raises(FileExistsError):
        scale(seeds_db, scaled, factor=2, log=lambda line: None)
