"""An install that works anywhere: a wheel built from the repository, installed in a fresh
venv, ingests and serves from a folder that is not the checkout, with the metadata, plugins,
templates and evaluation set it carries as package data."""

import shutil
import subprocess
import venv
from pathlib import Path

import httpx
import pytest
from support import ROOT, SEEDS

from ingest.serve.app import ServerProcess, free_port


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with the wheel (conftest's, built once a session) installed."""
    folder = tmp_path_factory.mktemp("venv")
    venv.create(folder, with_pip=True)
    result = subprocess.run([folder / "bin" / "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return folder / "bin"


def test_the_wheel_carries_the_site_and_the_evaluation_set(installed, tmp_path):
    result = subprocess.run(
        [
            installed / "python",
            "-c",
            "from ingest.serve.app import site_file; "
            "print(*(site_file(n) for n in ('metadata.yml', 'plugins', 'templates', 'seeds')))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    for path in map(Path, result.stdout.split()):
        assert path.exists() and "site-packages" in str(path) and not path.is_symlink(), path
    check = subprocess.run(
        [installed / "python", "-m", "ingest.evaluate.realset", "check"], cwd=tmp_path, capture_output=True, text=True
    )
    assert check.returncode == 0 and ", 0 problems" in check.stdout, check.stdout


def test_the_installed_command_ingests_and_serves_from_another_folder(installed, tmp_path):
    news = tmp_path / "news"
    shutil.copytree(SEEDS, news)
    ingest = subprocess.run(
        [installed / "newsarchive", "ingest", "news", "--db", "mine.db"], cwd=tmp_path, capture_output=True, text=True
    )
    assert ingest.returncode == 0, ingest.stderr
    assert f"{len(list(SEEDS.glob('*.txt')))} new" in ingest.stdout
    port = free_port()
    server = ServerProcess(
        [str(installed / "newsarchive"), "serve", "--db", "mine.db", "--port", str(port)],
        port,
        tmp_path / "serve.log",
        cwd=tmp_path,
    ).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30, follow_redirects=True) as http:
            plugins = {plugin["name"] for plugin in http.get("/-/plugins.json").json()}
            assert {path.name for path in (ROOT / "plugins").glob("*.py")} <= plugins
            articles = http.get("/mine/articles.json", params={"_shape": "array"}).json()
            assert len(articles) == len(list(SEEDS.glob("*.txt")))
            search = http.get("/search", params={"q": "Vostochny"})
            assert search.status_code == 200 and "Vostochny" in search.text
            queries = {query["name"] for query in http.get("/mine.json").json()["queries"]}
            assert {"search", "places_map"} <= queries  # metadata.yml, applied to a database of another name
            assert http.get(f"/article/{articles[0]['id']}").status_code == 200  # templates
            assert http.get("/map").status_code == 200
    finally:
        server.stop()
