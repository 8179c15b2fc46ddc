"""End to end: seeds/ through the real CLI into a real SQLite file."""

import sqlite3

import pytest

PLACES = {  # name: (latitude, longitude), from well-known coordinates
    "Pyongyang": (39.03, 125.75),
    "Vladivostok": (43.11, 131.87),
    "Vostochny Cosmodrome": (51.884, 128.334),
    "Moscow": (55.75, 37.62),
}


@pytest.fixture(scope="module")
def db(seeds_db):
    connection = sqlite3.connect(seeds_db)
    yield connection
    connection.close()


def scalar(db, sql, *params):
    return db.execute(sql, params).fetchone()[0]


def test_every_seed_is_an_article_with_sentences_and_mentions(db):
    assert scalar(db, "SELECT count(*) FROM articles") == 5
    assert scalar(db, "SELECT count(*) FROM articles WHERE sentence_count = 0 OR mention_count = 0") == 0
    assert scalar(db, "SELECT count(*) FROM sentences") == scalar(db, "SELECT sum(sentence_count) FROM articles")
    assert scalar(db, "SELECT count(*) FROM mentions") == scalar(db, "SELECT sum(mention_count) FROM articles")
    types = dict(db.execute("SELECT type, count(*) FROM entities GROUP BY type").fetchall())
    assert set(types) == {"person", "organization", "place"}


def test_sentence_offsets_point_into_the_body(db):
    rows = db.execute(
        "SELECT a.body, s.char_start, s.char_end, s.text FROM sentences s JOIN articles a ON a.id = s.article_id"
    ).fetchall()
    assert rows
    for body, start, end, text in rows:
        assert body[start:end] == text


def test_mention_offsets_point_into_the_sentence(db):
    rows = db.execute(
        "SELECT s.text, m.char_start, m.char_end, m.surface, m.article_id, s.article_id "
        "FROM mentions m JOIN sentences s ON s.id = m.sentence_id"
    ).fetchall()
    assert rows
    for text, start, end, surface, article, sentence_article in rows:
        assert text[start:end] == surface
        assert article == sentence_article


def entity_of(db, surface):
    return {
        row[0]
        for row in db.execute(
            "SELECT e.name FROM mentions m JOIN entities e ON e.id = m.entity_id WHERE m.surface = ?", [surface]
        )
    }


def test_spellings_of_one_thing_are_one_entity(db):
    assert entity_of(db, "Kim Jong Un") == entity_of(db, "Kim Jong-un") == entity_of(db, "Kim") == {"Kim Jong Un"}
    assert entity_of(db, "Korea Utara") == entity_of(db, "Korut") == entity_of(db, "DPRK") == {"North Korea"}
    assert entity_of(db, "AS") == entity_of(db, "Amerika Serikat") == entity_of(db, "Amerika") == {"United States"}
    assert entity_of(db, "Moskow") == {"Moscow"}
    assert entity_of(db, "Putin") == {"Vladimir Putin"}


def test_wikidata_ids_where_known(db):
    wikidata = dict(db.execute("SELECT name, wikidata FROM entities WHERE wikidata IS NOT NULL").fetchall())
    assert wikidata["Vladimir Putin"] == "Q7747"
    assert wikidata["Kim Jong Un"] == "Q56226"
    assert wikidata["North Korea"] == "Q423"


@pytest.mark.parametrize("name", sorted(PLACES))
def test_the_four_places_are_on_the_map(db, name):
    latitude, longitude = db.execute("SELECT latitude, longitude FROM places WHERE name = ?", [name]).fetchone()
    assert latitude == pytest.approx(PLACES[name][0], abs=0.1)
    assert longitude == pytest.approx(PLACES[name][1], abs=0.1)


def test_read_also_links_are_not_mentions(db):
    # "BACA JUGA:Cak Imin Minta ... KPK" and "Baca juga: ... Dmitry Muratov" are furniture.
    assert scalar(db, "SELECT count(*) FROM furniture WHERE kind = 'read_also'") >= 4
    for surface in ("Cak Imin", "KPK", "Dmitry Muratov", "Wulan Guritno"):
        assert not entity_of(db, surface)
        assert scalar(db, "SELECT count(*) FROM articles WHERE instr(body, ?)", surface) == 0


def test_metadata_from_the_text(db):
    rows = {row[0]: row[1:] for row in db.execute("SELECT source, outlet, published, language FROM articles")}
    by_name = {source.rsplit("/", 1)[-1][:3]: values for source, values in rows.items()}
    assert by_name["000"][0] == "disway.id"
    assert by_name["001"][1] == "2024-07-27"
    assert by_name["002"][0] == "visitaaponce.com"
    assert by_name["003"][:2] == ("nusantaratv.com", "2023-09-05")
    assert {values[2] for values in rows.values()} == {"id"}


def test_full_text_search_is_wired_and_stemmed(db):
    assert scalar(db, "SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'Vostochny'") >= 1
    # "pertemuan" and "bertemu" share the stem "temu"
    bertemu = scalar(db, "SELECT count(*) FROM sentences WHERE text LIKE '%bertemu%'")
    assert scalar(db, "SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH 'stemmed:temu'") >= bertemu > 0
    assert scalar(db, "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'Pyongyang'") >= 3


def test_database_passes_integrity_checks(db):
    assert scalar(db, "PRAGMA integrity_check") == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    db.execute("INSERT INTO sentences_fts(sentences_fts, rank) VALUES ('integrity-check', 1)")
    db.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")
