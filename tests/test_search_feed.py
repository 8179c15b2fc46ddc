"""/search.atom (plugins/search_feed.py): any search as an Atom feed of its newest matches,
parsed here as Atom: the namespace, the feed's id, title, updated and links, and one entry per
match linking to the article page at that sentence."""

import re
from datetime import datetime
from xml.etree import ElementTree as ET

import pytest
from support import article_from_sentences, copy_with_article

A = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    return root


def is_timestamp(text: str) -> bool:
    return bool(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def test_the_feed_is_atom_with_an_entry_per_newest_match(http):
    data = http.get("/search.json", params={"q": "Putin", "size": 50}).json()
    root = parse(http.get("/search.atom", params={"q": "Putin"}))
    for tag in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{tag}") is not None, tag
    assert "Putin" in root.find(f"{A}title").text and is_timestamp(root.find(f"{A}updated").text)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links["self"].endswith("/search.atom?q=Putin") and links["alternate"].endswith("/search?q=Putin")
    entries = root.findall(f"{A}entry")
    assert len(entries) == min(data["total"], 50) == len(data["rows"])
    for entry, row in zip(entries, data["rows"]):
        link = entry.find(f"{A}link").get("href")
        assert link.endswith(row["article_url"]) and link.startswith("http")
        assert entry.find(f"{A}id").text == link and entry.find(f"{A}title").text == row["title"]
        assert is_timestamp(entry.find(f"{A}updated").text)
        summary = entry.find(f"{A}summary")
        assert summary.get("type") == "text" and summary.text.endswith(row["text"])
        assert http.get(link.split("#")[0].removeprefix(str(http.base_url).rstrip("/"))).status_code == 200


def test_filters_apply_to_the_feed(http):
    narrowed = http.get("/search.json", params={"q": "Putin", "entity": "Moskow"}).json()["total"]
    root = parse(http.get("/search.atom", params={"q": "Putin", "entity": "Moskow"}))
    assert (
        len(root.findall(f"{A}entry")) == narrowed < len(parse(http.get("/search.atom?q=Putin")).findall(f"{A}entry"))
    )


def test_the_search_page_links_its_feed(http):
    page = http.get("/search", params={"q": "Putin", "outlet": "disway.id"}).text
    href = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]* href="([^"]+)"', page).group(1)
    root = parse(http.get(href.replace("&amp;", "&")))
    assert {e.find(f"{A}title").text for e in root.findall(f"{A}entry")}
    assert "disway.id" in root.find(f"{A}title").text


def test_an_empty_search_is_an_empty_feed(http):
    assert parse(http.get("/search.atom")).findall(f"{A}entry") == []


@pytest.fixture
def control_characters(make_datasette, archive_db, tmp_path):
    title = "<script>alert(1)</script> Judul \x0b & \x01 “kutipan”"
    article = article_from_sentences(
        "control-chars",
        title,
        ["Warga zebrakuda \x0c di Moskow <b>heboh</b> & \x1f senang."],
        [],
        published="2024-01-02",
    )
    copy_with_article(archive_db, tmp_path / "archive.db", article).close()
    return make_datasette(tmp_path / "archive.db")


async def test_markup_is_text_and_characters_xml_cannot_hold_are_dropped(control_characters):
    root = parse(await control_characters.client.get("/search.atom?q=zebrakuda"))
    (entry,) = root.findall(f"{A}entry")
    assert entry.find(f"{A}title").text == "<script>alert(1)</script> Judul  &  “kutipan”"
    assert "Moskow <b>heboh</b> &  senang." in entry.find(f"{A}summary").text
    assert entry.find(f"{A}updated").text == "2024-01-02T00:00:00Z"
