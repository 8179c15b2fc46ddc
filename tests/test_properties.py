"""Property tests (issue 6): any Unicode text goes through cleaning, sentence splitting and
extraction without an exception, and every offset the archive stores holds:

- furniture: `raw[raw_start:raw_end] == text`;
- paragraphs: `raw[raw_start:raw_end]` reads as the text (`repair.read`: the same text, unless it
  held mis-decoded characters or an export's comma glue);
- sentences: `body[char_start:char_end] == text`, in order, not overlapping, trimmed;
- mentions: `sentence.text[char_start:char_end] == surface`.

Two kinds of input: any Unicode at all, and "news-like" text assembled from the words the
cleaner and the extractor react to (titles, names, places, datelines, credits, brackets,
quotes, abbreviations) mixed with arbitrary characters, so the interesting code paths run.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.extract.build import ArticleError, build_article
from ingest.extract.clean import clean
from ingest.extract.entities import Extractor
from ingest.extract.repair import read
from ingest.extract.sentences import split_sentences
from ingest.models import Document

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "Presiden",
    "Vladimir Putin",
    "Kim Jong Un",
    "Moskow",
    "Pyongyang",
    "Vladivostok",
    "Kosmodrom Vostochny",
    "Dewan Keamanan Nasional (NSC)",
    "NSC",
    "juru bicara",
    "Adrienne Watson",
    "kata",
    "ujar",
    "Menteri",
    "Kementerian Luar Negeri",
    "di",
    "ke",
    "Tuan",
    "Ketua",
    "Korea Utara",
    "Rusia",
    "AS",
    "Washington",
    "Sergei Shoigu",
    "Forum Ekonomi Timur",
    "Baca Juga:",
    "ADVERTISEMENT",
    "Foto:",
    "(AFP/Cah)",
    "(ANTARA)",
    "Selasa (5/9/2023)",
    "13 September 2023",
    "JAKARTA -",
    "MOSKOW, disway.id --",
    "kompas.com",
    "Dr.",
    "dll.",
    "J.K.",
    "St.",
    '"',
    "“",
    "”",
    "'",
    "(",
    ")",
    "[",
    "]",
    ".",
    ",",
    "!",
    "?",
    "…",
    ":",
    ";",
    "-",
    "–",
    "—",
    ".,",  # a scraper export's shapes (tests/test_scraper_exports.py)
    ". ,",
    "( ,)",
    "¬†",
    "‚Äì",
    "‚Äù",
    "√©",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    " ",
    "  ",
    "\u200b",
    "\u202e",
    "\ufeff",
    "🇷🇺",
    "👨‍👩‍👧",
    "é",
    "e\u0301",
    "İ",
    "ß",
    "ﬁ",
    "Ⅻ",
    "١٢",
    "\u0000",
    "\x85",
    "\u2028",
    "\u2029",
]
any_text = st.text(max_size=400)
news_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map(" ".join)
texts = st.one_of(any_text, news_like)


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def check_clean(text, title=None):
    page = clean(text, title)
    for item in page.furniture:
        assert text[item.raw_start : item.raw_end] == item.text, item
    reading = read(text)
    for paragraph in page.paragraphs:
        assert reading.text_of(paragraph.raw_start, paragraph.raw_end) == paragraph.text, paragraph
    body = page.body
    for offset, paragraph in page.paragraph_offsets():
        assert body[offset : offset + len(paragraph.text)] == paragraph.text
    return page


@PROPERTY_SETTINGS
@given(texts, st.one_of(st.none(), st.text(max_size=40)))
def test_clean_keeps_raw_offsets(text, title):
    check_clean(text, title)


@PROPERTY_SETTINGS
@given(texts)
def test_split_sentences_gives_trimmed_ordered_spans(text):
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text), (span, len(text))
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
        previous_end = span.end


@PROPERTY_SETTINGS
@given(texts, st.one_of(st.none(), st.text(max_size=40)), st.one_of(st.none(), st.text(max_size=20)))
def test_build_article_keeps_every_offset(extractor, text, title, outlet):
    document = Document("property.txt", text, "txt", title=title, outlet=outlet)
    try:
        article = build_article(document, extractor)
    except ArticleError:
        return  # nothing left after cleaning: the pipeline reports the file
    assert article.raw == text
    for position, sentence in enumerate(article.sentences):
        assert sentence.position == position
        assert article.body[sentence.char_start : sentence.char_end] == sentence.text
        assert sentence.section in ("body", "caption", "dateline")
    for mention in article.mentions:
        sentence = article.sentences[mention.sentence_position]
        assert sentence.text[mention.char_start : mention.char_end] == mention.surface, mention
        assert mention.surface.strip() == mention.surface and mention.surface
        assert mention.entity.type in ("person", "organization", "place")
    for item in article.furniture:
        assert text[item.raw_start : item.raw_end] == item.text, item
