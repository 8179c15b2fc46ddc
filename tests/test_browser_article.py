"""The article page in a real browser: /article/<id>#s<n> lands on sentence n, highlighted; the
quotes list links to the quote's sentence; the page furniture is folded until opened."""

from test_browser import browser, page  # noqa: F401  (fixtures: headless chromium, a watched page)


def test_a_sentence_link_lands_on_that_sentence_highlighted(page, archive):
    article_id = archive.execute("select id from articles order by sentence_count desc").fetchone()[0]
    text = archive.execute("select text from sentences where article_id = ? and position = 3", [article_id]).fetchone()[
        0
    ]
    page.goto(f"/article/{article_id}#s3")
    target = page.locator(".article-body .sentence:target")
    assert target.count() == 1 and target.get_attribute("id") == "s3"
    assert target.inner_text() == text
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert target.evaluate("el => el.getBoundingClientRect().top") < 900  # scrolled into view


def test_quotes_link_to_their_sentence(page, archive):
    article_id, position, quoted = archive.execute(
        "select q.article_id, s.position, q.text from quotes q join sentences s on s.id = q.sentence_id order by q.id"
    ).fetchone()
    page.goto(f"/article/{article_id}")
    link = page.locator(f'ul.article-quotes a.quote-link[href="#s{position}"]').first
    link.click()
    page.wait_for_url(f"**#s{position}")
    assert quoted[:40] in page.locator(".article-body .sentence:target").inner_text()


def test_furniture_is_folded_until_opened(page, archive):
    article_id, count = archive.execute(
        "select article_id, count(*) from furniture group by article_id order by count(*) desc"
    ).fetchone()
    page.goto(f"/article/{article_id}")
    items = page.locator("details.furniture li")
    assert items.count() == count and not items.first.is_visible()
    page.locator("details.furniture summary").click()
    assert items.first.is_visible()
    body_bottom = page.locator(".article-body").bounding_box()
    assert page.locator("details.furniture").bounding_box()["y"] > body_bottom["y"] + body_bottom["height"] - 1
