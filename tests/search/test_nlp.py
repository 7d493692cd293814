"""The Dutch pipeline and lemmas (search/nlp.py), on the real lookup data."""
import json

import pytest
import spacy

from search import nlp


def test_pipeline_info_reports_blank_lookup_pipeline_here():
    if spacy.util.is_package(nlp.MODEL_NAME):
        pytest.skip("nl_core_news_sm is installed; this checks the fallback pipeline")
    info = nlp.pipeline_info()
    assert info["name"] == "blank:nl+lookup"
    assert info["lemmatizer"] == "lookup"
    assert info["lookup_entries"] > 200_000
    assert info["supplement_entries"] == len(nlp.supplement()) > 0


def test_get_nlp_is_cached_and_dutch():
    assert nlp.get_nlp() is nlp.get_nlp()
    assert nlp.get_nlp().lang == "nl"


def test_spacy_pipeline_uses_the_supplement_too():
    doc = nlp.get_nlp()("De gemeente heeft kinderen.")
    assert [t.lemma_ for t in doc][2:4] == ["hebben", "kind"]


@pytest.mark.parametrize(
    "form, expected",
    [
        ("gemeenten", "gemeente"),
        ("gemeentes", "gemeente"),
        ("kinderen", "kind"),
        ("grote", "groot"),
        ("nieuwe", "nieuw"),
        ("is", "zijn"),
        ("heeft", "hebben"),
        ("werd", "worden"),
        ("vergunningen", "vergunning"),
        ("ondertekend", "ondertekenen"),
        ("regels", "regel"),
        ("Gemeenten", "gemeente"),
    ],
)
def test_frequent_inflections_get_their_lemma(form, expected):
    assert nlp.lemma(form) == expected


@pytest.mark.parametrize("word", ["drempelbank", "tot", "echter", "hier"])
def test_unknown_and_function_words_stay_as_they_are(word):
    assert nlp.lemma(word) == word


def test_guessed_lemmas_are_always_known_lemmas():
    known = nlp.lemma_vocabulary()
    for word in ["grootste", "huizen", "brieven", "dikke", "xyzzyen", "besturen"]:
        guess = nlp.guess_lemma(word, known)
        assert guess is None or guess in known


def test_spelling_rules_undo_dutch_spelling_changes():
    known = frozenset({"huis", "brief", "dik", "groot"})
    assert nlp.guess_lemma("huizen", known) == "huis"
    assert nlp.guess_lemma("brieven", known) == "brief"
    assert nlp.guess_lemma("dikke", known) == "dik"
    assert nlp.guess_lemma("grote", known) == "groot"


def test_lemmas_of_a_text_follow_the_tokenizer():
    text = "De kinderen werden groter, de gemeenten niet."
    out = nlp.lemmas(text)
    assert len(out) == len(nlp.get_nlp().tokenizer(text))
    assert out[:3] == ["de", "kind", "worden"]


def test_supplement_file_states_provenance_and_keeps_treebanks_apart():
    data = json.loads(nlp.SUPPLEMENT_FILE.read_text(encoding="utf-8"))
    assert "CC BY-SA 4.0" in data["provenance"]
    assert set(data["sources"]) == {"alpino", "lassysmall"}
    merged = nlp.supplement_for(data, ("alpino", "lassysmall"))
    alpino = nlp.supplement_for(data, ("alpino",))
    assert set(alpino) <= set(merged)
    assert len(merged) == len(nlp.supplement())


def test_stop_words_keep_legal_content_words():
    assert "gegeven" not in nlp.STOP_WORDS
    assert "mogelijk" not in nlp.STOP_WORDS
    assert {"de", "het", "van", "niet", "geen"} <= nlp.STOP_WORDS


@pytest.mark.parametrize("name", ["Wetteren", "Staden", "Brugge", "Tongeren", "Lokeren", "Tienen", "Halle"])
def test_a_municipality_s_name_is_never_guessed_into_a_common_word(name):
    """The spelling rules made "Wetteren" a form of "wet" and "Staden" one of "stad": a search for a law
    then found every barrier of Wetteren. A word of a municipality's name keeps its form."""
    assert nlp.lemma(name) == name.lower()


def test_place_names_still_yield_to_the_lemma_table():
    """Only guessing is switched off: a real plural the table knows keeps its lemma ("landen")."""
    assert nlp.lemma("landen") == "land" and nlp.lemma("wetten") == "wet" and nlp.lemma("steden") == "stad"


def test_place_names_file_is_what_the_municipalities_give():
    from pathlib import Path

    from tools.build_lexicon import place_names

    corpus = Path(__file__).resolve().parents[2] / "corpus" / "municipalities.json"
    assert sorted(nlp.place_names()) == place_names(corpus)
    assert {"wetteren", "staden", "brugge", "niklaas"} <= nlp.place_names()
