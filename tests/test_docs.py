"""The docs cannot drift: the README's generated parts are current, every command, route and
canned query is documented, and every SQL example runs on the seeds archive."""

import io
import re

import pytest
import yaml
from cogapp import Cog
from support import ROOT, load_plugin, site_sql

from ingest.cli import cli
from ingest.serve.app import site_file

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SERVING = (ROOT / "docs" / "serving.md").read_text(encoding="utf-8")
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def test_the_generated_parts_of_the_readme_are_current(evaluated):
    """`cog --check README.md`, in this process: the quality tables read the session's evaluation runs."""
    cog, output = Cog(), io.StringIO()
    cog.set_output(stdout=output, stderr=output)
    assert cog.main(["cog", "--check", str(ROOT / "README.md")]) == 0, f"run `make docs`:\n{output.getvalue()}"


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"newsarchive {command} " in readme and f"$ newsarchive {command} --help" in readme


def documented_paths() -> list[str]:
    """Every URL in the first column of docs/serving.md's tables, placeholders filled in."""
    paths = []
    for line in SERVING.splitlines():
        if line.startswith("| `/"):
            for url in re.findall(r"`(/[^`]*)`", line.split("|")[1]):
                paths.append(re.sub(r"<[^>]+>", "x", url.split("?")[0]))
    return paths


def plugin_routes() -> list[str]:
    routes = []
    for path in sorted(site_file("plugins").glob("*.py")):
        register = getattr(load_plugin(path.stem), "register_routes", None)
        routes += [pattern for pattern, _view in (register() if register else [])]
    return routes


@pytest.mark.parametrize("pattern", plugin_routes())
def test_every_route_is_documented(pattern):
    assert any(re.match(pattern, path) for path in documented_paths()), f"{pattern} is not in docs/serving.md"


def test_every_documented_page_is_a_route_or_datasettes_own():
    for path in documented_paths():
        assert path == "/" or path.startswith("/archive") or any(re.match(p, path) for p in plugin_routes()), path


def test_every_canned_query_is_documented():
    metadata = yaml.safe_load(site_file("metadata.yml").read_text(encoding="utf-8"))
    for name in metadata["databases"]["archive"]["queries"]:
        assert f"`/archive/{name}" in SERVING, name


def sql_examples():
    for doc in DOCS:
        for number, block in enumerate(SQL_BLOCK.findall(doc.read_text(encoding="utf-8"))):
            yield pytest.param(block, id=f"{doc.name}-{number}")


@pytest.mark.parametrize("sql", list(sql_examples()))
def test_every_sql_example_runs_on_the_seeds_archive(seeds_db, sql):
    connection = site_sql(seeds_db)  # with the SQL functions the served site adds
    rows = connection.execute(sql.strip().rstrip(";")).fetchall()
    connection.close()
    assert rows, "an example should show something on the seeds"


def test_the_docs_name_no_files_that_do_not_exist():
    for doc in DOCS:
        for name in re.findall(
            r"`((?:ingest|tests|bench|plugins|docs|templates)/[\w./-]+\.(?:py|md|yml|csv|png))`",
            doc.read_text(encoding="utf-8"),
        ):
            assert (ROOT / name).exists(), f"{doc.name} names {name}"
