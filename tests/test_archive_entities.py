"""The same entity key means the same entity, with the same id, in every partition of an
archive (and in a single-file archive): ids are made from keys (`store.entity_id`), not
counted per file, so mentions from several partitions add up by id or by key."""

import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils
from support import MOSCOW, ROOT, SEEDS, article_from_sentences, save

from ingest.models import Entity
from ingest.store.articles import entity_id
from ingest.store.partitions import partition_files
from ingest.store.schema import open_database


@pytest.fixture(scope="module")
def partitions(tmp_path_factory):
    folder = tmp_path_factory.mktemp("entities") / "news"
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(SEEDS), "--archive", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return {path.stem: path for path in partition_files(folder)}


def entities(path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        return dict(connection.execute("select key, id from entities"))


@pytest.mark.slow  # a subprocess ingest
def test_a_key_in_two_partitions_has_one_id(partitions):
    july, september = entities(partitions["2024-07"]), entities(partitions["2023-09"])
    shared = set(july) & set(september)
    assert {"Q7747", "Q56226", "Q159"} <= shared  # Putin, Kim Jong Un, Russia: in both periods' articles
    for key in shared:
        assert july[key] == september[key] == entity_id(key)


@pytest.mark.slow  # a subprocess ingest
def test_every_id_is_its_keys_in_every_partition_and_in_a_single_file(partitions, seeds_db):
    for path in [*partitions.values(), seeds_db]:
        assert all(ident == entity_id(key) for key, ident in entities(path).items()), path


@pytest.mark.slow  # a subprocess ingest
def test_mentions_add_up_across_partitions_by_id(partitions, seeds_db):
    def mentions(path):
        db = sqlite_utils.Database(path)
        counted = dict(db.execute("select entity_id, count(*) from mentions group by entity_id").fetchall())
        db.close()
        return counted

    total: dict[int, int] = {}
    for path in partitions.values():
        for ident, count in mentions(path).items():
            total[ident] = total.get(ident, 0) + count
    assert total == mentions(seeds_db)


def test_ids_fit_a_javascript_number_and_differ_by_key():
    ids = {entity_id(key) for key in ["Q7747", "Q649", "geonames:2013348", "country:KP", "person:adrienne watson"]}
    assert len(ids) == 5 and all(0 < ident < 2**53 for ident in ids)
    assert entity_id("Q7747") == entity_id("Q7747") != entity_id("Q7747", 1)


def test_a_second_key_with_the_same_id_takes_the_next_candidate(tmp_path):
    db = open_database(str(tmp_path / "collision.db"))
    db.execute(
        "insert into entities (id, key, name, type) values (?, 'person:someone else', 'Someone Else', 'person')",
        [entity_id(MOSCOW.key)],
    )
    db.conn.commit()
    save(db, article_from_sentences("a1", "Moskow", ["Warga Moskow bersiap."], [(0, "Moskow", MOSCOW)]))
    assert db.execute("select id from entities where key = ?", [MOSCOW.key]).fetchone()[0] == entity_id(MOSCOW.key, 1)
    other = Entity("person:someone new", "Someone New", "person")
    save(db, article_from_sentences("a2", "Baru", ["Someone New datang."], [(0, "Someone New", other)]))
    assert db.execute("select id from entities where key = ?", [other.key]).fetchone()[0] == entity_id(other.key)
    db.close()
