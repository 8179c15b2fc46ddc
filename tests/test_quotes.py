"""Quotes and their speakers, on sentences written for the tests."""

import pytest

from ingest.extract.entities import Extractor
from ingest.extract.quotes import find_quotes, quoted_spans
from ingest.extract.sentences import split_sentences
from ingest.models import Sentence


@pytest.fixture(scope="module")
def extractor():
    return Extractor()


def quotes_of(extractor, text):
    sentences = []
    for paragraph_start, paragraph in _paragraphs(text):
        for span in split_sentences(paragraph):
            sentences.append(
                Sentence(
                    len(sentences),
                    paragraph_start + span.start,
                    paragraph_start + span.end,
                    paragraph[span.start : span.end],
                )
            )
    quotes = find_quotes(sentences, extractor.extract(sentences))
    for quote in quotes:
        assert sentences[quote.sentence_position].text[quote.char_start : quote.char_end] == quote.text
    return [(q.kind, q.cue, q.speaker.name if q.speaker else None, q.text) for q in quotes]


def _paragraphs(text):
    position = 0
    for paragraph in text.split("\n\n"):
        yield position, paragraph
        position += len(paragraph) + 2


def test_direct_quote_with_cue_after_and_pronoun_follow_up(extractor):
    found = quotes_of(
        extractor,
        "“Kami tidak akan mundur dari perundingan ini,” kata Ortwin Keldermann.\n\n"
        "“Semua pihak harus menahan diri,” tambahnya.",
    )
    assert found == [
        ("direct", "kata", "Ortwin Keldermann", "Kami tidak akan mundur dari perundingan ini,"),
        ("direct", "tambahnya", "Ortwin Keldermann", "Semua pihak harus menahan diri,"),
    ]


def test_direct_quote_with_cue_before(extractor):
    found = quotes_of(extractor, "Chipoka Mulenga berkata, “Harga jagung akan turun bulan depan.”")
    assert found == [("direct", "berkata", "Chipoka Mulenga", "Harga jagung akan turun bulan depan.")]


def test_reported_speech_with_bahwa_and_a_pronoun(extractor):
    found = quotes_of(
        extractor,
        "Presiden Zambia Hakainde Hichilema mengatakan pada hari Senin bahwa panen "
        "tahun ini gagal. Dia menambahkan bahwa bantuan pangan akan dikirim ke utara.",
    )
    assert found == [
        ("reported", "mengatakan", "Hakainde Hichilema", "panen tahun ini gagal"),
        ("reported", "menambahkan", "Hakainde Hichilema", "bantuan pangan akan dikirim ke utara"),
    ]


def test_menurut_and_cue_at_the_end(extractor):
    found = quotes_of(
        extractor,
        "Menurut Ayesha Verrall, pemerintah terlambat bertindak. "
        "Bantuan itu tidak cukup untuk semua petani, Verrall menambahkan.",
    )
    assert found == [
        ("reported", "menurut", "Ayesha Verrall", "pemerintah terlambat bertindak"),
        ("reported", "menambahkan", "Ayesha Verrall", "Bantuan itu tidak cukup untuk semua petani"),
    ]


def test_a_speaker_given_by_role_is_the_person_introduced_with_it(extractor):
    found = quotes_of(
        extractor,
        "“Kami siap berunding,” ujar juru bicara Kremlin Dmitry Peskov.\n\n"
        "Juru bicara Kremlin mengatakan bahwa pertemuan akan digelar bulan depan.",
    )
    assert [speaker for _, _, speaker, _ in found] == ["Dmitry Peskov", "Dmitry Peskov"]


def test_an_addressee_is_not_the_speaker(extractor):
    found = quotes_of(extractor, "Pejabat itu berbicara kepada Reuters dan mengatakan bahwa kapal itu telah berlayar.")
    assert found == []


def test_quoted_spans_pair_mixed_marks_and_skip_short_ones():
    text = 'Ia menyebut “sangat baik” lalu berkata “Ini akan berlanjut sampai akhir tahun," katanya.'
    assert [text[s:e] for s, e in quoted_spans(text)] == ["Ini akan berlanjut sampai akhir tahun,"]
