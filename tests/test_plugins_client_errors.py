"""plugins/client_errors.py: bad sorting is a 400, with Datasette's usual error page."""

import pytest


@pytest.mark.parametrize("params", [{"_sort": "nope"}, {"_sort_desc": "nope"}, {"_sort": "id", "_sort_desc": "id"}])
async def test_bad_sort_is_400(ds, db_name, params):
    response = await ds.client.get(f"/{db_name}/articles.json", params=params)
    assert response.status_code == 400 and response.json()["ok"] is False
    page = await ds.client.get(f"/{db_name}/articles", params=params)
    assert page.status_code == 400 and "Cannot" in page.text


async def test_other_errors_keep_their_status(ds, db_name):
    assert (await ds.client.get(f"/{db_name}/no_such_table")).status_code == 404
