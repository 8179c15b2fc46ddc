"""Find the people, organisations and places an article mentions, one entity per real thing.

How a sentence is read:

1. Capitalised runs: maximal sequences of capitalised words (with particles such as
   "bin" inside), broken by punctuation. Only runs can be names.
2. Each run is cut into pieces from left to right. At each word, in order:
   a name already seen in this article ("Kim" after "Kim Jong Un"); the longest
   gazetteer alias (curated people, organisations, landmarks, countries; a city from
   geonames only when it is the whole rest of the run or follows a place word, since
   its aliases are noisy); an organisation head with its common-word tail
   ("Dewan Keamanan Nasional"); an organisation namer with its proper name ("Grup
   Wagner"); an English name ending in an organisation word ("Eastern Economic Forum");
   a place word with its name ("Kota Vladivostok"); an acronym ("NSC"); a title
   ("Presiden", "Menteri"), which makes the following name a person; then a name of
   words the Indonesian dictionary does not know ("Adrienne Watson").
3. An unknown name's type comes from its cue: a title or speech verb before it makes a
   person, a place preposition ("di", "ke") a place; two or more words with no cue are
   taken as a person; a lone unknown word with no cue is left out (too ambiguous).
4. Resolution: gazetteer entities carry archive-wide keys (Wikidata ids, geonames ids);
   new names are keyed by type and normalised name, so "Kim Jong-un" and "Kim Jong Un"
   are one key. Within an article a person's first and last word ("Kim", "Watson")
   and an acronym in brackets after a name ("Dewan Keamanan Nasional (NSC)") refer back
   to it. An article is read twice so that a short form before the full name resolves.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from ingest.extract.gazetteer import Gazetteer, load_gazetteer
from ingest.extract.lexicon import SPEAKER_CUES, is_common_word
from ingest.models import Entity, Mention, Place, Sentence

TOKEN = re.compile(r"\w+(?:[-.’']\w+)*", re.UNICODE)
DOMAIN_TOKEN = re.compile(r"^[\w-]+(?:\.[a-z]{2,}){1,3}$")
ACRONYM = re.compile(r"^[A-Z]{2,6}$")
MAX_NAME_WORDS = 5


@dataclass(frozen=True)
class Cues:
    person_titles: frozenset[str]
    speech_verbs: frozenset[str]
    organization_heads: frozenset[str]
    organization_namers: frozenset[str]
    organization_tails: frozenset[str]
    place_heads: dict
    place_prepositions: frozenset[str]
    name_particles: frozenset[str]
    never_entities: frozenset[str]
    regional_titles: frozenset[str]
    demonyms: frozenset[str]


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    data = yaml.safe_load(files("ingest").joinpath("data/cues.yml").read_text(encoding="utf-8"))
    fields: dict[str, Any] = {
        key: value if isinstance(value, dict) else frozenset(value) for key, value in data.items()
    }
    return Cues(speech_verbs=SPEAKER_CUES, **fields)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass
class ArticleContext:
    """What reading an article so far has taught: short forms of names, countries seen."""

    aliases: dict[str, Entity] = field(default_factory=dict)
    countries: set[str] = field(default_factory=set)

    def learn(self, entity: Entity, surface: str) -> None:
        if entity.place and entity.place.kind == "country" and entity.place.country_code:
            self.countries.add(entity.place.country_code)
        if entity.type != "person":
            return
        for name in {entity.name, surface}:
            words = name.split()
            if len(words) > 1:
                self.aliases.setdefault(name_key(name), entity)
                for word in (words[0], words[-1]):
                    self.aliases.setdefault(name_key(word), entity)


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """Case, diacritics, hyphens and a leading English article folded: the key of a new name."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = re.sub(r"[-’'.]", " ", plain).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def new_entity(name: str, type_: str, kind: str | None = None) -> Entity:
    name = re.sub(r"^(?:The)\s+", "", name)
    place = Place(None, None, None, kind or "region") if type_ == "place" else None
    return Entity(f"{type_}:{name_key(name)}", name, type_, None, place)


def is_capitalised(word: str) -> bool:
    return word[:1].isupper() or bool(DOMAIN_TOKEN.match(word))


def capitalised_runs(text: str, tokens: list[Token], particles: frozenset[str]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of runs of capitalised tokens separated by nothing but spaces."""
    runs, i = [], 0
    while i < len(tokens):
        if not is_capitalised(tokens[i].text) or tokens[i].text[0].isdigit():
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and text[tokens[j - 1].end : tokens[j].start].strip() == "":
            word = tokens[j].text
            if is_capitalised(word):
                j += 1
            elif (
                word in particles
                and j + 1 < len(tokens)
                and is_capitalised(tokens[j + 1].text)
                and text[tokens[j].end : tokens[j + 1].start].strip() == ""
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


class Extractor:
    """Reads sentences into mentions. Build one per process; it holds the gazetteer."""

    def __init__(self, gazetteer: Gazetteer | None = None, cues: Cues | None = None):
        self.gazetteer = gazetteer or load_gazetteer()
        self.cues = cues or load_cues()

    def extract(self, sentences: list[Sentence]) -> list[Mention]:
        context = ArticleContext()
        read = []
        for sentence in sentences:
            tokens = [Token(m.group(), m.start(), m.end()) for m in TOKEN.finditer(sentence.text)]
            read.append((sentence, tokens, capitalised_runs(sentence.text, tokens, self.cues.name_particles)))
        for sentence, tokens, runs in read:  # first reading: learn full names, so a short form before them resolves
            self._sentence_mentions(sentence, tokens, runs, context)
        return [m for sentence, tokens, runs in read for m in self._sentence_mentions(sentence, tokens, runs, context)]

    def _sentence_mentions(self, sentence: Sentence, tokens: list[Token], runs, context: ArticleContext):
        text = sentence.text
        mentions: list[Mention] = []
        for run_start, run_end in runs:
            for first, last, entity in self._read_run(text, tokens, run_start, run_end, context, mentions):
                start, end = tokens[first].start, tokens[last - 1].end
                surface = text[start:end]
                self._adopt_bracketed_short_form(text, mentions, start, entity, context)
                mentions.append(Mention(sentence.position, start, end, surface, entity))
                context.learn(entity, surface)
        return mentions

    @staticmethod
    def _adopt_bracketed_short_form(text, mentions, start, entity, context) -> None:
        """ "Dewan Keamanan Nasional (NSC)": a new name followed by a known short form in brackets
        is that known entity, here and in the rest of the article."""
        if (
            not mentions
            or text[mentions[-1].char_end : start].strip() != "("
            or entity.key.startswith(f"{entity.type}:")
        ):
            return
        previous = mentions[-1]
        if previous.entity.key.startswith(f"{previous.entity.type}:") and previous.entity.type == entity.type:
            previous.entity = entity
            context.aliases[name_key(previous.surface)] = entity

    def _read_run(self, text, tokens, run_start, run_end, context, mentions):
        """Yield (first token, end token, entity) for each name found in one capitalised run."""
        cues, i = self.cues, run_start
        titled = self._titled(tokens, run_start)
        while i < run_end:
            word = tokens[i]
            lower = word.lower
            piece = (
                self._known(tokens, i, run_end, context)
                or self._organization(text, tokens, i, run_end, context)
                or self._place(text, tokens, i, run_end, context)
            )
            if (
                piece is None
                and ACRONYM.match(word.text)
                and not is_common_word(word.text)
                and lower not in cues.never_entities
                and lower not in cues.person_titles  # "AKBP", "CEO"
            ):
                piece = i, i + 1, self._acronym(text, tokens, i, mentions, context)
            if piece is None and DOMAIN_TOKEN.match(word.text) and "." in word.text:
                piece = i, i + 1, new_entity(word.text.lower(), "organization")
            if piece is None and lower in cues.person_titles:
                titled = True
            elif piece is None and self._may_start_name(tokens, i):
                end = self._name_end(tokens, i, run_end, context)
                entity = self._unknown_name(text, tokens, i, end, run_start, titled) if end > i else None
                if entity is None:  # a common word, or a lone word with no cue
                    i = max(end, i + 1)
                    continue
                piece = i, end, entity
            if piece:
                yield piece
                i = piece[1]
                titled = titled and piece[2].type != "person"
            else:
                i += 1

    def _known(self, tokens, i, run_end, context):
        """A gazetteer alias or a name this article has used, starting at token i (longest first).

        A short form this article has used ("Kim" after "Kim Jong Un") outranks a one-word
        gazetteer alias; a geonames city is taken only as the whole rest of the run or
        after a place word, since its aliases are noisy.
        """
        longest = min(run_end - i, max(self.gazetteer.max_tokens, MAX_NAME_WORDS))
        countries = frozenset(context.countries)
        for n in range(longest, 0, -1):
            surface = name_key(" ".join(t.text for t in tokens[i : i + n]))
            if surface in context.aliases:
                return i, i + n, context.aliases[surface]
            match = self.gazetteer.lookup(" ".join(t.text for t in tokens[i : i + n]), countries)
            if match and (match.source != "geonames" or i + n == run_end or self._after_place_word(tokens, i)):
                return i, i + n, match.entity
        return None

    def _organization(self, text, tokens, i, run_end, context):
        """ "Dewan Keamanan Nasional", "Grup Wagner", "Eastern Economic Forum" starting at token i, or None."""
        lower = tokens[i].lower
        end = None
        if lower in self.cues.organization_heads:
            end = self._common_tail(tokens, i + 1, run_end)
            if end == i + 1:  # "Badan Antariksa Ruritania": a head right before a proper name
                end = self._proper_tail(tokens, i + 1, run_end, context)
        elif lower in self.cues.organization_namers:
            end = self._proper_tail(tokens, i + 1, run_end, context)
        if end == i + 1:
            end = None
        if end is None:
            end = self._organization_tail(tokens, i, run_end)
        return (i, end, new_entity(self._span(text, tokens, i, end), "organization")) if end else None

    def _place(self, text, tokens, i, run_end, context):
        """A place word and its name: "Kota Vladivostok", "Provinsi Papua"."""
        if tokens[i].lower not in self.cues.place_heads or i + 1 >= run_end:
            return None
        kind = self.cues.place_heads[tokens[i].lower]
        match = self.gazetteer.lookup(" ".join(t.text for t in tokens[i + 1 : run_end]), frozenset(context.countries))
        if match and match.entity.type == "place":
            return i, run_end, match.entity
        return i, run_end, new_entity(self._span(text, tokens, i, run_end), "place", kind)

    def _after_place_word(self, tokens, i) -> bool:
        return i > 0 and (
            tokens[i - 1].lower in self.cues.place_prepositions
            or tokens[i - 1].lower in self.cues.place_heads
            or tokens[i - 1].lower in self.cues.regional_titles  # "Bupati Pati", "Kapolres Banjar"
        )

    def _titled(self, tokens, run_start) -> bool:
        """Does a lowercase title end just before the run? ("juru bicara Kremlin Dmitry Peskov")"""
        before = [t.lower for t in tokens[max(0, run_start - 2) : run_start]]
        return any(word in self.cues.person_titles for word in before)

    def _common_tail(self, tokens, i, run_end) -> int:
        """End of the common capitalised words after an organisation head ("Keamanan Nasional")."""
        end = i
        while end < run_end and is_common_word(tokens[end].text) and tokens[end].lower not in self.cues.person_titles:
            end += 1
        while end > i and not tokens[end - 1].text[:1].isupper():  # a name never ends on "dan"
            end -= 1
        return end

    def _proper_tail(self, tokens, i, run_end, context) -> int:
        """End of up to three capitalised words that name an organisation ("Grup Wagner")."""
        cues, end = self.cues, i
        while (
            end < min(run_end, i + 3)
            and tokens[end].text[:1].isupper()
            and not (
                tokens[end].lower in cues.organization_heads
                or tokens[end].lower in cues.person_titles
                or tokens[end].lower in cues.organization_namers
                or self._known(tokens, end, run_end, context)
            )
        ):
            end += 1
        return end

    def _organization_tail(self, tokens, i, run_end) -> int | None:
        """End of an English organisation name that starts at i and ends in an organisation word."""
        if tokens[i].text != "The" and not self._may_start_name(tokens, i):
            return None
        for j in range(min(run_end, i + MAX_NAME_WORDS), i + 1, -1):
            if tokens[j - 1].lower in self.cues.organization_tails:
                return j
        return None

    def _acronym(self, text, tokens, i, mentions, context) -> Entity:
        """An acronym in brackets right after a name is that name's short form: "(NSC)"."""
        word = tokens[i].text
        if name_key(word) in context.aliases:
            return context.aliases[name_key(word)]
        if mentions and text[mentions[-1].char_end : tokens[i].start].strip() == "(":
            entity = mentions[-1].entity
        else:
            entity = new_entity(word, "organization")
        context.aliases[name_key(word)] = entity
        return entity

    def _is_name_word(self, word: str) -> bool:
        lower = word.lower()
        return (
            word[:1].isupper()
            and lower not in self.cues.never_entities
            and lower not in self.cues.demonyms
            and lower not in self.cues.person_titles
            and lower not in self.cues.speech_verbs
        )

    def _may_start_name(self, tokens, i) -> bool:
        """The first word of a sentence is capitalised anyway: a common word there starts no name."""
        return self._is_name_word(tokens[i].text) and not (i == 0 and is_common_word(tokens[i].text))

    def _name_end(self, tokens, i, run_end, context) -> int:
        """End of an unknown name starting at i: words the dictionary does not know, and common
        words where `_continues_name` allows them."""
        end = i
        while end < run_end and end - i < MAX_NAME_WORDS and self._is_name_word(tokens[end].text):
            if end > i and self._known(tokens, end, run_end, context):
                break
            if is_common_word(tokens[end].text) and not self._continues_name(tokens, i, end, run_end, context):
                break
            end += 1
        return end

    def _continues_name(self, tokens, i, end, run_end, context) -> bool:
        """May the common word at `end` stand in a name? Before an unknown name word ("Kim Yo Jong"),
        or after one when it starts nothing else ("Penny Wong")."""
        following = end + 1
        if (
            following < run_end
            and self._is_name_word(tokens[following].text)
            and not is_common_word(tokens[following].text)
            and not self._known(tokens, following, run_end, context)
        ):
            return True
        lower = tokens[end].lower
        return (
            end > i
            and not is_common_word(tokens[end - 1].text)
            and not (
                lower in self.cues.organization_heads
                or lower in self.cues.organization_namers
                or lower in self.cues.place_heads
                or self._known(tokens, end, run_end, context)
            )
        )

    def _unknown_name(self, text, tokens, i, end, run_start, titled) -> Entity | None:
        name = self._span(text, tokens, i, end)
        before = tokens[i - 1].lower if i > 0 else ""
        if titled or before in self.cues.speech_verbs:
            return new_entity(name, "person")
        if i == run_start and before in self.cues.place_prepositions:
            return new_entity(name, "place")
        if end - i >= 2:
            return new_entity(name, "person")
        return None

    @staticmethod
    def _span(text, tokens, i, end) -> str:
        return text[tokens[i].start : tokens[end - 1].end]
