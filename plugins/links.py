"""Cell links to the article and entity pages, so they are reachable without knowing URLs.

- `articles.title` links to /article/<id>, `entities.name` to /entity/<id>.
- In query results (canned or SQL), `article_id` and `entity_id` columns link to those pages.
  Table pages keep Datasette's own foreign-key links for these columns. A row that also has a
  `sentence` column (the sentence's position in its article) links `article_id` straight to
  that sentence, /article/<id>#s<position>.
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


def link(datasette, page: str, key, text, fragment: str = "") -> Markup:
    href = datasette.urls.path(f"/{page}/{quote(str(key), safe='')}") + fragment
    return Markup('<a href="{}">{}</a>').format(href, text)


@hookimpl
def render_cell(row, value, column, table, datasette):
    page = PAGES.get((table, column))
    if page is None or value is None:
        return None
    key = value if table is None else row["id"]
    at = row["sentence"] if column == "article_id" and "sentence" in row.keys() else None
    return link(datasette, page, key, value, f"#s{at}" if isinstance(at, int) else "")
