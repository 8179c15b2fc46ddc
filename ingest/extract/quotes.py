"""Who said what: direct and reported quotes with their speakers.

Indonesian news attributes speech with a small set of cues, before or after the words:

    “…,” kata Watson.                 direct, cue after the quote, named speaker
    “…,” tambahnya.                    direct, pronoun cue: the last named speaker
    Watson berkata, “…”                direct, cue before the quote
    Adrienne mengatakan bahwa …        reported, "bahwa" clause
    Menurut Adrienne Watson, …         reported
    Dia menambahkan bahwa …            reported, pronoun: the last named speaker

A speaker is a person (or, failing one, an organisation) mention next to the cue. A
speaker given only by role ("Juru bicara Kremlin mengatakan") is the person the article
earlier introduced with that role ("juru bicara Kremlin Dmitry Peskov").
"""

from __future__ import annotations

import re

from ingest.extract import lexicon
from ingest.extract.lexicon import QUOTE_MARKS, SPEECH_CUE_ROOTS
from ingest.models import Entity, Mention, Quote, Sentence

# Cues after a quotation: ", kata Watson", ", ujar juru bicara ...", ", tambahnya".
CUE_AFTER = re.compile(rf"\s*,?\s*(?P<cue>(?:{'|'.join(SPEECH_CUE_ROOTS)})(?P<pronoun>nya)?)\b", re.IGNORECASE)
# Cues before a quotation or a reported clause: "Watson berkata,", "Kirby mengatakan bahwa".
SPEECH_VERBS = "|".join(lexicon.SPEECH_VERBS)
CUE_VERB = re.compile(rf"\b(?P<cue>{SPEECH_VERBS})\b\s*[,:]?\s*", re.IGNORECASE)
BAHWA = re.compile(r"^(?:\S+\s+){0,4}?(?:bahwa|jika)\s+", re.IGNORECASE)  # "mengatakan pekan lalu bahwa ..."
ADDRESSEE = re.compile(r"\b(?:kepada|dengan|di|ke|dari|untuk|oleh|terhadap|pada)\s+$", re.IGNORECASE)
# "<clause>, Watson menambahkan." The speaker and the verb close the sentence.
CUE_AT_END = re.compile(rf",\s*(?P<who>[^,]{{2,60}}?)\s+(?P<cue>{SPEECH_VERBS})\s*[.!]?\s*$", re.IGNORECASE)
MENURUT = re.compile(r"\b(?P<cue>[Mm]enurut)\s+")
PRONOUN = re.compile(r"\b(?:dia|ia|beliau)\s*$", re.IGNORECASE)  # not "mereka": a group is not the last speaker
ROLE = re.compile(r"\b(?P<role>juru\s+bicara|jubir|kepala|ketua|direktur|menteri)\s+$", re.IGNORECASE)
APPOSITION = re.compile(r"\s*(?:,\s*yang\b|,?\s*(?:selaku|sebagai|yang merupakan|yang juga)\b)", re.IGNORECASE)
SPEAKER_WINDOW = 60  # characters between a cue and its speaker's name
MIN_QUOTE_WORDS = 3


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of text inside quotation marks, pairing marks in order: news mixes “ ” and "."""
    marks = [i for i, character in enumerate(text) if character in QUOTE_MARKS]
    spans = []
    for opening, closing in zip(marks[::2], marks[1::2]):
        if len(text[opening + 1 : closing].split()) >= MIN_QUOTE_WORDS:
            spans.append((opening + 1, closing))
    return spans


class QuoteFinder:
    """Reads an article's sentences, in order, remembering the last speaker and the roles."""

    def __init__(self):
        self.last_speaker: Entity | None = None
        self.roles: dict[tuple[str, str], Entity] = {}  # ("juru bicara", organisation key) -> person

    def find(self, sentences: list[Sentence], mentions: list[Mention]) -> list[Quote]:
        by_sentence: dict[int, list[Mention]] = {}
        for mention in mentions:
            by_sentence.setdefault(mention.sentence_position, []).append(mention)
        quotes = []
        for sentence in sentences:
            here = by_sentence.get(sentence.position, [])
            self._learn_roles(sentence.text, here)
            quotes += self._direct(sentence, here) or self._reported(sentence, here)
        return quotes

    def _learn_roles(self, text: str, mentions: list[Mention]) -> None:
        """ "juru bicara Kremlin Dmitry Peskov": an organisation then a person after a role word."""
        for organisation, person in zip(mentions, mentions[1:]):
            if (
                organisation.entity.type == "organization"
                and person.entity.type == "person"
                and not text[organisation.char_end : person.char_start].strip()
            ):
                role = ROLE.search(text[: organisation.char_start])
                if role:
                    self.roles[(_role_key(role.group("role")), organisation.entity.key)] = person.entity

    def _direct(self, sentence: Sentence, mentions: list[Mention]) -> list[Quote]:
        text, quotes = sentence.text, []
        for start, end in quoted_spans(text):
            after = CUE_AFTER.match(text, end + 1)
            if after:
                cue = after.group("cue").lower()
                speaker = (
                    self.last_speaker if after.group("pronoun") else self._speaker_after(text, mentions, after.end())
                )
            else:
                cue, speaker = self._cue_before(text, mentions, start - 1)
            if cue:
                quotes.append(self._quote(sentence, start, end, "direct", cue, speaker))
        return quotes

    def _cue_before(self, text: str, mentions: list[Mention], opening: int) -> tuple[str | None, Entity | None]:
        """ "Watson berkata, “…”": a speech verb right before the opening mark."""
        before = text[:opening]
        verb = None
        for match in CUE_VERB.finditer(before):
            if match.end() == len(before):
                verb = match
        if verb is None:
            return None, None
        return verb.group("cue").lower(), self._speaker_before(text, mentions, verb.start())

    def _reported(self, sentence: Sentence, mentions: list[Mention]) -> list[Quote]:
        text = sentence.text
        menurut = MENURUT.search(text)
        if menurut:
            speaker = self._speaker_after(text, mentions, menurut.end(), adjacent=True)
            comma = text.find(",", menurut.end())
            if speaker and comma != -1 and len(text[comma + 1 :].split()) >= MIN_QUOTE_WORDS:
                return [
                    self._quote(sentence, _skip_space(text, comma + 1), _trim_end(text), "reported", "menurut", speaker)
                ]
        at_end = CUE_AT_END.search(text)
        if at_end:
            speaker = self._speaker_after(text, mentions, at_end.start("who"), adjacent=True)
            if speaker and len(text[: at_end.start()].split()) >= MIN_QUOTE_WORDS:
                return [self._quote(sentence, 0, at_end.start(), "reported", at_end.group("cue").lower(), speaker)]
        inside_quotes = quoted_spans(text)
        for verb in CUE_VERB.finditer(text):
            if any(start <= verb.start() < end for start, end in inside_quotes):
                continue
            speaker = self._speaker_before(text, mentions, verb.start())
            start = verb.end()
            bahwa = BAHWA.match(text[start:])
            start += bahwa.end() if bahwa else 0
            if speaker and len(text[start:].split()) >= MIN_QUOTE_WORDS:
                return [self._quote(sentence, start, _trim_end(text), "reported", verb.group("cue").lower(), speaker)]
        return []

    def _speaker_after(self, text, mentions, position, adjacent=False) -> Entity | None:
        """The first person (else organisation) named within reach after a cue."""
        reach = [m for m in mentions if position <= m.char_start <= position + SPEAKER_WINDOW]
        if adjacent:
            reach = [m for m in reach if not text[position : m.char_start].strip()]
        person = next((m for m in reach if m.entity.type == "person"), None)
        if person:
            return person.entity
        organisation = next((m for m in reach if m.entity.type == "organization"), None)
        return self._by_role(text, organisation) if organisation else None

    def _speaker_before(self, text, mentions, cue_start) -> Entity | None:
        """The speaker before a speech verb: a pronoun ("Dia menambahkan"), the sentence's subject
        with an apposition ("John Kirby selaku juru bicara ... mengatakan"), or the name right
        before the verb, a few words apart at most ("Gedung Putih mengatakan pekan lalu")."""
        if PRONOUN.search(text[:cue_start]):
            return self.last_speaker
        before = [m for m in mentions if m.char_end <= cue_start and not ADDRESSEE.search(text[: m.char_start])]
        if not before:
            return None
        subject = before[0]
        if subject.entity.type in ("person", "organization") and APPOSITION.match(text, subject.char_end):
            return subject.entity if subject.entity.type == "person" else self._by_role(text, subject)
        nearest = before[-1]
        if cue_start - nearest.char_end > SPEAKER_WINDOW // 2:
            return None
        if nearest.entity.type == "person":
            return nearest.entity
        return self._by_role(text, nearest) if nearest.entity.type == "organization" else None

    def _by_role(self, text: str, organisation: Mention) -> Entity:
        """ "Juru bicara Kremlin": the person introduced with that role, else the organisation."""
        role = ROLE.search(text[: organisation.char_start])
        if role:
            return self.roles.get((_role_key(role.group("role")), organisation.entity.key), organisation.entity)
        return organisation.entity

    def _quote(self, sentence, start, end, kind, cue, speaker) -> Quote:
        if speaker is not None:
            self.last_speaker = speaker
        return Quote(sentence.position, start, end, sentence.text[start:end], kind, cue, speaker)


def _role_key(role: str) -> str:
    return " ".join(role.lower().split())


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _trim_end(text: str) -> int:
    """End of a reported clause: the sentence without its closing punctuation."""
    return len(text.rstrip().rstrip(".!?…").rstrip())


def find_quotes(sentences: list[Sentence], mentions: list[Mention]) -> list[Quote]:
    return QuoteFinder().find(sentences, mentions)
