"""The search desk's query in one database (`/search`, ingest/serve/search_desk.py): sentences matching `q`
(ingest/serve/sql_functions.py's `fts_query`: every word as written or by Indonesian stem), narrowed
by outlet, publication date from/to, language and an entity (a name, spelling, id or Wikidata
id, as in `entity_names`) mentioned in the same sentence or the same article. Results are
listed newest first (publication date, then sentence id; undated last). Without `q`, an entity
alone selects the sentences (or articles) that mention it.

Everything is in `Search`, read from and written back to a query string, so a search is a
URL that can be bookmarked, shared and fetched as JSON, CSV or Atom.

What it costs, and `run`
------------------------
`counts_sql` and `page_sql` are exact for any search, and cost in proportion to what their
*driver* yields: the sentences containing the words (`driver="words"`), the entity's sentences
or articles (`"entity"`), the articles passing the outlet, date and language filters
(`"articles"`), or every article newest first (`"scan"`: a page costs what it takes to find
it, so a common word's first pages are cheap and a rare word's are not). An FTS5 look-up costs
about 0.1 ms, so where articles drive, each article's matching sentences are found with one
look-up over its run of sentence ids (`rowid` between its first and last), never one per
sentence.

`run` picks the plan: it counts what each driver yields, up to `CAP` (10,000) rows, and
when one yields at most that, drives from it and counts everything exactly. Otherwise the
match set may be in the millions (at 100,000 articles "Korea" is in 1.8M sentences), and
counting it by outlet and month would read every one: the page is listed with the `"scan"`
plan, and the counts by outlet and month are those of the matches among the `CAP` most
recently added sentences containing the words (or mentioning the entity), said so beside
them. The total is then exact where that is cheap (the words alone: the FTS index counts
them) and otherwise a bound, said as such: "more than 10,000" when the driver alone is the
search, "at least N" (N matches among those counted) when filters narrow it further.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from urllib.parse import urlencode

DEFAULT_SIZE = 20
MAX_SIZE = 1000
SCOPES = ("sentence", "article")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
UNKNOWN = "(unknown)"  # the outlet or month of articles that do not state one
CAP = 10_000  # rows a search may read exactly; past it the counts are of a sample, said so
ENTITY_ARTICLES = 300  # an entity in at most this many articles drives a search for words too (an FTS look-up each)
DRIVERS = ("words", "entity", "articles", "scan")
# What `run` answers for nothing to search for (ingest/serve/search_desk.py starts from it too).
NO_MATCHES = {"total": 0, "total_is": "exact", "counted_among": None, "by_outlet": [], "by_month": [], "rows": []}

ENTITY_IDS = "(select entity_id from entity_names where term = :entity collate nocase)"
COLUMNS = "s.id, s.article_id, s.position, s.text, a.title, a.outlet, a.published, a.language, a.ingested_at"
# The sentences of article `a` matching the words: one FTS5 look-up over the article's run of
# sentence ids (an article's sentences are written together, so their ids are one run; the
# join on article_id keeps the result right if they ever are not).
ARTICLE_MATCHES = """cross join sentences_fts f on f.sentences_fts match fts_query(:q)
    and f.rowid >= (select min(id) from sentences where article_id = a.id)
    and f.rowid <= (select max(id) from sentences where article_id = a.id)
  cross join sentences s on s.id = f.rowid and s.article_id = a.id"""
ARTICLE_SENTENCES = "cross join sentences s on s.article_id = a.id"
# (The unary + keeps SQLite on the sentence's or article's mentions, not all of the entity's.)
IN_SENTENCE = f"exists (select 1 from mentions m where m.sentence_id = s.id and +m.entity_id in {ENTITY_IDS})"
IN_ARTICLE = f"exists (select 1 from mentions m where m.article_id = a.id and +m.entity_id in {ENTITY_IDS})"
# The same for an entity with few mentions (`few`): its articles and sentences looked up once,
# not probed article by article (each probe reads the article's ~120 mentions). The unary +
# keeps SQLite walking the articles in date order instead of starting from these.
AMONG_SENTENCES = f"+s.id in (select sentence_id from mentions where entity_id in {ENTITY_IDS})"
AMONG_ARTICLES = f"+a.id in (select article_id from mentions where entity_id in {ENTITY_IDS})"
FEW_MENTIONS = 50_000  # an entity with at most this many: `few`


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
    # The one entity `entity` names, when `run` has looked it up (not part of the URL): the SQL
    # then says `entity_id in (:entity_id)`, which SQLite reads as `=`, and walks its index
    # newest first instead of sorting all its mentions.
    entity_id: int | None = field(default=None, compare=False)

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

    @property
    def filtered(self) -> bool:
        """Whether the outlet, dates or language narrow the search."""
        return bool(self.outlet or self.date_from or self.date_to or self.language)

    def params(self, **changes) -> dict:
        """The search as query-string parameters (defaults left out), with `changes` applied."""
        chosen = replace(self, **changes)
        names = {"date_from": "from", "date_to": "to"}
        default = Search()
        return {
            names.get(f.name, f.name): getattr(chosen, f.name)
            for f in fields(self)
            if f.name != "entity_id" and getattr(chosen, f.name) != getattr(default, f.name)
        }

    def query_string(self, **changes) -> str:
        return urlencode(self.params(**changes))

    def _bound(self, sql: str, params: dict) -> tuple[str, dict]:
        """`sql` with the entity's id in place of its look-up, when `entity_id` is known."""
        if self.entity_id is None or ENTITY_IDS not in sql:
            return sql, params
        return sql.replace(ENTITY_IDS, "(:entity_id)"), {**params, "entity_id": self.entity_id}

    def _article_filters(self, indexed: bool = True) -> tuple[list[str], dict]:
        """Conditions on article `a`; with `indexed` False the outlet and language are kept out
        of the indexes (SQLite would otherwise start from them instead of walking the
        publication dates in order, and sort every match)."""
        plus = "" if indexed else "+"
        outlet = f"{plus}a.outlet is null" if self.outlet == UNKNOWN else f"{plus}a.outlet = :outlet"
        where, params = [], {}
        for name, condition in [
            ("outlet", outlet),
            ("date_from", "a.published >= :date_from"),
            ("date_to", "a.published <= :date_to || '-99'"),  # a 2023-09 "to" takes in all of September
            ("language", f"{plus}a.language = :language"),
        ]:
            if getattr(self, name):
                where.append(condition)
                params[name] = getattr(self, name)
        return where, params

    def sql(self, driver: str | None = None, within: int | None = None, few: bool = False) -> tuple[str, dict]:
        """A `hits` CTE (one row per matching sentence, with its article's outlet, date and
        language) and its parameters. `driver` (see the module's docstring; by default the
        words, else the entity) is where SQLite starts; `within` keeps only the matches among
        the `within` most recently added sentences containing the words (or, without words,
        of the entity's `within` most recently added mentions); `few` says the entity has at
        most FEW_MENTIONS mentions, so that its articles are looked up once in a "scan"."""
        driver = driver or ("words" if self.q else "entity")
        if driver not in DRIVERS:
            raise ValueError(f"driver must be one of {DRIVERS}")
        where, params = self._article_filters(indexed=driver != "scan")
        if self.q:
            params["q"] = self.q
        if self.entity:
            params["entity"] = self.entity
        if not self.active:
            where.append("0")
        window = f" order by id desc limit {int(within)}" if within else ""
        in_scope = IN_SENTENCE if self.scope == "sentence" else IN_ARTICLE
        if driver == "words" and self.q:
            source = f"""(select rowid from sentences_fts where sentences_fts match fts_query(:q){window.replace("id", "rowid")}) f
  cross join sentences s on s.id = f.rowid
  cross join articles a on a.id = s.article_id"""
            where += [in_scope] if self.entity else []
        elif driver == "entity" and self.entity:
            key = "sentence_id" if self.scope == "sentence" and not self.q else "article_id"
            mentioned = f"select distinct {key} as id from (select {key}, id from mentions where entity_id in {ENTITY_IDS}{window})"
            if key == "sentence_id":
                source = f"""({mentioned}) e
  cross join sentences s on s.id = e.id
  cross join articles a on a.id = s.article_id"""
            else:
                source = f"({mentioned}) e\n  cross join articles a on a.id = e.id\n  " + (
                    ARTICLE_MATCHES if self.q else ARTICLE_SENTENCES
                )
                where += [IN_SENTENCE] if self.q and self.scope == "sentence" else []
        else:  # "articles" and "scan", or a driver the search lacks
            source = "articles a\n  " + (ARTICLE_MATCHES if self.q else ARTICLE_SENTENCES)
            if self.entity and few:
                where += [AMONG_ARTICLES] + ([AMONG_SENTENCES] if self.scope == "sentence" else [])
            elif self.entity:
                where += [IN_ARTICLE] + ([IN_SENTENCE] if self.scope == "sentence" else [])
        cte = f"""with hits as (
  select {COLUMNS}
  from {source}
  where {" and ".join(where) or "1"}
)"""
        return self._bound(cte, params)

    def counts_sql(self, driver: str | None = None, within: int | None = None) -> tuple[str, dict]:
        """The match set counted by outlet and month: (outlet, month, matches) rows."""
        cte, params = self.sql(driver, within)
        return (
            f"""{cte}
select coalesce(outlet, '{UNKNOWN}') as outlet, coalesce(substr(published, 1, 7), '{UNKNOWN}') as month,
       count(*) as matches
from hits group by 1, 2""",
            params,
        )

    def page_sql(self, driver: str | None = None, few: bool = False) -> tuple[str, dict]:
        """One page of the match set, newest first, with the snippet marked (escaped first).
        (`published desc` puts undated articles last; SQLite walks the published index for it
        under the "scan" driver, and stops when the page is full.)"""
        cte, params = self.sql(driver, few=few)
        return (
            f"""{cte}
select id as sentence_id, article_id, position as sentence, mark_words(text, :q_marked) as snippet,
       text, title, outlet, published, language, ingested_at
from hits
order by published desc, id desc
limit :limit offset :offset""",
            {**params, "q_marked": self.q, "limit": self.size, "offset": (self.page - 1) * self.size},
        )

    def size_sql(self, driver: str, cap: int = CAP) -> tuple[str, dict]:
        """How many rows `driver` yields, counted up to `cap + 1` (so cheap whatever the archive):
        the sentences containing the words; the entity's sentences (sentence scope) or the
        sentences of its articles (article scope), or with words its articles (each is one
        look-up of the words); the sentences of the articles the filters keep."""
        where, params = self._article_filters()
        limit = {"cap": cap + 1}
        mentioned = f"select distinct {{key}} from mentions where entity_id in {ENTITY_IDS}"
        if driver == "words":
            sql = "select 1 from sentences_fts where sentences_fts match fts_query(:q)"
            params = {"q": self.q}
        elif driver == "entity" and self.q:
            sql, params = mentioned.format(key="article_id"), {"entity": self.entity}
        elif driver == "entity" and self.scope == "sentence":
            sql, params = mentioned.format(key="sentence_id"), {"entity": self.entity}
        elif driver == "entity":
            sql = f"select 1 from ({mentioned.format(key='article_id')}) e cross join sentences s on s.article_id = e.article_id"
            params = {"entity": self.entity}
        elif driver == "articles":
            sql = f"select 1 from articles a {ARTICLE_SENTENCES} where {' and '.join(where) or '1'}"
        else:
            raise ValueError(f"no size for driver {driver!r}")
        return self._bound(f"select count(*) from ({sql} limit :cap)", {**params, **limit})

    def match_count_sql(self) -> tuple[str, dict]:
        """Every sentence containing the words, counted in the FTS index alone (at 100,000
        articles 1.8M sentences in well under a second): the total of a search for words alone."""
        return "select count(*) from sentences_fts where sentences_fts match fts_query(:q)", {"q": self.q}


def tally(rows) -> dict:
    """Total, by outlet (most first) and by month (in order, unknown last) from counts_sql's rows."""
    by_outlet: dict[str, int] = {}
    by_month: dict[str, int] = {}
    for outlet, month, matches in rows:
        by_outlet[outlet] = by_outlet.get(outlet, 0) + matches
        by_month[month] = by_month.get(month, 0) + matches
    return listed(by_outlet, by_month)


def listed(by_outlet: dict[str, int], by_month: dict[str, int]) -> dict:
    """Matches by outlet and by month as the desk lists them: outlets most first, months in
    order (unknown last), and their total."""
    return {
        "total": sum(by_outlet.values()),
        "by_outlet": [{"outlet": o, "matches": n} for o, n in sorted(by_outlet.items(), key=lambda i: (-i[1], i[0]))],
        "by_month": [
            {"month": m, "matches": n} for m, n in sorted(by_month.items(), key=lambda i: (i[0] == UNKNOWN, i[0]))
        ],
    }


async def plan(execute, search: Search, cap: int = CAP) -> str | None:
    """The driver under which `search` reads at most about `cap` rows (the smallest, when words
    and an entity both would), or None: a large match set, for the "scan".

    `execute(sql, params)` is awaited and returns rows (e.g. Datasette's `db.execute`)."""

    async def size(driver: str, up_to: int = cap) -> int:
        return list(await execute(*search.size_sql(driver, up_to)))[0][0]

    sizes: dict[str, int] = {}
    if search.q:
        sizes["words"] = await size("words")
    if search.entity and search.q:  # each of its articles is an FTS look-up: worth it for a few hundred
        sizes["entity"] = await size("entity", ENTITY_ARTICLES) * cap // ENTITY_ARTICLES
    elif search.entity:
        sizes["entity"] = await size("entity")
    if search.filtered and min(sizes.values()) > cap:
        sizes["articles"] = await size("articles")
    driver = min(sizes, key=lambda name: sizes[name])
    return driver if sizes[driver] <= cap else None


PAGE_ROWS_SQL = """
select s.id as sentence_id, s.article_id, s.position as sentence, mark_words(s.text, :q_marked) as snippet,
       s.text, a.title, a.outlet, a.published, a.language, a.ingested_at
from sentences s join articles a on a.id = s.article_id
where s.id in (select value from json_each(:ids))
order by a.published desc, s.id desc
"""


def newest_first(hit) -> tuple:
    """The listing's order as a sort key: publication date descending (undated last), then id."""
    return (hit["published"] is not None, hit["published"] or "", hit["id"])


async def run(execute, search: Search, cap: int = CAP, count=None, with_counts: bool = True) -> dict:
    """The total, counts by outlet and month and one page of `search` (module docstring).

    `execute(sql, params)` is awaited and returns rows with named columns (Datasette's
    `db.execute`); `count(sql, params)`, if given, runs the one statement that counts every
    sentence containing the words and returns the number, or None to leave it uncounted (the
    search page gives it a shorter time limit). `with_counts` False leaves out what only the
    counts need (for the feed: its page alone). Returns tally()'s keys, "rows", "total_is"
    ("exact", "more than" or "at least"), "counted_among" (None when the counts are of every
    match, else what they were counted among) and "plan" (the driver, or "scan"). Raises what
    `execute` raises (Datasette's QueryInterrupted)."""
    if not search.active:
        return dict(NO_MATCHES)
    if search.entity:  # one entity named: its id, once
        named = "select distinct entity_id from entity_names where term = :entity collate nocase limit 2"
        ids = [r[0] for r in await execute(named, {"entity": search.entity})]
        if len(ids) == 1:
            search = replace(search, entity_id=ids[0])
    driver = await plan(execute, search, cap)
    if driver is not None:  # at most about `cap` hits: read once, counted and sorted here
        cte, params = search.sql(driver)
        hits = [dict(r) for r in await execute(f"{cte}\nselect id, outlet, published from hits", params)]
        counts = tally(
            ((h["outlet"] or UNKNOWN, (h["published"] or "")[:7] or UNKNOWN, 1) for h in hits),
        )
        hits.sort(key=newest_first, reverse=True)
        start = (search.page - 1) * search.size
        ids = [h["id"] for h in hits[start : start + search.size]]
        page = await execute(PAGE_ROWS_SQL, {"ids": json.dumps(ids), "q_marked": search.q})
        return {**counts, "total_is": "exact", "counted_among": None, "rows": [dict(r) for r in page], "plan": driver}
    few = False
    if search.entity:
        mentions = search._bound(
            f"select coalesce(sum(mentions), 0) from entities where id in {ENTITY_IDS}", {"entity": search.entity}
        )
        few = await _first(execute, *mentions) <= FEW_MENTIONS
    rows = [dict(r) for r in await execute(*search.page_sql("scan", few=few))]
    if not with_counts:
        return {**tally([]), "total_is": "at least", "counted_among": None, "rows": rows, "plan": "scan"}
    if search.q:
        within, among = cap, f"the {cap:,} most recently added sentences containing the words"
    elif search.scope == "sentence":
        within, among = cap, f"the sentences of its {cap:,} most recently added mentions"
    else:  # every sentence of each article: fewer mentions
        within = cap // 10
        among = f"the articles of its {within:,} most recently added mentions"
    counts = tally(await execute(*search.counts_sql("words" if search.q else "entity", within=within)))
    # A lower bound: the matches counted, or those up to the end of this page if more.
    total, total_is = max(counts["total"], (search.page - 1) * search.size + len(rows)), "at least"
    if search.q and not search.entity and not search.filtered:
        sql, params = search.match_count_sql()
        counted = await (count(sql, params) if count else _first(execute, sql, params))
        if counted is not None:
            total, total_is = counted, "exact"
        else:
            total, total_is = cap, "more than"
    elif not search.filtered and not (search.q and search.entity):
        total, total_is = cap, "more than"  # the driver alone is the search, and it yields more
    return {**counts, "total": total, "total_is": total_is, "counted_among": among, "rows": rows, "plan": "scan"}


async def _first(execute, sql: str, params: dict) -> int:
    return list(await execute(sql, params))[0][0]
