"""plugins/network_page.py and ingest/serve/network.py: /network, the entity co-mention network, over HTTP and in a browser."""

import html
import re

import pytest
from test_browser import browser, page  # noqa: F401  (fixtures: headless chromium, offline)

from ingest.serve import network as network_page


def expected_nodes(archive, top: int, types=("person", "organization", "place")) -> list[dict]:
    marks = ",".join("?" * len(types))
    return list(
        archive.query(
            f"""select e.id, e.name, e.type, count(*) as mentions from mentions m join entities e on e.id = m.entity_id
            where e.type in ({marks}) group by e.id order by mentions desc, e.id limit ?""",
            [*types, top],
        )
    )


def expected_edges(archive, ids: set[int]) -> dict[tuple[int, int], int]:
    edges: dict[tuple[int, int], set[int]] = {}
    for sentence_id, a, b in archive.execute(
        """select m1.sentence_id, m1.entity_id, m2.entity_id from mentions m1
               join mentions m2 on m2.sentence_id = m1.sentence_id and m2.entity_id > m1.entity_id"""
    ):
        if a in ids and b in ids:
            edges.setdefault((a, b), set()).add(sentence_id)
    return {pair: len(sentences) for pair, sentences in edges.items()}


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, network_page.DEFAULT_TOP),
        ("10", 10),
        ("0", 1),
        ("-4", 1),
        ("99999", network_page.MAX_TOP),
        ("x", network_page.DEFAULT_TOP),
        ("1e3", network_page.DEFAULT_TOP),
    ],
)
def test_top_is_a_bounded_number(value, expected):
    assert network_page.parse_top(value) == expected


def test_types_are_a_subset_of_the_three():
    assert network_page.parse_types("person,place") == ["person", "place"]
    assert network_page.parse_types("'; drop table x") == list(network_page.TYPES)
    assert network_page.parse_types(None) == list(network_page.TYPES)


@pytest.mark.parametrize("top", [5, 12, 300])
def test_network_json_matches_the_database(http, archive, top):
    data = http.get("/network.json", params={"top": top}).json()
    nodes = expected_nodes(archive, top)
    assert [(n["id"], n["name"], n["type"], n["mentions"]) for n in data["nodes"]] == [
        (n["id"], n["name"], n["type"], n["mentions"]) for n in nodes
    ]
    assert all(node["url"] == f"/entity/{node['id']}" for node in data["nodes"])
    edges = {(e["source"], e["target"]): e["weight"] for e in data["edges"]}
    assert edges == expected_edges(archive, {n["id"] for n in nodes})
    assert edges, "the seeds' top entities share sentences"


def test_network_filters_by_type(http, archive):
    data = http.get("/network.json", params={"top": 10, "type": "person"}).json()
    assert data["types"] == ["person"] and {n["type"] for n in data["nodes"]} == {"person"}
    assert [n["id"] for n in data["nodes"]] == [n["id"] for n in expected_nodes(archive, 10, ("person",))]


@pytest.mark.parametrize("params", [{"top": "<script>"}, {"type": "<img src=x onerror=alert(1)>"}, {"top": ""}])
def test_network_page_accepts_any_input(http, params):
    response = http.get("/network", params=params)
    assert response.status_code == 200 and "<img src=x" not in response.text


def test_network_page_lists_nodes_and_embeds_escaped_data(http, archive):
    page = http.get("/network", params={"top": 8}).text
    for node in expected_nodes(archive, 8):
        assert f'<a href="/entity/{node["id"]}">{html.escape(node["name"])}</a>' in page
    data = re.search(r'<script type="application/json" id="network-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data  # names are JSON-escaped inside the script element
    assert "cdn" not in page.lower() and not re.search(r'<script[^>]+src="https?://', page)


def test_network_page_draws_every_node_and_links_to_entity_pages(page, archive, screenshots):  # noqa: F811
    top = 15
    nodes = expected_nodes(archive, top)
    edges = expected_edges(archive, {n["id"] for n in nodes})
    page.goto(f"/network?top={top}")
    page.wait_for_selector(f"#network[data-drawn='{len(nodes)}']")
    drawn = page.locator("#network a.node")
    assert drawn.count() == len(nodes) == page.locator("#network a.node circle").count()
    assert page.locator("#network line").count() == len(edges)
    ids = [int(i) for i in drawn.evaluate_all("links => links.map(a => a.getAttribute('data-entity-id'))")]
    assert ids == [n["id"] for n in nodes]
    inside = page.evaluate("""() => { const box = document.querySelector('#network').viewBox.baseVal;
        return [...document.querySelectorAll('#network circle')].every(c =>
            c.cx.baseVal.value >= 0 && c.cx.baseVal.value <= box.width &&
            c.cy.baseVal.value >= 0 && c.cy.baseVal.value <= box.height); }""")
    assert inside
    page.screenshot(path=screenshots / "network.png")  # docs/ with `make screenshots`
    target = nodes[0]
    page.locator(f"#network a.node[data-entity-id='{target['id']}'] circle").click()
    page.wait_for_url(f"**/entity/{target['id']}")
    assert page.locator("h1").inner_text() == target["name"]
