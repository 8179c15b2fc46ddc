"""One query layer for every page: search, the entity page, the map, the network, the
timeline, the feed and the desk are written once in ingest/serve/ (archive.py, and a module per
page) over a list of partitions, and plugins/ only route a request to them. A single file is
an archive of one partition, so it is served by the same code as a directory of partitions:

- the same seeds ingested into a single file (`ingest --db`) and as a directory archive
  (`ingest --archive`: one partition) give the same pages, JSON and CSV, apart from the
  database's name in links and the time of the ingest;
- the seeds in one file and in three partitions give the same counts, places, months, network
  and rows wherever merging is exact;
- no plugin fakes a Datasette object, walks the plugin registry or imports another plugin.
"""

import csv
import io
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from datasette.app import Datasette
from support import ROOT, SEEDS, ingest_archive

from ingest.serve.app import SETTINGS, site_file
from ingest.store.partitions import partition_files

ENTITY = "Q7747"  # Vladimir Putin: mentioned in every period of the seeds
PAGES = [
    "/search.json?q=Putin",
    "/search.json?q=Putin&order=rank",
    "/search.json?q=Putin&size=2&page=2",
    "/search.json?entity=Moskow&scope=article",
    "/search.csv?q=Putin",
    "/search.csv?q=Putin&by=month",
    "/search.csv?q=Putin&by=outlet",
    "/search.atom?q=Putin",
    "/search?q=Putin",
    f"/entity/{ENTITY}",
    f"/entity/{ENTITY}.json",
    "/map",
    "/map.json",
    "/map.json?q=Putin",
    "/network.json?top=10",
    "/network?top=10",
    "/timeline",
    "/timeline?entity=Putin",
]


def site(paths: list[Path], metadata: dict) -> Datasette:
    """The site in process, as `newsarchive serve` configures it, over `paths` (a file, or a
    directory's partitions)."""
    return Datasette(
        immutables=[str(p) for p in paths],
        metadata=metadata,
        plugins_dir=str(site_file("plugins")),
        template_dir=str(site_file("templates")),
        settings=SETTINGS,
    )


@pytest.fixture(scope="module")
def undated_seeds(seeds_archive) -> list[Path]:
    """The seeds without a date: all in one partition (undated.db) of an archive by month."""
    connection = sqlite3.connect(seeds_archive / "undated.db")
    names = sorted(Path(source).name for (source,) in connection.execute("select source from articles"))
    connection.close()
    assert len(names) > 1
    return [SEEDS / name for name in names]


@pytest.fixture(scope="module")
def one_file(undated_seeds, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("one-file") / "news.db"
    command = [sys.executable, "-m", "ingest", "ingest", *map(str, undated_seeds), "--db", str(path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def one_partition(undated_seeds, tmp_path_factory) -> list[Path]:
    folder = ingest_archive(tmp_path_factory.mktemp("one-partition") / "news", *undated_seeds)
    files = partition_files(folder)
    assert [f.name for f in files] == ["undated.db"]
    return files


INGESTED_AT = re.compile(r'"ingested_at": "[^"]*"|<updated>[^<]*</updated>')


def same_bytes(text: str, name: str) -> str:
    """A page as served, with the database's name in its links and the time of the ingest
    (a feed entry's date, for undated articles) taken out: what differs between two ingests of
    the same files into differently named databases."""
    text = re.sub(rf"/{re.escape(name)}(?=[/?\"#.])", "/DB", text)  # a link into the database
    return INGESTED_AT.sub("", text.replace(f">{name}</a>", ">DB</a>"))  # the breadcrumbs


@pytest.mark.parametrize("path", PAGES)
async def test_a_file_and_a_directory_of_one_partition_serve_the_same_page(one_file, one_partition, metadata, path):
    pages = []
    for paths, name in ((one_file, "news"), (one_partition, "undated")):
        response = await site([paths] if isinstance(paths, Path) else paths, metadata).client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        pages.append(same_bytes(response.text, name))
    assert pages[0] == pages[1]


DESK = re.compile(r'<ul class="desk">.*?</ul>', re.S)


@pytest.mark.parametrize("path", ["/", "/DB"])
async def test_a_file_and_a_directory_of_one_partition_have_the_same_desk(one_file, one_partition, metadata, path):
    """The home and database pages are Datasette's own (their titles and colours follow the
    database's name); the desk they lead with is the same."""
    desks = []
    for paths, name in (([one_file], "news"), (one_partition, "undated")):
        page = (await site(paths, metadata).client.get(path.replace("DB", name))).text
        desks.append(same_bytes(DESK.search(page).group(), name))
    assert desks[0] == desks[1] and "(3 articles)" in desks[0]


async def test_a_directory_of_one_partition_says_no_periods(one_partition, metadata):
    ds = site(one_partition, metadata)
    found = (await ds.client.get("/search.json", params={"q": "Putin", "period": "2024"})).json()
    assert found["total"] > 0 and "by_period" not in found and "period" not in found["rows"][0]
    assert found["search"] == {"q": "Putin"}  # nothing to choose between: the period is ignored
    assert '<select name="period">' not in (await ds.client.get("/search?q=Putin")).text


async def get_json(ds: Datasette, path: str, **params) -> dict:
    response = await ds.client.get(path, params=params)
    assert response.status_code == 200, response.text[:300]
    return response.json()


@pytest.fixture(scope="module")
def spanning(seeds_archive, seeds_db, metadata) -> tuple[Datasette, Datasette]:
    """The seeds in one file, and in three partitions (2024-07, 2023-09, undated)."""
    files = partition_files(seeds_archive)
    assert len(files) == 3
    return site([seeds_db], metadata), site(files, metadata)


async def test_searches_across_partitions_find_what_one_file_finds(spanning):
    one, parts = spanning
    for params in ({"q": "Putin"}, {"entity": "Moskow"}, {"q": "pertemuan", "size": "3", "page": "2"}):
        single, merged = await get_json(one, "/search.json", **params), await get_json(parts, "/search.json", **params)
        for key in ("total", "total_is", "by_outlet", "by_month", "pages"):
            assert merged[key] == single[key], (params, key)
        assert [(r["article_id"], r["sentence"]) for r in merged["rows"]] == [
            (r["article_id"], r["sentence"]) for r in single["rows"]
        ]
        assert sum(p["matches"] for p in merged["by_period"]) == single["total"]
    rows = csv.DictReader(io.StringIO((await parts.client.get("/search.csv", params={"q": "Putin"})).text))
    assert rows.fieldnames == ["published", "period", "outlet", "title", "article_url", "sentence_id", "snippet"]


async def test_the_entity_map_network_and_timeline_merge_to_what_one_file_shows(spanning):
    one, parts = spanning
    single, merged = await get_json(one, f"/entity/{ENTITY}.json"), await get_json(parts, f"/entity/{ENTITY}.json")
    assert merged["counts"] == single["counts"] and merged["months"] == single["months"]
    assert {(c["id"], c["sentences"]) for c in merged["co_mentions"]} == {
        (c["id"], c["sentences"]) for c in single["co_mentions"]
    }
    assert len(merged["by_period"]) == 3 and "by_period" not in single

    def places(found: dict) -> dict:
        return {p["entity_id"]: p["mentions"] for p in found["places"]}

    for q in ("", "Putin"):
        assert places(await get_json(parts, "/map.json", q=q)) == places(await get_json(one, "/map.json", q=q))

    single, merged = await get_json(one, "/network.json", top="10"), await get_json(parts, "/network.json", top="10")
    assert merged == single

    def events(page: str) -> list[str]:
        return re.findall(r'href="(/article/[^"]+#s\d+)"', page)

    for entity in ("", "Putin"):
        single_page = (await one.client.get("/timeline", params={"entity": entity})).text
        merged_page = (await parts.client.get("/timeline", params={"entity": entity})).text
        assert events(merged_page) == events(single_page) and events(single_page)


async def test_the_desk_counts_every_partition_as_one_file_counts_its_rows(spanning):
    """Articles, sentences and quotes each live in one partition, so their counts add up to one
    file's; an entity mentioned in several periods is a row of each of their partitions."""
    one, parts = spanning

    def counts(page: str) -> dict[str, str]:
        return {table: count for count, table in re.findall(r"\(([\d,]+) ([\w ]+)\)", page)}

    single, merged = counts((await one.client.get("/")).text), counts((await parts.client.get("/")).text)
    for table in ("articles", "sentences", "quotes"):
        assert merged[table] == single[table], table
    assert int(merged["entities"]) >= int(single["entities"])


PLUGINS = sorted((ROOT / "plugins").glob("*.py"))


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_a_plugin_only_routes_to_the_query_layer(plugin):
    """No plugin reaches another through the package's link to plugins/ (which loaded each
    plugin twice), fakes a Datasette object or finds another plugin's view in pluggy's registry."""
    source = plugin.read_text(encoding="utf-8")
    assert "ingest.site" not in source
    assert not re.search(r"^\s*(from|import) (plugins\b|\.)", source, re.M)
    others = {p.stem for p in PLUGINS} - {plugin.stem}
    assert not re.search(rf"^\s*(from|import) ({'|'.join(others)})\b", source, re.M)
    for fake in ("OnePartition", "single_archive_view", "get_plugins", "datasette.plugins"):
        assert fake not in source


def test_no_fakes_remain_in_the_package():
    for path in (ROOT / "ingest").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "OnePartition" not in source and "single_archive_view" not in source, path
    assert not (ROOT / "plugins" / "partitions.py").exists() and not (ROOT / "ingest" / "serve" / "merged.py").exists()


def test_the_query_modules_do_not_reach_into_datasette_requests():
    """The query layer takes partitions and returns dicts: it builds no responses."""
    for name in ("archive", "search_desk", "entity", "network", "places", "timeline", "desk", "article"):
        source = (ROOT / "ingest" / "serve" / f"{name}.py").read_text(encoding="utf-8")
        assert "Response" not in source and "render_template" not in source, name
