"""The long article of the hostile-page cases, built in one place for the bench
(`bench/hostile_bench.py`) and the tests (`tests/test_hostile_pages.py`): one sentence said
`count` times, each with a mention of one person and a quote of its middle words, or plain.
Stems are given, not computed: 10,000 stemmings would be most of a test."""

from ingest.models import Article, Entity, Mention, Quote, Sentence

TEXT = 'Ani berkata "kami siap berunding di Jakarta" kepada wartawan.'
QUOTED = TEXT[TEXT.index('"') + 1 : TEXT.rindex('"')]
ANI = Entity("person:ani hostile", "Ani", "person")


def long_article(count: int, marked: bool = True) -> Article:
    """`count` sentences joined by spaces, each with a mention of Ani and a quote (unless not `marked`)."""
    body, sentences, mentions, quotes = "", [], [], []
    start = TEXT.index(QUOTED)
    for position in range(count):
        if body:
            body += " "
        sentences.append(Sentence(position, len(body), len(body) + len(TEXT), TEXT, "body", TEXT.lower()))
        if marked:
            mentions.append(Mention(position, 0, 3, "Ani", ANI))
            quotes.append(Quote(position, start, start + len(QUOTED), QUOTED, "direct", "berkata", ANI))
        body += TEXT
    return Article(
        id="very-long",
        source="very-long.txt",
        format="txt",
        raw=body,
        body=body,
        content_hash="very-long",
        title="Sangat panjang",
        sentences=sentences,
        mentions=mentions,
        quotes=quotes,
    )
