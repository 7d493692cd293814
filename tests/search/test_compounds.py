"""Compound splitting (search/compounds.py)."""
import json

import pytest

from search import compounds
from search.nlp import STOP_WORDS


@pytest.mark.parametrize(
    "word, parts",
    [
        ("omgevingsvergunning", ("omgeving", "vergunning")),
        ("omgevingsvergunningsaanvraag", ("omgeving", "vergunning", "aanvraag")),
        ("rijksregisternummer", ("rijk", "register", "nummer")),
        ("handtekening", ("hand", "tekening")),
        ("gemeenteraad", ("gemeente", "raad")),
        ("gemeentehuis", ("gemeente", "huis")),
        ("persoonsgegevens", ("persoon", "gegevens")),
        ("bevolkingsregister", ("bevolking", "register")),
        ("bestuursorgaan", ("bestuur", "orgaan")),
    ],
)
def test_compounds_split_into_known_parts(word, parts):
    assert compounds.split(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "bestuur", "gemeente", "verordening", "ondertekening", "overeenkomst",
        "vennootschap", "bekendmaking", "aanplakking", "maatregel",
        "buitenland", "burgemeester", "register",
    ],
)
def test_non_compounds_stay_whole(word):
    assert compounds.split(word) == ()


@pytest.mark.parametrize(
    "word, piece",
    [
        ("rijksregisternummer", "rijksregister"),
        ("rijksregisternummer", "registernummer"),
        ("omgevingsvergunningsaanvraag", "omgevingsvergunning"),
        ("omgevingsvergunningsaanvraag", "vergunningsaanvraag"),
    ],
)
def test_runs_of_adjacent_parts_are_indexed(word, piece):
    assert piece in compounds.compound_terms(word)
    assert word not in compounds.compound_terms(word)


def test_parts_are_long_non_stop_words_over_the_legal_vocabulary():
    words = json.loads(compounds.LEGAL_WORDS_FILE.read_text(encoding="utf-8"))["words"]
    frequent = sorted(words, key=lambda w: (-words[w], w))[:2000]
    splits = [compounds.split(w) for w in frequent]
    assert any(splits)
    for parts in splits:
        for part in parts:
            assert len(part) >= compounds.MIN_PART
            assert part not in STOP_WORDS


def test_splitting_is_deterministic_across_instances():
    splitter = compounds.get_splitter()
    fresh = compounds.CompoundSplitter(splitter._modifiers, splitter._heads, splitter._atomic, splitter._frequency)
    for word in ["persoonsgegevens", "rijksregisternummer", "gemeentehuis"]:
        assert fresh.split(word) == compounds.split(word)


def test_a_part_the_vocabulary_knows_whole_is_split_as_it_would_be_alone():
    # Fewest parts first ("omgevingsvergunning" + "aanvraag"), then each part split in turn, so a word the
    # vocabulary happens to know ("beheersysteem") never hides the runs a finer split gives.
    splitter = compounds.CompoundSplitter(
        frozenset({"omgeving", "vergunning", "omgevingsvergunning", "aanvraag", "dossier", "beheer", "systeem",
                   "beheersysteem"}),
        frozenset({"aanvraag", "vergunning", "systeem", "beheersysteem"}),
        frozenset(),
    )
    assert splitter.split("omgevingsvergunningaanvraag") == ("omgeving", "vergunning", "aanvraag")
    assert "omgevingsvergunning" in splitter.terms("omgevingsvergunningaanvraag")
    assert splitter.split("dossierbeheersysteem") == ("dossier", "beheer", "systeem")
    assert {"dossierbeheer", "beheer", "beheersysteem"} <= set(splitter.terms("dossierbeheersysteem"))


@pytest.mark.parametrize("word, parts", [
    ("wijkinspecteur", ("wijk", "inspecteur")),
    ("gevangenisoverbevolking", ("gevangenis", "overbevolking")),
])
def test_words_of_the_shipped_chamber_texts_are_parts(word, parts):
    # "inspecteur" and "overbevolking" occur in the Chamber questions, not in the shipped laws.
    assert "inspecteur" in json.loads(compounds.CHAMBER_WORDS_FILE.read_text(encoding="utf-8"))["words"]
    assert compounds.split(word) == parts


def test_reviewed_atomic_words_are_never_split():
    splitter = compounds.CompoundSplitter(
        frozenset({"hand", "tekening"}), frozenset({"tekening"}), frozenset({"handtekening"})
    )
    assert splitter.split("handtekening") == ()
