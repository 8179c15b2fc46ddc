"""Shared fixtures: a real archive database, and a real Datasette serving it.

`seeds_db` is seeds/ ingested by the real CLI. `archive_db` adds one hostile article (markup
in its title and body) so that every server and browser test also proves escaping.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ingest.models import Article, Entity, Mention, Place, Sentence
from ingest.serve import datasette_args
from ingest.stem import stem_text
from ingest.store import open_database, save_article

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

HOSTILE_ID = "hostile-markup"
HOSTILE_TITLE = "<script>alert(1)</script> Warga Moskow <b>heboh</b>"
HOSTILE_SENTENCES = [
    "Warga Moskow menulis <script>alert(1)</script> di forum Vladivostok.",
    "Gambar <img src=x onerror=alert(1)> muncul di Pyongyang & dibagikan \"besar-besaran\".",
]
MOSCOW = Entity("geonames:524901", "Moscow", "place", "Q649", Place(55.7522, 37.6156, "RU", "city", 524901))
PYONGYANG = Entity("geonames:1871859", "Pyongyang", "place", "Q18808", Place(39.0339, 125.7543, "KP", "city", 1871859))
VLADIVOSTOK = Entity("geonames:2013348", "Vladivostok", "place", "Q959", Place(43.1056, 131.8735, "RU", "city", 2013348))


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory) -> Path:
    """seeds/ ingested once per test session by `python -m ingest ingest`."""
    path = tmp_path_factory.mktemp("archive") / "archive.db"
    result = subprocess.run(
        [sys.executable, "-m", "ingest", "ingest", str(SEEDS), "--db", str(path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return path


def article_from_sentences(article_id, title, sentences, mentions, **fields) -> Article:
    """An Article whose body is `sentences` joined by spaces; `mentions` are
    (sentence index, surface, entity) and the offsets are found in the sentence."""
    body, spans = "", []
    for text in sentences:
        if body:
            body += " "
        spans.append(Sentence(len(spans), len(body), len(body) + len(text), text))
        body += text
    found = []
    for index, surface, entity in mentions:
        start = sentences[index].index(surface)
        found.append(Mention(index, start, start + len(surface), surface, entity))
    return Article(id=article_id, source=f"{article_id}.txt", format="txt", raw=body, body=body,
                   content_hash=article_id, title=title, sentences=spans, mentions=found, **fields)


def save(db, article: Article) -> None:
    save_article(db, article, [stem_text(s.text) for s in article.sentences], "2026-01-01T00:00:00")


def hostile_article() -> Article:
    return article_from_sentences(
        HOSTILE_ID, HOSTILE_TITLE, HOSTILE_SENTENCES,
        [(0, "Moskow", MOSCOW), (0, "Vladivostok", VLADIVOSTOK), (1, "Pyongyang", PYONGYANG)],
        outlet="<i>forum</i>", published="2023-09-06", language="id",
    )


def handmade_articles() -> list[Article]:
    """Stand-ins for seeds/ until the ingest pipeline works."""
    putin = Entity("Q7747", "Vladimir Putin", "person", "Q7747")
    kim = Entity("Q56226", "Kim Jong Un", "person", "Q56226")
    vostochny = Entity("Q845185", "Kosmodrom Vostochny", "place", "Q845185",
                       Place(51.884, 128.334, "RU", "landmark"))
    peninsula = Entity("region:semenanjung korea", "Semenanjung Korea", "place", None,
                       Place(None, None, None, "region"))
    return [
        article_from_sentences(
            "disway-putin-kim", "Putin Akan Bertemu Kim Jong Un",
            ["Putin akan bertemu Kim Jong Un di Vladivostok.",
             "Pertemuan itu membahas senjata dari Pyongyang untuk perang di Semenanjung Korea."],
            [(0, "Putin", putin), (0, "Kim Jong Un", kim), (0, "Vladivostok", VLADIVOSTOK),
             (1, "Pyongyang", PYONGYANG), (1, "Semenanjung Korea", peninsula)],
            outlet="disway.id", published="2023-09-05", language="id",
        ),
        article_from_sentences(
            "nusantara-vostochny", "Kim Jong Un Tiba di Kosmodrom Vostochny",
            ["Kim Jong Un tiba di Kosmodrom Vostochny dengan kereta lapis baja.",
             "Putin menyambut Kim sebelum kembali ke Moskow.",
             "Kedua pemimpin sepakat bertemu lagi di Pyongyang."],
            [(0, "Kim Jong Un", kim), (0, "Kosmodrom Vostochny", vostochny), (1, "Putin", putin),
             (1, "Kim", kim), (1, "Moskow", MOSCOW), (2, "Pyongyang", PYONGYANG)],
            outlet="nusantaratv.com", published="2023-09-13", language="id",
        ),
    ]


@pytest.fixture(scope="session")
def archive_db(tmp_path_factory) -> Path:
    """The database every server and browser test reads: the archive plus the hostile article."""
    path = tmp_path_factory.mktemp("served") / "archive.db"
    db = open_database(str(path))
    for article in [*handmade_articles(), hostile_article()]:
        save(db, article)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()
    return path
