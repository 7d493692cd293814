"""When a query is ranked softly, and what coordination does to a score (search/opening.py)."""
import pytest

from search.opening import SOFT_FROM, coordination, is_soft, word_parts
from search.query import parse_query


@pytest.mark.parametrize("text, clauses, soft", [
    ("aangetekende zending", 2, False),
    ("aangetekende zending retributie bezwaar", SOFT_FROM, True),
    ("Moet ik persoonlijk verschijnen?", 2, True),
    ("loket?", 1, False),
    ("aangetekende OF zending OF retributie OF bezwaar", SOFT_FROM, False),  # the user asked for any word
])
def test_long_queries_and_questions_are_soft(text, clauses, soft):
    assert is_soft(parse_query(text), clauses) is soft


def test_coordination_rewards_holding_more_of_the_words():
    assert coordination(4, 4) == 1.0
    assert coordination(1, 4) < coordination(3, 4) < 1.0
    assert coordination(0, 0) == 1.0


# The vocabulary of an index whose records write these words (a backend's held_words reads its own).
VOCABULARY = {"aangetekend", "aangetekende", "zending", "huiszoeking", "schade", "lyme", "ziekte", "win", "gene",
              "mee", "namen", "dublin", "overeenkomst"}


def held(words: set[str]) -> set[str]:
    return words & VOCABULARY


@pytest.mark.parametrize("text, terms", [
    ("huiszoekingsschade", ["huiszoeking", "schade"]),  # a linking s dropped
    ("aangetekendezending", ["aangetekende", "zending"]),  # no letter dropped where none needs to be
    ("Lymeziekte teken", ["lyme", "ziekte", "teken"]),
    ("schade", None),  # a word records write
    ("Wingene", None),  # a municipality, not win + gene
    ("meenamen", None),  # a form the lemma data knows
    ("qqqqschade", None),  # "qqqq" is no word of the index
    ("Dublin-overeenkomst", None),  # hyphenated words only when asked (a search that found nothing)
    ("schadedrempels", ["schade"]),  # a word naming the record type after a held modifier: the modifier
    ("qqqqdrempels", None),  # ... not when the modifier is no word of the index
])
def test_an_unknown_compound_splits_into_two_words_the_index_holds(text, terms):
    split = word_parts(parse_query(text), held, hyphens=False)
    assert (split[0].terms if split else None) == terms


def test_a_hyphenated_word_splits_when_asked_and_the_split_is_noticed():
    query, notices = word_parts(parse_query("Dublin-overeenkomst huiszoekingsschade"), held)
    assert query.terms == ["Dublin", "overeenkomst", "huiszoeking", "schade"]
    assert notices == ["Geen resultaten voor ‘huiszoekingsschade’; gezocht op ‘huiszoeking schade’."]


def test_a_compound_of_a_held_modifier_and_the_record_type_is_searched_as_the_modifier():
    query, notices = word_parts(parse_query("aangetekendedrempels lyme"), held)
    assert query.terms == ["aangetekende", "lyme"]
    assert notices == ["Geen resultaten voor ‘aangetekendedrempels’; gezocht op ‘aangetekende’."]


def test_a_thesaurus_term_is_split_only_when_no_record_writes_a_term_of_its_entry():
    synonyms = {"aangetekendezending": ("aangetekendezending", "zending"),
                "huiszoekingsschade": ("huiszoekingsschade", "inbraakschade", "schade na huiszoeking")}.get
    # records write "zending": the word is searched as its canonical term, not split
    assert word_parts(parse_query("aangetekendezending"), held, synonyms=lambda w: synonyms(w, ())) is None
    # nobody writes "inbraakschade", and the words of a term of several words say nothing of the term: split
    query, _ = word_parts(parse_query("huiszoekingsschade"), held, synonyms=lambda w: synonyms(w, ()))
    assert query.terms == ["huiszoeking", "schade"]
