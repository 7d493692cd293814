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


@pytest.mark.parametrize("word", ["gebruiker", "taser", "blokker", "schilder"])
def test_an_agent_noun_in_er_is_no_comparative(word):
    """The comparative rule took "gebruiker" for a degree of "gebruik" and "taser" for one of "tas"."""
    assert nlp.lemma(word) == word


@pytest.mark.parametrize("form, expected", [("hoger", "hoog"), ("langer", "lang"), ("vaker", "vaak"),
                                            ("proactiever", "proactief"), ("magere", "mager")])
def test_a_comparative_is_still_undone_onto_its_adjective(form, expected):
    assert nlp.lemma(form) == expected


def test_degree_endings_need_an_adjective():
    known = frozenset({"gebruik", "hoog", "la"})
    assert nlp.guess_lemma("gebruiker", known) is None
    assert nlp.guess_lemma("laste", known) is None
    assert nlp.guess_lemma("hoger", known, adjectives=frozenset({"hoog"})) == "hoog"


@pytest.mark.parametrize("word", ["derden", "heden", "gemeten", "londen"])
def test_a_plural_in_den_or_ten_is_no_past_of_a_verb_whose_stem_spells_otherwise(word):
    """ "derden" was taken for a past of "deren" (stem "deer"), "heden" for one of "heen"."""
    assert nlp.lemma(word) == word


@pytest.mark.parametrize("form, expected", [("telde", "tellen"), ("speelde", "spelen"), ("stelt", "stellen"),
                                            ("bezette", "bezetten"), ("werkte", "werken"), ("gebruikt", "gebruiken")])
def test_verb_endings_find_the_infinitive_the_stem_spells(form, expected):
    assert nlp.lemma(form) == expected


def test_verb_rules_check_the_infinitive_s_stem():
    known = frozenset({"deren", "telen", "tellen", "spelen", "speelen", "bezien"})
    assert nlp.guess_lemma("derden", known) is None  # deren: deerde(n)
    assert nlp.guess_lemma("telde", known) == "tellen"  # telen: teelde
    assert nlp.guess_lemma("speelde", known) == "spelen"
    assert nlp.guess_lemma("bezit", known) is None  # bezien: beziet


@pytest.mark.parametrize("form, expected", [("sterfte", "sterfte"), ("schaamte", "schaamte"),
                                            ("leefde", "leven"), ("vervalste", "vervalsen")])
def test_a_past_ends_in_t_only_after_a_voiceless_stem(form, expected):
    """'t kofschip: "werkte" but "leefde"; so "sterfte" is a noun, no past of "sterven" (sterfde)."""
    assert nlp.lemma(form) == expected


def test_adjectives_come_from_the_lookup_table_and_the_treebanks_gold_tags():
    data = json.loads(nlp.SUPPLEMENT_FILE.read_text(encoding="utf-8"))
    gold = nlp.adjectives_for(data, ("alpino", "lassysmall"))
    assert {"hoog", "groot", "lang"} <= gold
    assert "sterk" in nlp.table_adjectives(nlp.lookup_table())
    assert gold <= nlp.adjectives() and "gebruik" not in nlp.adjectives()
