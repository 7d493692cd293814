"""When a query is ranked softly, and what coordination does to a score (search/opening.py)."""
import pytest

from search.opening import SOFT_FROM, coordination, is_soft
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
