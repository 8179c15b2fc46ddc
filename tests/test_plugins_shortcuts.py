"""plugins/shortcuts.py and plugins/map_page.py: /passages leads to the served database's
`shared_passages` query; /map is a page of its own, linking to the `places_map` query."""


async def test_passages_redirects_with_its_query_string(ds, db_name):
    response = await ds.client.get("/passages?cluster=4")
    assert response.status_code == 302 and response.headers["location"] == f"/{db_name}/shared_passages?cluster=4"


async def test_map_is_a_page_that_links_to_its_query(ds, db_name):
    response = await ds.client.get("/map")
    assert response.status_code == 200 and 'class="places-map"' in response.text
    assert f'href="/{db_name}/places_map"' in response.text
    assert f'href="/{db_name}/places_map?q=Kim+Jong"' in (await ds.client.get("/map?q=Kim+Jong")).text
    assert '<select name="period">' not in response.text  # one file: no periods to choose between
