"""The search desk's query (`/search`, plugins/search_page.py): sentences matching `q`
(plugins/search_query.py's `fts_query`: every word as written or by Indonesian stem), narrowed
by outlet, publication date from/to, language and an entity (a name, spelling, id or Wikidata
id, as in `entity_names`) mentioned in the same sentence or the same article.

The whole match set is counted (total, by outlet, by month) in one grouped query, and one page
of it is listed newest first (publication date, then sentence id) with an offset: both read
the match set once, so a later page costs what the first does. Without `q`, an entity alone
selects the sentences (or articles) that mention it.

Everything is in `Search`, read from and written back to a query string, so a search is a
URL that can be bookmarked, shared and fetched as JSON, CSV or Atom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from urllib.parse import urlencode

DEFAULT_SIZE = 20
MAX_SIZE = 1000
SCOPES = ("sentence", "article")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
UNKNOWN = "(unknown)"  # the outlet or month of articles that do not state one


@dataclass(frozen=True)
class Search:
    q: str = ""
    outlet: str = ""
    date_from: str = ""
    date_to: str = ""
    language: str = ""
    entity: str = ""
    scope: str = "sentence"
    page: int = 1
    size: int = DEFAULT_SIZE

    @classmethod
    def from_args(cls, args) -> Search:
        """From a request's query string (`from` and `to` are the dates); anything malformed is
        dropped (a date that is not YYYY[-MM[-DD]]) or clamped (page, size)."""

        def text(name: str) -> str:
            return (args.get(name) or "").replace("\x00", " ").strip()

        def number(name: str, default: int, top: int) -> int:
            try:
                return min(max(int(args.get(name) or default), 1), top)
            except ValueError:
                return default

        dates = [text(name) if DATE.match(text(name)) else "" for name in ("from", "to")]
        return cls(
            q=text("q"),
            outlet=text("outlet"),
            date_from=dates[0],
            date_to=dates[1],
            language=text("language"),
            entity=text("entity"),
            scope=text("scope") if text("scope") in SCOPES else "sentence",
            page=number("page", 1, 10**6),
            size=number("size", DEFAULT_SIZE, MAX_SIZE),
        )

    @property
    def active(self) -> bool:
        """Whether there is anything to search for: words, or an entity."""
        return bool(self.q or self.entity)

    def params(self, **changes) -> dict:
        """The search as query-string parameters (defaults left out), with `changes` applied."""
        chosen = replace(self, **changes)
        names = {"date_from": "from", "date_to": "to"}
        default = Search()
        return {
            names.get(f.name, f.name): getattr(chosen, f.name)
            for f in fields(self)
            if getattr(chosen, f.name) != getattr(default, f.name)
        }

    def query_string(self, **changes) -> str:
        return urlencode(self.params(**changes))

    def sql(self) -> tuple[str, dict]:
        """A `hits` CTE (one row per matching sentence, with its article's outlet, date and
        language) and its parameters."""
        where, params = [], {}
        if self.q:
            where.append("s.id in (select rowid from sentences_fts where sentences_fts match fts_query(:q))")
            params["q"] = self.q
        if self.entity:
            column, key = ("s.id", "sentence_id") if self.scope == "sentence" else ("s.article_id", "article_id")
            where.append(
                f"{column} in (select m.{key} from mentions m where m.entity_id in "
                "(select entity_id from entity_names where term = :entity collate nocase))"
            )
            params["entity"] = self.entity
        for name, condition in [
            ("outlet", "coalesce(a.outlet, '(unknown)') = :outlet"),
            ("date_from", "a.published >= :date_from"),
            ("date_to", "a.published <= :date_to || '-99'"),  # a 2023-09 "to" takes in all of September
            ("language", "a.language = :language"),
        ]:
            if getattr(self, name):
                where.append(condition)
                params[name] = getattr(self, name)
        cte = f"""with hits as (
  select s.id, s.article_id, s.position, s.text, a.title, a.outlet, a.published, a.language, a.ingested_at
  from sentences s join articles a on a.id = s.article_id
  where {" and ".join(where) or "0"}
)"""
        return cte, params

    def counts_sql(self) -> tuple[str, dict]:
        """The match set counted by outlet and month: (outlet, month, matches) rows."""
        cte, params = self.sql()
        return (
            f"""{cte}
select coalesce(outlet, '{UNKNOWN}') as outlet, coalesce(substr(published, 1, 7), '{UNKNOWN}') as month,
       count(*) as matches
from hits group by 1, 2""",
            params,
        )

    def page_sql(self) -> tuple[str, dict]:
        """One page of the match set, newest first, with the snippet marked (escaped first)."""
        cte, params = self.sql()
        return (
            f"""{cte}
select id as sentence_id, article_id, position as sentence, mark_words(text, :q_marked) as snippet,
       text, title, outlet, published, language, ingested_at
from hits
order by published is null, published desc, id desc
limit :limit offset :offset""",
            {**params, "q_marked": self.q, "limit": self.size, "offset": (self.page - 1) * self.size},
        )


def tally(rows) -> dict:
    """Total, by outlet (most first) and by month (in order, unknown last) from counts_sql's rows."""
    by_outlet: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for outlet, month, matches in rows:
        by_outlet[outlet] = by_outlet.get(outlet, 0) + matches
        by_month[month] = by_month.get(month, 0) + matches
    return {
        "total": sum(by_outlet.values()),
        "by_outlet": [{"outlet": o, "matches": n} for o, n in sorted(by_outlet.items(), key=lambda i: (-i[1], i[0]))],
        "by_month": [
            {"month": m, "matches": n} for m, n in sorted(by_month.items(), key=lambda i: (i[0] == UNKNOWN, i[0]))
        ],
    }
