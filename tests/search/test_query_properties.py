"""parse_query on arbitrary input: never raises, and parsing its own cleaned text gives the same query."""

from hypothesis import given, settings
from hypothesis import strategies as st

from search.query import parse_query

PIECES = st.sampled_from(['"', "-", "status:", "status:gemeld", 'regelgeving:"DLB"', "jaar:2020-2024", "OR", "OF",
                          "NIET", "AND", "(", ")", "*", "art. 285 DLB", "handtekening", " ", "\t", "„", "»", ":",
                          "gemeente:Gent", "type:drempel", "2024"])
TEXT = st.one_of(st.text(max_size=120), st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=25).map("".join))
FILTERS = st.dictionaries(st.sampled_from(["status", "kind", "year", "regulation", "municipality", "onbekend"]),
                          st.one_of(st.text(max_size=10), st.lists(st.text(max_size=10), max_size=3)), max_size=3)


def shape(query):
    return (query.terms, query.phrases, query.excluded, query.filters, query.refs, query.any_terms)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.none(), TEXT), filters=FILTERS)
def test_never_raises_and_round_trips(text, filters):
    query = parse_query(text, filters=filters)
    assert all(isinstance(v, str) for values in query.filters.values() for v in values)
    again = parse_query(query.text, filters=filters)
    assert shape(again) == shape(query)
    assert again.text == query.text
