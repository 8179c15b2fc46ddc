"""An install that works anywhere: a wheel built from the repository, installed in a fresh
venv, ingests and serves from a folder that is not the checkout, with the metadata, plugins,
templates and evaluation set it carries as package data."""

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest
from support import ROOT, SEEDS

from ingest.serve.app import ServerProcess, free_port


def checkout_copy(destination: Path) -> Path:
    """The repository's files as a clean clone would have them (tracked and new, not ignored)."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source, target = ROOT / name, destination / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet in git
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(source.readlink())
        else:
            shutil.copy2(source, target)
    return destination


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with the wheel installed."""
    work = tmp_path_factory.mktemp("install")
    source = checkout_copy(work / "source")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(source), "-w", str(work)],
        check=True,
        capture_output=True,
    )
    (wheel,) = work.glob("newsarchive-*.whl")
    venv.create(work / "venv", with_pip=True)
    bin_dir = work / "venv" / "bin"
    result = subprocess.run([bin_dir / "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return bin_dir


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
