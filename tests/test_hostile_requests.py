"""Hostile requests: the entity network at scale, and map tiles outside any map.

`/network` answered 500 at 10,000 articles (1.2 M mentions): its query counted every mention
of the top entities, Datasette cut it at 3 s (a plugin's longer limit cannot raise Datasette's)
and the interruption was not handled. Its nodes now come from the counts the ingest keeps and
its edges from the newest mentions (plugins/network.py), and an interruption is a message.
`/-/tiles/basemap/99/0/0.png` answered 500 (an OverflowError in datasette-tiles).
"""

import sqlite3

import pytest
from datasette.app import Datasette

from ingest.serve import network
from ingest.serve.app import SETTINGS, site_file


def crowded(source, path, mentions: int = 300_000):
    """A copy of the archive at `source` with `mentions` more mentions, of its most mentioned
    entities in its existing sentences: enough that counting them takes longer than 20 ms."""
    connection = sqlite3.connect(source)
    copy = sqlite3.connect(path)
    connection.backup(copy)
    connection.close()
    copy.execute(
        """insert into mentions (entity_id, article_id, sentence_id, char_start, char_end, surface)
        with recursive n(i) as (select 0 union all select i + 1 from n where i < ?),
        top as (select id, row_number() over (order by mentions desc) - 1 as k from entities limit 8),
        s as (select id, article_id, row_number() over (order by id) - 1 as k from sentences)
        select top.id, s.article_id, s.id, 0, 1, 'x' from n
        join top on top.k = n.i % 8
        join s on s.k = (n.i / 8) % (select count(*) from sentences)""",
        [mentions - 1],
    )
    copy.commit()
    copy.execute("PRAGMA journal_mode = DELETE")
    copy.close()
    return path


def hurried(paths, metadata) -> Datasette:
    """The site, as served, over `paths`, with a 20 ms time limit: Datasette's own queries pass,
    counting 300,000 mentions does not."""
    return Datasette(
        immutables=[str(p) for p in paths],
        metadata=metadata,
        plugins_dir=str(site_file("plugins")),
        template_dir=str(site_file("templates")),
        settings={**SETTINGS, "sql_time_limit_ms": 20},
    )


@pytest.fixture(scope="module")
def crowded_db(archive_db, tmp_path_factory):
    return crowded(archive_db, tmp_path_factory.mktemp("crowded") / "archive.db")


@pytest.mark.slow  # 300,000 mentions written
@pytest.mark.parametrize("path", ["/network", "/network?top=300", "/network.json"])
async def test_a_network_cut_off_at_the_time_limit_is_a_message_not_a_500(crowded_db, metadata, path):
    response = await hurried([crowded_db], metadata).client.get(path)
    assert response.status_code == 200, response.text[:300]
    if path.endswith(".json"):
        assert response.json()["error"] == network.INTERRUPTED
        assert response.json()["nodes"] == []
    else:
        assert "took longer to count than the server allows" in response.text


@pytest.mark.slow  # 300,000 mentions written
async def test_the_network_across_partitions_too(seeds_archive, metadata, tmp_path):
    partitions = sorted(seeds_archive.glob("*.db"))
    assert len(partitions) > 1
    copies = [crowded(p, tmp_path / p.name, 300_000 if i == 0 else 1) for i, p in enumerate(partitions)]
    response = await hurried(copies, metadata).client.get("/network.json")
    assert response.status_code == 200 and response.json()["error"] == network.INTERRUPTED


def test_the_network_reads_kept_counts_and_a_bounded_window(archive_db):
    """No query of the page reads every mention: the nodes read `entities`, the edges the
    top entities' mentions among the newest SAMPLE_MENTIONS (a range of the index)."""
    connection = sqlite3.connect(archive_db)

    def plan(sql: str, params=()) -> str:
        return " | ".join(row[3] for row in connection.execute(f"explain query plan {sql}", params))

    nodes = plan(network.NODES_SQL.format(types="'person', 'place'"), {"top": 50})
    assert "mentions" not in nodes, nodes
    edges = plan(network.EDGES_SQL.format(ids="1, 2, 3"))
    assert "SEARCH m1 USING INDEX idx_mentions_entity_id (entity_id=? AND rowid>?)" in edges, edges
    connection.close()


async def test_the_network_still_shows_the_archive(ds, archive):
    data = (await ds.client.get("/network.json?top=5")).json()
    top = list(archive.query("select id, mentions from entities order by mentions desc, id limit 5"))
    assert [(n["id"], n["mentions"]) for n in data["nodes"]] == [(r["id"], r["mentions"]) for r in top]
    assert data["sampled"] is False and data["edges"]


@pytest.mark.parametrize(
    "path",
    [
        "/-/tiles/basemap/99/0/0.png",
        "/-/tiles/basemap/3/0/99.png",
        "/-/tiles/basemap/4/16/0.png",
        "/-/tiles-tms/basemap/64/0/0.png",
        "/-/tiles-stack/99/0/0.png",
        "/-/tiles/basemap/1/" + "9" * 5000 + "/0.png",
    ],
)
async def test_a_tile_outside_the_map_is_404(ds, path):
    assert (await ds.client.get(path)).status_code == 404


async def test_tiles_inside_the_map_are_still_served(ds):
    response = await ds.client.get("/-/tiles/basemap/0/0/0.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
