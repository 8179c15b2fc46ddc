"""The counts kept as articles are written (migration 0006, store.save_desk_counts): always
what counting the mentions table gives, through new, replaced and failed articles, and
`entity_names` answering from them as it did from the mentions."""

import pytest
from support import article_from_sentences, save

from ingest.models import DatedMention, Entity
from ingest.store.articles import refresh_desk_counts, save_article
from ingest.store.schema import open_database

PUTIN = Entity("Q7747", "Vladimir Putin", "person", "Q7747")
KIM = Entity("Q56226", "Kim Jong Un", "person", "Q56226")


def counted(db) -> tuple[set, set, set]:
    """entity_dates, entity_spellings and dated_months as a fresh count would make them."""
    dates = set(
        db.execute(
            """select m.entity_id, coalesce(a.published, ''), count(*), count(distinct m.article_id)
               from mentions m join articles a on a.id = m.article_id group by 1, 2"""
        ).fetchall()
    )
    spellings = set(db.execute("select entity_id, surface, count(*) from mentions group by 1, 2").fetchall())
    months = set(
        db.execute(
            "select substr(date_start, 1, 7), count(*) from dated_mentions where date_start is not null group by 1"
        ).fetchall()
    )
    return dates, spellings, months


def kept(db) -> tuple[set, set, set]:
    return (
        set(db.execute("select entity_id, published, mentions, articles from entity_dates").fetchall()),
        set(db.execute("select entity_id, surface, mentions from entity_spellings").fetchall()),
        set(db.execute("select month, events from dated_months where events > 0").fetchall()),
    )


def article(article_id, published, names):
    text = " ".join(name for name, _ in names) + " bertemu."
    dates = [DatedMention(0, 0, 1, "x", published, published, "day", False)] if published else []
    return article_from_sentences(
        article_id, "t", [text], [(0, n, e) for n, e in names], published=published, dates=dates
    )


def test_kept_counts_follow_new_replaced_and_failed_articles(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    save(db, article("a1", "2024-01-02", [("Putin", PUTIN), ("Kim", KIM)]))
    save(db, article("a2", "2024-01-02", [("Putin", PUTIN), ("Vladimir Putin", PUTIN)]))
    save(db, article("a3", None, [("Putin", PUTIN)]))
    putin = db.execute("select id from entities where key = 'Q7747'").fetchone()[0]
    assert kept(db) == counted(db)
    assert (putin, "2024-01-02", 3, 2) in kept(db)[0] and (putin, "", 1, 1) in kept(db)[0]
    save(db, article("a2", "2025-05-05", [("Kim", KIM)]))  # replaced: other date, other entity
    assert kept(db) == counted(db)
    assert all(m > 0 for *_, m, _ in kept(db)[0]) and all(m > 0 for *_, m in kept(db)[1])  # none left at zero
    assert ("2024-01", 1) in kept(db)[2] and ("2025-05", 1) in kept(db)[2]
    broken = article("a1", "2020-01-01", [("Putin", PUTIN)])
    broken.mentions[0].sentence_position = 9
    before = kept(db)
    with pytest.raises(KeyError):
        save_article(db, broken, "t")  # rolled back, counts too
    assert kept(db) == before == counted(db)
    db.execute("delete from entity_dates")
    db.execute("delete from dated_months")
    refresh_desk_counts(db)
    assert kept(db) == counted(db)


def test_entity_names_finds_every_spelling_the_articles_use(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    save(db, article("a1", "2024-01-02", [("Putin", PUTIN), ("Kim", KIM)]))
    moscow = Entity("geonames:524901", "Moscow", "place", "Q649")
    save(db, article("a2", None, [("Moskow", moscow)]))
    ids = dict(db.execute("select key, id from entities").fetchall())

    def named(term):
        return {r[0] for r in db.execute("select entity_id from entity_names where term = ? collate nocase", [term])}

    for term, key in [("moskow", "geonames:524901"), ("Moscow", "geonames:524901"), ("Q649", "geonames:524901")]:
        assert named(term) == {ids[key]}, term
    assert named("putin") == {ids["Q7747"]} and named(str(ids["Q56226"])) == {ids["Q56226"]}
    save(db, article("a2", None, [("Moskva", moscow)]))  # the old spelling is no longer used
    assert named("Moskow") == set() and named("Moskva") == {ids["geonames:524901"]}
    plan = " ".join(r[3] for r in db.execute("explain query plan select * from entity_names where term = 'x'"))
    assert "SCAN mentions" not in plan
