"""Split a scraped page into its article body and its page furniture.

A page, as scraped, is a headline zone (site name, date, headline, reading-time badge,
a photo caption), the article's paragraphs with read-also links and ad slots between
them, and a trailer (follow-us lines, editor, widgets). Every line is given a role by
general rules: patterns for the kinds of furniture news sites share, and the shape of
a line (short, no closing punctuation) at the edges of the page. Nothing is thrown
away: furniture keeps its offsets into the raw text.

Photo captions are kept as body paragraphs in a "caption" section, with their credit
("Foto: Reuters") removed as furniture: a caption is the outlet's own text and can be
the only place a fact is stated, but researchers can leave captions out by section.

The lines that describe the page are read as they go by: publication lines ("Senin, 11
September 2023 | 10:15 WIB", also below a teaser paragraph) into `date_lines`, for
`published.py`; the dateline that opens the lead (`dateline.py`) into its outlet and its
place, which `keep_dateline_place` can make a paragraph of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ingest.extract import dateline
from ingest.extract.lexicon import DATE_LINE_WORDS, ENGLISH_WEEKDAYS, MONTH_ABBREVIATIONS, MONTHS, WEEKDAYS, alternation
from ingest.extract.published import parse_date
from ingest.extract.repair import Reading, read, repaired
from ingest.models import Furniture

# A label that introduces a link to another story, in the languages scraped pages mix in.
READ_ALSO = re.compile(
    r"^(baca\s+(juga|pula|selengkapnya)|lihat\s+juga|simak\s+(juga|video)|artikel\s+terkait|berita\s+terkait"
    r"|read\s+(also|more)|see\s+also|related(\s+(news|articles?|stories))?|more\s+on\s+this"
    r"|sujet\s+[aà]\s+lire|[aà]\s+lire\s+aussi|lire\s+aussi|cela\s+peut\s+vous\s+int[ée]resser"
    r"|vous\s+pourriez\s+aimer|tambi[ée]n\s+te\s+puede\s+interesar|lea\s+tambi[ée]n|leia\s+tamb[ée]m)\s*[:：–—-]",
    re.IGNORECASE,
)
AD_SLOT = re.compile(
    r"^(\[[\w\s-]{1,40}\]|advertisement|iklan|scroll to continue( with content)?|ads?)$", re.IGNORECASE
)
FOLLOW = re.compile(
    r"google\s+news|whats\s?app\s+channel|saluran\s+whats\s?app|telegram\s+channel|ikuti\s+(kami|juga|akun|berita)"
    r"|follow\s+us|subscribe|berlangganan|unduh\s+aplikasi|download\s+(aplikasi|app)|klik\s+di\s+sini"
    r"|channel\s+whats\s?app|gabung\s+(ke\s+)?(channel|saluran|grup)",
    re.IGNORECASE,
)
READING_TIME = re.compile(
    r"^(\d+\s*(min|mins|minutes?|menit)(\s+(read|baca|membaca))?|(waktu\s+baca|reading\s+time)\b.*)$", re.IGNORECASE
)
CREDIT_LINE = re.compile(
    r"^(editor|penulis|reporter|pewarta|penyunting|redaktur|sumber|source|writer|fotografer|foto|photo|"
    r"editing|kontributor|laporan|dilaporkan\s+oleh)\s*[:：]"
    r"|^(foto|dok|dokumentasi)\s*/"
    r"|^laporan\s+(wartawan|reporter|koresponden)\b",
    re.IGNORECASE,
)  # "Laporan Wartawan X.com, Nama"
WIDGET = re.compile(
    r"^((komentar|comments?)\s*\(\d+\)|tautan\s+(sumber|sahabat)|source\s+link|terkini\s+lainnya|berita\s+lainnya"
    r"|terpopuler|bagikan|share(\s+this)?|tags?\s*:?|topik\s*:?|copyright\b|hak\s+cipta|©"
    r"|\d+\s+(komentar|comments?)$|(version|versi)\s+\d+(\.\d+)+$)",
    re.IGNORECASE,
)
COPYRIGHT = re.compile(r"©|\bcopyright\b|\bhak\s+cipta\b", re.IGNORECASE)  # "2024 © PT ... Network"
# A credit at the end of a caption: "... pada 13 September. Foto: KCNA", "...senjata.(AFP)",
# "... -tangkapan layar twitter@x -".
CAPTION_CREDIT = re.compile(
    r"(?:(?<=[.!?”\"'])|\s)\s*((?:foto|photo|gambar|ilustrasi|sumber\s+foto|kredit|credit)\s*[:：]\s*[^.:]{1,60}"
    r"|\((?:foto\s*:?\s*)?[A-Z][\w/ .&-]{1,30}\)"
    r"|-\s*(?:tangkapan\s+layar|screenshot|foto|ilustrasi|dok(?:umentasi)?\.?|istimewa)[^\n]{0,80}?-?)\s*$",
    re.IGNORECASE,
)
# A photographer's credit after a slash at the end of a long header line, which is a caption:
# "Komisioner KPU Papua menandatangani berita acara ... Pilgub Papua/Andi Riri".
SLASH_CREDIT = re.compile(r"(?<=\S)/\s?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){1,3})$")
CAPTION_MIN_WORDS = 12  # a headline is shorter
DOMAIN = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?$", re.IGNORECASE)
DATE_WORDS = alternation({*WEEKDAYS, *MONTHS, *MONTH_ABBREVIATIONS, *ENGLISH_WEEKDAYS, *DATE_LINE_WORDS})
DATE_LINE = re.compile(rf"^(?:(?:{DATE_WORDS})\b|\d{{1,4}}|[\s,./:|()\-–—●•·])+$", re.IGNORECASE)
# A short line that dates the page among a few other words: "PUBLISHED : 7 Jan 2025 at 15:57",
# "Jakarta ● Wed, November 15, 2023", "Reporter: Andi | Kamis, 14 Maret 2024 09:00 WIB". Beside
# its date it has a time, a weekday or a word of publishing, which a headline with a date in it
# ("Gempa 14 Maret 2024 Guncang Bali") has not.
PUBLISHING = re.compile(
    rf"\b(?:{alternation({*WEEKDAYS, *ENGLISH_WEEKDAYS, 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'})}"
    r"|published|posted|updated|diterbitkan|dipublikasikan|diperbarui|terbit|tayang|diunggah)\b"
    r"|(?<![\d.,])\d{1,2}[:.]\d{2}(?![\d.,])",
    re.IGNORECASE,
)
DATE_TOKENS = re.compile(rf"\b(?:{DATE_WORDS})\b|\d+|[^\w\s]", re.IGNORECASE)
DATED_LINE_OTHER_WORDS = 5  # at most, besides the date's own
DATED_CREDIT_OTHER_WORDS = 12
DATED_LINE_MAX_CHARS = 200
DATED_KINDS = (None, "credit")  # furniture a publication line may be: a read-also link's date is its story's
HAS_DIGIT = re.compile(r"\d")
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A publication line led by the outlet's domain: "Kompas.com - 19/04/2019, 10:00 WIB".
DOMAIN_DATE_LINE = re.compile(r"^(?P<domain>[\w\-]+(?:\.[A-Za-z]{2,})+)\s*[-–—|]\s*(?P<date>.*\d.*)$")
BRACKETED_LINE = re.compile(r"^(\(.*\)|\[.*\])$")
CREDIT_IN_BRACKETS = re.compile(r"\b(foto|dok|dokumentasi|istimewa|ilustrasi|antara|reuters|afp|ap|kompas)\b|/", re.I)
# "Ringkasan Berita:" or "Poin Penting:" above a list of "- " points that summarise the article.
SUMMARY_LABEL = re.compile(r"^[\w ]{3,30}:$")
SUMMARY_POINT = re.compile(r"^[-•*–]\s+\S")
# A scraper's stamp before the text: "date 2024-08-20 Australia and ...".
DATE_STAMP = re.compile(r"^date\s+(\d{4}-\d{2}(-\d{2})?)\s+")
BYLINE_JOINERS = frozenset({"and", "dan", "&", "-", "–", "—", "|", "/"})
BYLINE_MAX_WORDS = 10
ENDS_LIKE_SENTENCE = re.compile(r"[.!?…][\"”’'»)\]]*$")
SENTENCE_END = re.compile(r"[.!?…][\"”’'»)\]]*(\s|$)")
WORD = re.compile(r"\S+")

LEAD_MIN_WORDS = 12  # a line this long that ends like a sentence starts the article body
EDGE_MAX_WORDS = 8  # short unpunctuated lines at the page's end are widgets and bylines
SECTION_MAX_WORDS = 3  # a first header line this short, followed by a longer one, is a section label
KICKER_MIN_WORDS = 5  # ... when the line after it has at least this many words
DATELINE_MAX_PARAGRAPH = 2  # a dateline opens one of the first this many body paragraphs of prose (12 words)


DatelineReader = Callable[[str], "dateline.Dateline | None"]


@dataclass
class Line:
    text: str
    start: int  # offsets into the raw text
    end: int


@dataclass
class Paragraph:
    text: str
    raw_start: int  # raw[raw_start:raw_end] is what the paragraph was read from (`repair.Reading`)
    raw_end: int
    section: str  # "body", "caption" or "dateline"


@dataclass
class CleanPage:
    """What cleaning found: the body's paragraphs, the header's pieces, the furniture."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    furniture: list[Furniture] = field(default_factory=list)
    headline: str | None = None
    date_lines: list[str] = field(default_factory=list)
    domain: str | None = None
    dateline_outlet: str | None = None
    dateline_place: str | None = None  # the other part of "PLACE, OUTLET –" (either order)
    dateline_place_start: int | None = None  # its offsets in the raw text
    dateline_place_end: int | None = None

    @property
    def body(self) -> str:
        return "\n\n".join(paragraph.text for paragraph in self.paragraphs)

    def keep_dateline_place(self) -> None:
        """The dateline's place as a paragraph of its own in the `dateline` section, before the
        paragraph the dateline opened (`dateline.py`): the pipeline's body has it, so that the
        place is a mention whose offsets lead back into the text."""
        if self.dateline_place is None or self.dateline_place_start is None or self.dateline_place_end is None:
            return
        start = self.dateline_place_start
        index = next((i for i, p in enumerate(self.paragraphs) if p.raw_start >= start), len(self.paragraphs))
        self.paragraphs.insert(index, Paragraph(self.dateline_place, start, self.dateline_place_end, dateline.SECTION))

    def paragraph_offsets(self) -> list[tuple[int, Paragraph]]:
        """Each paragraph with its start offset in `body`."""
        offsets, position = [], 0
        for paragraph in self.paragraphs:
            offsets.append((position, paragraph))
            position += len(paragraph.text) + 2
        return offsets


def split_lines(text: str) -> list[Line]:
    """Non-blank lines, stripped, with their offsets in `text`."""
    lines, position = [], 0
    for raw_line in text.split("\n"):
        stripped = raw_line.strip()
        if stripped:
            start = position + raw_line.index(stripped[0])
            lines.append(Line(stripped, start, start + len(stripped)))
        position += len(raw_line) + 1
    return lines


def furniture_kind(text: str) -> str | None:
    """The kind of furniture a whole line is, wherever it stands on the page, or None."""
    words = len(WORD.findall(text))
    if AD_SLOT.match(text):
        return "ad"
    if READ_ALSO.match(text):
        return "read_also"
    if READING_TIME.match(text):
        return "reading_time"
    if words <= 12 and CREDIT_LINE.match(text):
        return "credit"
    if words <= 8 and WIDGET.match(text):
        return "widget"
    if words <= 10 and COPYRIGHT.search(text):
        return "widget"
    if words <= 30 and FOLLOW.search(text):
        return "follow"
    if BRACKETED_LINE.match(text):
        # "(Cerita ini belum diedit ...)" is an editor's note; "(Dok. Polres X)", "[Antara Foto/Y]" a credit.
        return "note" if words >= 4 and not CREDIT_IN_BRACKETS.search(text) else "credit"
    return None


def is_byline(text: str) -> bool:
    """A line of names and nothing else: "Umar Hanafi", "Yovanda - detikNews", "A and B"."""
    words = WORD.findall(text)
    named = [word for word in words if any(c.isupper() for c in word)]
    return (
        2 <= len(words) <= BYLINE_MAX_WORDS
        and len(named) >= 2
        and all(word in named or word.casefold() in BYLINE_JOINERS for word in words)
        and not HAS_DIGIT.search(text)
        and not ENDS_LIKE_SENTENCE.search(text)
    )


NOT_LETTER = re.compile(r"[\W_]+")


def _letters(text: str) -> str:
    return NOT_LETTER.sub("", text.casefold())


def _same_headline(line: str, headline: str) -> bool:
    """A repeat of the headline, even behind a dateline: "Washington : <headline>"."""
    target = _letters(headline)
    behind_dateline = re.split(r"\s[:|–—-]\s", line, maxsplit=1)[-1]
    return target in (_letters(line), _letters(behind_dateline))


def _is_lead(text: str) -> bool:
    """The first paragraph of the article: long, with a sentence end in it (headlines have none)."""
    return len(WORD.findall(text)) >= LEAD_MIN_WORDS and bool(SENTENCE_END.search(text) or dateline.read(text))


def clean(text: str, title: str | None = None, is_place: dateline.PlaceTest | None = None) -> CleanPage:
    """Classify every line of `text`; `title` is a headline the source already stated (HTML, JSON).

    The lines are those of `repair.read(text)`: mis-decoded characters and an export's comma
    glue repaired. Offsets still point into `text`, and furniture is `text`'s own words.
    `is_place` tells a place's name from an outlet's in a dateline (`dateline.py`); without
    it, datelines are read by their shape alone."""
    reading = read(text)
    page = CleanPage(headline=repaired(title))
    read_dateline = partial(dateline.read, is_place=is_place, page_text=reading.text)
    lines = split_lines(reading.text)
    body_start = next(
        (i for i, line in enumerate(lines) if _is_lead(line.text) and not furniture_kind(line.text)), len(lines)
    )
    body_end = len(lines)
    while body_end > body_start and _is_trailer(lines[body_end - 1].text):
        body_end -= 1
    for index, line in enumerate(lines):
        if index < body_start:
            _header_line(page, line, read_dateline)
        elif index >= body_end:
            page.furniture.append(_furniture(furniture_kind(line.text) or "trailer", line))
        else:
            _body_line(page, line, False, read_dateline)
    _drop_repeated_captions(page)
    _offsets_into_raw(page, reading, text)
    return page


def _offsets_into_raw(page: CleanPage, reading: Reading, raw: str) -> None:
    """Cleaning's offsets, into the reading, as offsets into the raw text."""
    for paragraph in page.paragraphs:
        paragraph.raw_start, paragraph.raw_end = (
            reading.raw_offset(paragraph.raw_start),
            reading.raw_offset(paragraph.raw_end),
        )
    for item in page.furniture:
        item.raw_start, item.raw_end = reading.raw_offset(item.raw_start), reading.raw_offset(item.raw_end)
        item.text = raw[item.raw_start : item.raw_end]
    if page.dateline_place_start is not None and page.dateline_place_end is not None:
        page.dateline_place_start = reading.raw_offset(page.dateline_place_start)
        page.dateline_place_end = reading.raw_offset(page.dateline_place_end)


def _drop_repeated_captions(page: CleanPage) -> None:
    """A caption that repeats a body paragraph word for word (a lead photo's caption) is furniture."""
    if not any(paragraph.section == "caption" for paragraph in page.paragraphs):
        return
    body_texts = {_letters(paragraph.text) for paragraph in page.paragraphs if paragraph.section == "body"}
    for paragraph in [p for p in page.paragraphs if p.section == "caption" and _letters(p.text) in body_texts]:
        page.paragraphs.remove(paragraph)
        page.furniture.append(Furniture("caption_repeat", paragraph.text, paragraph.raw_start, paragraph.raw_end))


def _is_trailer(text: str) -> bool:
    if furniture_kind(text):
        return True
    return len(WORD.findall(text)) <= EDGE_MAX_WORDS and not ENDS_LIKE_SENTENCE.search(text)


def _furniture(kind: str, line: Line, start: int | None = None, end: int | None = None) -> Furniture:
    start = line.start if start is None else start
    end = line.end if end is None else end
    offset = start - line.start
    return Furniture(kind, line.text[offset : offset + end - start], start, end)


def _header_line(page: CleanPage, line: Line, read_dateline: DatelineReader) -> None:
    text = line.text
    kind = furniture_kind(text)
    if kind in DATED_KINDS and _publication_line(page, line):
        return
    if kind == "credit" and BRACKETED_LINE.match(text):
        _caption_above(page)
    if kind:
        page.furniture.append(_furniture(kind, line))
    elif domain := DOMAIN.match(text):
        page.domain = domain.group(1).lower()
        page.furniture.append(_furniture("site", line))
    elif stamp := DATE_STAMP.match(text):
        _date_stamp(page, line, stamp)
        rest = Line(text[stamp.end() :], line.start + stamp.end(), line.end)
        if rest.text:
            _header_line(page, rest, read_dateline)
    elif page.headline is None and _slash_credit(text):
        _body_line(page, line, True, read_dateline)  # a photo's caption before the headline
    elif page.headline is None:
        page.headline = text
        page.furniture.append(_furniture("headline", line))
    elif _same_headline(text, page.headline):
        page.furniture.append(_furniture("headline_repeat", line))
    elif (label := _section_label(page)) and KICKER_MIN_WORDS <= len(WORD.findall(text)):
        # "Daerah", "Info Haji 2024", "detikNews" above the headline: a section label, not the title.
        label.kind = "section"
        page.headline = text
        page.furniture.append(_furniture("headline", line))
    else:
        _body_line(page, line, True, read_dateline)


def _slash_credit(text: str) -> re.Match | None:
    found = SLASH_CREDIT.search(text)
    return found if found and len(WORD.findall(text)) >= CAPTION_MIN_WORDS else None


def _caption_above(page: CleanPage) -> None:
    """A credit in brackets under the line taken for the headline ("(Dok. Polres Bengkalis)")
    shows that line was a photo's caption: it goes to the caption section, and the headline is
    looked for again."""
    if page.paragraphs or not page.furniture or page.furniture[-1].kind != "headline":
        return
    caption = page.furniture.pop()
    page.headline = None
    page.paragraphs.append(Paragraph(caption.text, caption.raw_start, caption.raw_end, "caption"))


def _section_label(page: CleanPage) -> Furniture | None:
    """The headline line taken so far, when it is short enough to be a section label instead
    (never a title the source stated, and never once the body has begun)."""
    lines = [f for f in page.furniture if f.kind == "headline"]
    if page.paragraphs or len(lines) != 1 or lines[0].text != page.headline:
        return None
    text = lines[0].text
    return lines[0] if len(WORD.findall(text)) <= SECTION_MAX_WORDS and not ENDS_LIKE_SENTENCE.search(text) else None


def _publication_line(page: CleanPage, line: Line, year_needed: bool = False) -> bool:
    """A line that dates the page ("Senin, 11 September 2023 | 10:15 WIB"), alone or behind the
    outlet's domain ("Kompas.com - 19/04/2019, 10:00 WIB"); `year_needed` in the body, where a
    line of figures ("2.500") is the article's."""
    text, domain = line.text, None
    if behind := DOMAIN_DATE_LINE.match(text):
        domain, text = behind["domain"], behind["date"]
    if not (DATE_LINE.match(text) and HAS_DIGIT.search(text)) and not _dated_line(text):
        return False
    if year_needed and not YEAR.search(text):
        return False
    if domain:
        page.domain = page.domain or domain.lower()
    page.date_lines.append(text)
    page.furniture.append(_furniture("date", line))
    return True


def _date_stamp(page: CleanPage, line: Line, stamp: re.Match) -> None:
    if stamp.group(2):  # a month alone ("date 2018-10") is no publication date
        page.date_lines.append(stamp.group(1))
    page.furniture.append(_furniture("date", line, line.start, line.start + stamp.end()))


def _dated_line(text: str) -> bool:
    """A short line with a date among a few other words, and a time, weekday or word of publishing;
    a credit line may name its people ("Penulis: Nama Lengkap | Editor: Nama Lain | Senin, ...")."""
    others = DATED_CREDIT_OTHER_WORDS if CREDIT_LINE.match(text) else DATED_LINE_OTHER_WORDS
    return (
        len(text) <= DATED_LINE_MAX_CHARS
        and not ENDS_LIKE_SENTENCE.search(text)
        and len(WORD.findall(DATE_TOKENS.sub(" ", text))) <= others
        and PUBLISHING.search(text) is not None
        and parse_date(text) is not None
    )


def _body_line(page: CleanPage, line: Line, in_header: bool, read_dateline: DatelineReader) -> None:
    """A paragraph of the article; in the header zone, one with a credit is a photo caption."""
    kind = furniture_kind(line.text)
    if not in_header and kind in DATED_KINDS and _publication_line(page, line, year_needed=True):
        return  # below a teaser paragraph
    kind = kind or _summary(page, line.text)
    if kind is None and in_header and page.headline is not None and is_byline(line.text):
        kind = "byline"
    if kind:
        page.furniture.append(_furniture(kind, line))
        return
    start, end = line.start, line.end
    if stamp := DATE_STAMP.match(line.text):
        _date_stamp(page, line, stamp)
        start += stamp.end()
    body_so_far = sum(p.section == "body" and len(WORD.findall(p.text)) >= LEAD_MIN_WORDS for p in page.paragraphs)
    if body_so_far < DATELINE_MAX_PARAGRAPH and page.dateline_outlet is None and page.dateline_place is None:
        # Usually on the first paragraph; after a teaser paragraph on some sites.
        offset = start - line.start
        if found := read_dateline(line.text[offset:]):
            page.dateline_outlet = found.outlet
            if found.when:
                page.date_lines.append(found.when)
            if found.place:
                page.dateline_place = line.text[offset + found.place[0] : offset + found.place[1]]
                page.dateline_place_start = start + found.place[0]
                page.dateline_place_end = start + found.place[1]
            page.furniture.append(_furniture("dateline", line, start, start + found.end))
            start += found.end
    section = "body"
    credit = CAPTION_CREDIT.search(line.text) or (_slash_credit(line.text) if in_header else None)
    if credit and credit.start() > 0:
        # "(AFP/Cah)" closing a body paragraph is the article's sign-off, not a photo credit.
        is_sign_off = credit.group(1).startswith("(") and not in_header
        section = "body" if is_sign_off else "caption"
        page.furniture.append(
            _furniture("sign_off" if is_sign_off else "photo_credit", line, line.start + credit.start(1), end)
        )
        end = line.start + len(line.text[: credit.start()].rstrip())
    text = line.text[start - line.start : end - line.start]
    if text:
        page.paragraphs.append(Paragraph(text, start, start + len(text), section))


def _summary(page: CleanPage, text: str) -> str | None:
    """ "Ringkasan Berita:" and the points under it, which repeat the article in short."""
    if SUMMARY_LABEL.match(text) and page.headline is not None:
        return "summary"
    if SUMMARY_POINT.match(text) and page.furniture and page.furniture[-1].kind == "summary":
        return "summary"
    return None
