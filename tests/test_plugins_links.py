"""plugins/links.py: titles, names and ids in results link to the article and entity pages."""

import re

from support import load_plugin

links = load_plugin("links")


def test_query_columns_link_to_pages(ds):
    cell = links.render_cell(row={}, value="a b/c", column="article_id", table=None, datasette=ds)
    assert cell == '<a href="/article/a%20b%2Fc">a b/c</a>'
    cell = links.render_cell(row={}, value=7, column="entity_id", table=None, datasette=ds)
    assert cell == '<a href="/entity/7">7</a>'


def test_table_titles_and_names_link_to_pages(ds):
    row = {"id": "x1", "title": "<script>"}
    assert links.render_cell(row=row, value="<script>", column="title", table="articles", datasette=ds) == (
        '<a href="/article/x1">&lt;script&gt;</a>'
    )
    assert links.render_cell(row={"id": 3}, value="Moscow", column="name", table="entities", datasette=ds) == (
        '<a href="/entity/3">Moscow</a>'
    )


def test_other_cells_are_left_to_datasette(ds):
    assert links.render_cell(row={}, value="x", column="article_id", table="sentences", datasette=ds) is None
    assert links.render_cell(row={}, value="x", column="title", table=None, datasette=ds) is None
    assert links.render_cell(row={"id": 1}, value=None, column="title", table="articles", datasette=ds) is None


async def test_articles_table_links_titles_to_article_pages(ds, db_name, archive):
    page = (await ds.client.get(f"/{db_name}/articles")).text
    for article_id in [row["id"] for row in archive["articles"].rows]:
        assert f'href="/article/{article_id}"' in page


async def test_sentences_table_keeps_its_foreign_key_links(ds, db_name, archive):
    article_id = next(archive["sentences"].rows)["article_id"]
    page = (await ds.client.get(f"/{db_name}/sentences")).text
    assert f'href="/{db_name}/articles/{article_id}"' in page


def test_an_article_id_beside_a_sentence_position_links_to_that_sentence(ds):
    cell = links.render_cell(row={"sentence": 4}, value="x1", column="article_id", table=None, datasette=ds)
    assert cell == '<a href="/article/x1#s4">x1</a>'
    cell = links.render_cell(row={"sentence": "<b>"}, value="x1", column="article_id", table=None, datasette=ds)
    assert cell == '<a href="/article/x1">x1</a>'  # only a number makes a fragment


async def test_quotes_and_mentions_link_to_the_sentence(ds, db_name, archive):
    quote = next(
        archive.query("select q.article_id, s.position from quotes q join sentences s on s.id = q.sentence_id")
    )
    speaker = archive.execute("select speaker_id from quotes where speaker_id is not null").fetchone()[0]
    page = (await ds.client.get(f"/{db_name}/quotes_by?speaker={speaker}")).text
    assert re.search(r'href="/article/[^"#]+#s\d+"', page)
    assert quote["position"] >= 0
    entity = archive.execute("select entity_id from mentions").fetchone()[0]
    page = (await ds.client.get(f"/{db_name}/mentions_of?entity={entity}")).text
    assert re.search(r'href="/article/[^"#]+#s\d+"', page)
