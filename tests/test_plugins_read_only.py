"""plugins/read_only.py: only reads reach Datasette."""


async def test_writes_are_refused_and_reads_pass(ds, db_name):
    assert (await ds.client.post(f"/{db_name}/articles", data={"x": "1"})).status_code == 405
    assert (await ds.client.get(f"/{db_name}/articles.json")).status_code == 200
