"""The citation grammar on arbitrary text: resolve and find never raise, spans lie inside the text
and cover what they say they cover."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kb.citations import CitationResolver
from tests.kb.test_citations import CATALOGUE

RESOLVER = CitationResolver(CATALOGUE)
# Pieces jurists write, mixed with arbitrary text, so the grammar's branches are reached.
PIECES = st.sampled_from(["art.", "artikel", "artt.", "§", "1°", "2", "285", ", ", " ", "lid", "onder", "e)",
                          "DLB", "BD", "AVG", "GDPR", "eIDAS", "van", "Verordening (EU)", "2016/679", "nr.",
                          "Wet van 8 augustus 1983", "Decreet", "BTW-Wetboek", "bis", "-", "(", ")", ":", "\n"])
TEXT = st.one_of(st.text(max_size=200), st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=30).map("".join))


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_find_never_raises_and_spans_lie_inside(text):
    previous_end = 0
    for citation in RESOLVER.find(text):
        assert citation.span is not None
        start, end = citation.span
        assert 0 <= start < end <= len(text)
        assert start >= previous_end  # in order, not overlapping
        previous_end = end
        assert text[start:end] == citation.raw
        assert citation.label()


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_resolve_never_raises(text):
    citation = RESOLVER.resolve(text)
    assert citation.raw == text
    assert (citation.ref is None) == (citation.regulation is None)
    label = citation.label()
    assert isinstance(label, str) and (label or not text.strip())
