"""plugins/database_alias.py: metadata.yml's `archive` section applies to any file name."""

import shutil


async def test_a_differently_named_database_gets_the_queries_and_descriptions(make_datasette, archive_db, tmp_path):
    news = tmp_path / "news.db"
    shutil.copy(archive_db, news)
    ds = make_datasette(news)
    response = await ds.client.get("/news/search.json", params={"q": "Putin", "_shape": "array"})
    assert response.status_code == 200 and response.json()
    assert 'class="column-descriptions"' in (await ds.client.get("/news/articles")).text


async def test_archive_itself_is_unchanged(ds, metadata):
    queries = (await ds.client.get("/archive.json")).json()["queries"]
    assert {query["name"] for query in queries} == set(metadata["databases"]["archive"]["queries"])
