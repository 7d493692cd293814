"""Proximity: the share of a query's neighbouring words a text writes together, with the real analysis."""

import pytest

from search.analysis import build_analyzer
from search.proximity import closeness, query_words


@pytest.fixture(scope="module")
def analysis():
    return build_analyzer()


def near(analysis, query: str, text: str) -> float:
    return closeness(analysis, query_words(analysis, query.split()), text)


def test_words_written_together_count_in_any_inflection(analysis):
    text = "Actieve verbanden die gebruikt worden in de thuiszorg, worden niet terugbetaald."
    assert near(analysis, "Terugbetaling actieve verbanden", text) == 0.5
    assert near(analysis, "actief verband", text) == 1.0


def test_a_stop_word_between_is_still_together_but_distance_is_not(analysis):
    assert near(analysis, "uitzetting personen", "De uitzetting van personen zonder verblijfsrecht.") == 1.0
    far = "De uitzetting gebeurt na een lange procedure bij de dienst, waarna de betrokken personen vertrekken."
    assert near(analysis, "uitzetting personen", far) == 0.0


def test_order_counts_and_a_single_word_has_no_neighbours(analysis):
    assert near(analysis, "verbanden actieve", "actieve verbanden") == 0.0
    assert near(analysis, "verbanden", "actieve verbanden") == 0.0
    assert near(analysis, "de verbanden", "de verbanden") == 0.0  # one word once stop words are gone
    assert query_words(analysis, ["de", "van", "verbanden"]) == query_words(analysis, ["verbanden"])
