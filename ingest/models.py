"""Plain data carried between the pipeline's stages.

Each stage is a function from these objects to these objects, so every stage can be
tested with a string in and objects out. None of them knows about SQLite: an `Article`
holds everything `store.save_article` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("person", "organization", "place")  # entities.type; every stage and page uses these three

# Document field -> the keys (JSON) or column headers (CSV, TSV) it is read from; the first
# non-empty one wins.
RECORD_KEYS = {
    "text": ("body", "text", "content"),
    "title": ("title",),
    "url": ("url", "link"),
    "published": ("published", "date", "published_at", "publishedAt", "pubDate"),
    "outlet": ("outlet", "source", "site", "publisher"),
    "language": ("language", "lang"),
    "author": ("author", "byline", "penulis"),
}


@dataclass
class Document:
    """One article as read from a file, before any cleaning.

    `text` is the whole uncleaned text (for HTML: the page's text, one block per line);
    it is stored verbatim as `articles.raw`. Fields a structured source states (HTML
    meta tags, JSON keys) are filled here; for plain text they stay None and `meta.py`
    reads them from the text.
    """

    source: str  # path relative to the working directory, with "#n" for JSON records
    text: str
    format: str  # "txt", "html", "json", "warc", "csv", "tsv"
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # as the source states it, parsed later
    url: str | None = None
    language: str | None = None
    author: str | None = None  # the byline, as the source states it


@dataclass
class Span:
    """A half-open character range [start, end) into some text."""

    start: int
    end: int


@dataclass
class Sentence:
    position: int  # 0-based order in the article
    char_start: int  # offsets into the article's cleaned body
    char_end: int
    text: str
    section: str = "body"  # "body", "caption" or "dateline" (the place the article was filed from)
    stemmed: str | None = None  # the text's Indonesian stems, for search; set by the build, required by the store


@dataclass(frozen=True)
class Entity:
    """One real-world thing. `key` identifies it across the whole archive."""

    key: str  # "Q7747", "geonames:2013348", "country:KP", "person:adrienne watson"
    name: str  # canonical display name
    type: str  # "person", "organization" or "place"
    wikidata: str | None = None
    place: Place | None = None


@dataclass(frozen=True)
class Place:
    latitude: float | None
    longitude: float | None
    country_code: str | None
    kind: str  # "city", "landmark", "region", "country"
    geonames_id: int | None = None
    population: int | None = None


@dataclass
class Mention:
    sentence_position: int
    char_start: int  # offsets into the sentence's text
    char_end: int
    surface: str
    entity: Entity


@dataclass
class Quote:
    """Words attributed to a speaker, with offsets into the sentence's text."""

    sentence_position: int
    char_start: int
    char_end: int
    text: str
    kind: str  # "direct" (inside quotation marks) or "reported"
    cue: str  # the word that attributes it: "kata", "ujar", "tambahnya", "mengatakan", "menurut", ...
    speaker: Entity | None


@dataclass
class DatedMention:
    """A date the text mentions, resolved to a calendar span where it can be."""

    sentence_position: int
    char_start: int  # offsets into the sentence's text
    char_end: int
    surface: str
    date_start: str | None  # ISO dates; None when a relative date has no published date to lean on
    date_end: str | None
    granularity: str  # "day", "week", "month" or "year"
    relative: bool  # resolved against the published date


@dataclass
class Article:
    """Everything the pipeline knows about one article, ready for the store."""

    id: str
    source: str
    format: str
    raw: str  # Document.text, uncleaned
    body: str  # cleaned text; sentences' offsets point into it
    content_hash: str
    title: str | None = None
    title_from: str | None = None  # "headline", "source" or "lead"
    outlet: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    published_from: str | None = None  # "source", "url", "date_line" or "report_date" (`published.py`)
    published_stated: str | None = None  # the source's own date, when `published` corrects it
    language: str | None = None
    url: str | None = None
    author: str | None = None
    sentences: list[Sentence] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DatedMention] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)


@dataclass
class Furniture:
    """Page furniture kept out of the body: read-also links, ads, widgets, credits."""

    kind: str  # "read_also", "ad", "widget", "follow", "credit", "caption_credit", ...
    text: str  # as the raw text holds it, mis-decoded characters and all: raw[raw_start:raw_end]
    raw_start: int  # offsets into Document.text (articles.raw)
    raw_end: int
