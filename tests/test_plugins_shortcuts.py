"""plugins/shortcuts.py: /map and /passages lead to the served database's queries."""


async def test_map_redirects_with_its_query_string(ds, db_name):
    response = await ds.client.get("/map?q=Kim+Jong")
    assert response.status_code == 302 and response.headers["location"] == f"/{db_name}/places_map?q=Kim+Jong"


async def test_map_redirects_to_places_map(ds, db_name):
    response = await ds.client.get("/map")
    assert response.status_code == 302 and response.headers["location"] == f"/{db_name}/places_map"
