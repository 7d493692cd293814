"""Facet words in a query: recognised and offered, never dropped (search/facet_words.py)."""
from search.facet_words import facet_hints
from search.query import parse_query

MUNICIPALITIES = {"gent": "44021", "sint-martens-latem": "44034"}.get


def hints(text):
    return [(h.field, h.value, h.word, h.rest) for h in facet_hints(parse_query(text), MUNICIPALITIES)]


def test_inflected_facet_words_are_recognised_with_the_query_left_for_the_filter():
    assert hints("opgeloste drempels") == [("status", "opgelost", "opgeloste", "drempels")]
    assert hints("lokale besturen") == [("level", "lokaal", "lokale", "besturen")]
    assert hints("juridische drempels in de frontoffice") == [
        ("kind", "juridisch", "juridische", "drempels in de frontoffice"),
        ("werf", "frontoffice", "frontoffice", "juridische drempels in de")]


def test_multi_word_values_and_municipalities():
    assert hints("drempels in analyse") == [("status", "in-analyse", "in analyse", "drempels")]
    assert hints("aanplakking Gent") == [("municipality", "44021", "Gent", "aanplakking")]
    assert hints("Sint-Martens-Latem") == [("municipality", "44034", "Sint-Martens-Latem", "")]


def test_a_facet_already_filtered_on_or_a_plain_word_gives_no_hint():
    assert hints("status:opgelost opgelost") == []
    assert hints("analyse van de kosten") == []
    assert hints("aangetekende zending") == []
