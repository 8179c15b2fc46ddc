"""plugins/entity_page.py and ingest/serve/entity.py: /entity/<id or key>."""

import html

from support import article_from_sentences, save

from ingest.models import Entity
from ingest.store.schema import open_database


async def test_entity_page_by_id_and_by_key(ds, archive):
    entity = next(archive["entities"].rows_where("wikidata is not null"))
    mentions = archive["mentions"].count_where("entity_id = ?", [entity["id"]])
    for key in [entity["id"], entity["key"]]:
        page = (await ds.client.get(f"/entity/{key}")).text
        assert f"<h1>{html.escape(entity['name'])}</h1>" in page
        assert f'href="https://www.wikidata.org/wiki/{entity["wikidata"]}"' in page
        assert f'<strong class="mention-count">{mentions}</strong>' in page


async def test_entity_page_lists_co_mentions_and_links_to_the_queries(ds, db_name, archive):
    entity_id, other_id = archive.execute(
        """select a.entity_id, b.entity_id from mentions a join mentions b
           on b.sentence_id = a.sentence_id and b.entity_id != a.entity_id limit 1"""
    ).fetchone()
    page = (await ds.client.get(f"/entity/{entity_id}")).text
    assert f'href="/entity/{other_id}"' in page
    for query in ["mentions_of", "co_mentions", "entity_timeline"]:
        assert f'href="/{db_name}/{query}?entity={entity_id}"' in page


async def test_unknown_entity_is_404(ds):
    assert (await ds.client.get("/entity/123456789")).status_code == 404


async def test_names_are_escaped_and_only_real_wikidata_ids_are_linked(make_datasette, tmp_path):
    db = open_database(str(tmp_path / "archive.db"))
    bad = Entity("person:bad", "<b>Bad</b>", "person", "javascript:alert(1)")
    save(db, article_from_sentences("a1", "t", ["Bad datang."], [(0, "Bad", bad)]))
    db.close()
    page = (await make_datasette(tmp_path / "archive.db").client.get("/entity/person:bad")).text
    assert "&lt;b&gt;Bad&lt;/b&gt;" in page and "<b>Bad" not in page
    assert "javascript:" not in page


def test_the_lists_are_the_same_however_they_are_read(archive_db, monkeypatch):
    """An often mentioned entity's first mentions come from its first dates' articles, and its
    co-mentions from its latest mentions' sentences: the same as read directly when those
    cover everything, and said to be a sample when they do not."""
    import asyncio
    import sqlite3

    from ingest.serve import entity as entity_page

    connection = sqlite3.connect(archive_db)
    connection.row_factory = sqlite3.Row

    async def execute(sql, params):
        return connection.execute(sql, params).fetchall()

    entity = connection.execute("select id from entities order by mentions desc limit 1").fetchone()[0]
    direct = asyncio.run(entity_page.gather(execute, entity))
    assert not direct["co_mentions_sampled"] and direct["counts"]["mentions"] <= entity_page.DIRECT
    monkeypatch.setattr(entity_page, "DIRECT", 0)
    monkeypatch.setattr(entity_page, "SHOWN_MENTIONS", 3)
    dated = asyncio.run(entity_page.gather(execute, entity))
    assert dated["mentions"] == direct["mentions"][:3]
    monkeypatch.setattr(entity_page, "SAMPLE", 2)
    sampled = asyncio.run(entity_page.gather(execute, entity))
    assert sampled["co_mentions_sampled"] and sampled["sample"] == 2
    assert sum(c["sentences"] for c in sampled["co_mentions"]) <= sum(c["sentences"] for c in direct["co_mentions"])
    connection.close()
