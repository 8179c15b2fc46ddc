import pytest

from ingest.extract.stem import stem_text
from ingest.models import Article, Entity, Mention, Place, Sentence
from ingest.store.articles import save_article
from ingest.store.schema import StoreError, open_database


def make_article(article_id="a1", body="Putin tiba di Moskow."):
    moscow = Entity("geonames:524901", "Moscow", "place", "Q649", Place(55.75, 37.62, "RU", "city", 524901))
    putin = Entity("Q7747", "Vladimir Putin", "person", "Q7747")
    return Article(
        id=article_id,
        source="x.txt",
        format="txt",
        raw=body,
        body=body,
        content_hash="h",
        sentences=[Sentence(0, 0, len(body), body, "body", stem_text(body))],
        mentions=[Mention(0, 0, 5, "Putin", putin), Mention(0, 14, 20, "Moskow", moscow)],
    )


def test_schema_has_fts_and_foreign_keys(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    assert db["articles"].detect_fts() == "articles_fts"
    assert db["sentences"].detect_fts() == "sentences_fts"
    fks = {(fk.column, fk.other_table) for fk in db["mentions"].foreign_keys}
    assert fks == {("entity_id", "entities"), ("article_id", "articles"), ("sentence_id", "sentences")}


def test_save_article_then_fts_finds_it(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    save_article(db, make_article(), "2026-01-01T00:00:00")
    rows = db.execute("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH 'moskow'").fetchall()
    assert len(rows) == 1
    assert db.execute("SELECT name, latitude FROM places").fetchall() == [("Moscow", 55.75)]


def test_failed_write_leaves_previous_article_intact(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    save_article(db, make_article(), "t")
    broken = make_article(body="Baru.")
    broken.mentions[0].sentence_position = 7  # no such sentence: fails after the old rows are deleted
    with pytest.raises(KeyError):
        save_article(db, broken, "t")
    assert db.execute("SELECT body FROM articles").fetchall() == [("Putin tiba di Moskow.",)]
    assert db["sentences"].count == 1 and db["mentions"].count == 2


def test_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.db"):
        open_database(str(path))


def test_search_folds_diacritics(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    article = make_article(body="Delegasi tiba di São Paulo.")
    article.mentions = []
    save_article(db, article, "t")
    assert db.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'text:sao'").fetchone()[0] == 1


def test_place_mention_counts_follow_writes_and_replacements(tmp_path):
    """places.mentions is what the map shows without counting the mentions table: it must
    equal the place's rows in mentions after every write, replacement and rollback."""
    db = open_database(str(tmp_path / "a.db"))

    def counts():
        stored = dict(db.execute("select entity_id, mentions from places"))
        counted = dict(
            db.execute(
                "select entity_id, count(*) from mentions where entity_id in "
                "(select entity_id from places) group by entity_id"
            )
        )
        assert stored == {place: counted.get(place, 0) for place in stored}
        return sorted(stored.values())

    save_article(db, make_article("a1"), "t")
    save_article(db, make_article("a2", "Putin di Moskow, lalu Moskow lagi."), "t")
    assert counts() == [2]  # one Moskow mention in each (make_article gives its offsets)
    twice = make_article("a2", "Moskow dan Moskow.")
    twice.mentions = [
        Mention(0, 0, 6, "Moskow", twice.mentions[1].entity),
        Mention(0, 11, 17, "Moskow", twice.mentions[1].entity),
    ]
    save_article(db, twice, "t")  # replaces a2: its old mention goes, two come
    assert counts() == [3]
    broken = make_article("a1", "Baru.")
    broken.mentions[1].sentence_position = 7  # fails after a1's old rows and counts are taken away
    with pytest.raises(KeyError):
        save_article(db, broken, "t")  # rolled back: the counts too
    assert counts() == [3]
    db["places"].update(db.execute("select entity_id from places").fetchone()[0], {"name": "x"})
    save_article(db, make_article("a3"), "t")  # the place's row is upserted, not replaced
    assert counts() == [4]


def test_sentences_without_stems_are_refused_before_anything_is_written(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    article = make_article()
    article.sentences[0].stemmed = None
    with pytest.raises(ValueError, match="no stems"):
        save_article(db, article, "t")
    assert db["articles"].count == 0
