"""The place an article was filed from (its dateline's), as a mention of the article.

`clean` keeps the dateline's place; `CleanPage.keep_dateline_place` makes it a paragraph
of its own in the `dateline` section, so its sentence's offsets lead back into the body,
and `place_mention` maps it through the gazetteer like any other place. The entity stage
reads the other sentences: a dateline is no prose, and its capitals ("PALANGKA RAYA") are
no clue to what the name is.
"""

from __future__ import annotations

from ingest.extract.dateline import SECTION, PlaceTest
from ingest.extract.entities import name_key, new_entity
from ingest.extract.gazetteer import Gazetteer
from ingest.models import Entity, Mention, Sentence


def place_test(gazetteer: Gazetteer) -> PlaceTest:
    """Whether the gazetteer knows a name as a place a dateline names, a town or a region (not a
    country: "Indonesia - Malaysia sepakat ..." opens a lead): what `clean` is given by the pipeline."""

    def is_place(name: str) -> bool:
        match = gazetteer.lookup(name)
        place = match.entity.place if match is not None else None
        return place is not None and place.kind != "country"

    return is_place


def place_mention(sentences: list[Sentence], mentions: list[Mention], gazetteer: Gazetteer) -> list[Mention]:
    """The dateline sentences' places as mentions: the gazetteer's place (with the countries
    the article's `mentions` name as context), else the place of that name the article
    mentions, else a new place; none when the gazetteer knows the name as something else."""
    found = []
    countries = frozenset(
        m.entity.place.country_code
        for m in mentions
        if m.entity.place is not None and m.entity.place.kind == "country" and m.entity.place.country_code
    )
    for sentence in sentences:
        if sentence.section != SECTION:
            continue
        match = gazetteer.lookup(sentence.text, countries)
        if match is not None and match.entity.type != "place":
            continue
        entity = match.entity if match else _named_in_article(sentence.text, mentions)
        found.append(Mention(sentence.position, 0, len(sentence.text), sentence.text, entity))
    return found


def _named_in_article(name: str, mentions: list[Mention]) -> Entity:
    key = name_key(name)
    for mention in mentions:
        if mention.entity.type == "place" and name_key(mention.surface) == key:
            return mention.entity
    return new_entity(name.title() if name.isupper() else name, "place")
