"""plugins/kept_facets.py: the mentions table's entity facet reads entities.mentions when the
table is unfiltered and counts the rows when it is filtered; either way the same values and
counts as Datasette's column facet."""


def column_facet(archive, where="1", params=()):
    return [
        (r[0], r[1])
        for r in archive.execute(
            f"select entity_id, count(*) as n from mentions where {where} group by entity_id "
            "order by n desc, entity_id limit 30",
            params,
        )
    ]


async def test_unfiltered_counts_are_the_kept_ones_and_equal_the_counted(ds, db_name, archive):
    data = (await ds.client.get(f"/{db_name}/mentions.json")).json()
    facet = data["facet_results"]["entity_id"]
    assert facet["type"] == "kept"
    assert [(r["value"], r["count"]) for r in facet["results"]] == column_facet(archive)
    top = facet["results"][0]
    name = archive.execute("select name from entities where id = ?", [top["value"]]).fetchone()[0]
    assert top["label"] == name and f"entity_id={top['value']}" in top["toggle_url"]


async def test_filtered_counts_are_counted(ds, db_name, archive):
    article = archive.execute("select article_id from mentions limit 1").fetchone()[0]
    data = (await ds.client.get(f"/{db_name}/mentions.json", params={"article_id": article})).json()
    facet = data["facet_results"]["entity_id"]
    assert [(r["value"], r["count"]) for r in facet["results"]] == column_facet(archive, "article_id = ?", [article])
