"""Cell links to the article and entity pages, so they are reachable without knowing URLs.

- `articles.title` links to /article/<id>, `entities.name` to /entity/<id>.
- In query results (canned or SQL), `article_id` and `entity_id` columns link to those pages.
  Table pages keep Datasette's own foreign-key links for these columns.
"""

from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup

PAGES = {
    ("articles", "title"): "article",
    ("entities", "name"): "entity",
    (None, "article_id"): "article",
    (None, "entity_id"): "entity",
}


def link(datasette, page: str, key, text) -> Markup:
    href = datasette.urls.path(f"/{page}/{quote(str(key), safe='')}")
    return Markup('<a href="{}">{}</a>').format(href, text)


@hookimpl
def render_cell(row, value, column, table, datasette):
    page = PAGES.get((table, column))
    if page is None or value is None:
        return None
    key = value if table is None else row["id"]
    return link(datasette, page, key, value)
