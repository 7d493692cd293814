"""Facet words in a query: recognised and offered, never dropped (search/facet_words.py)."""
from search.facet_words import facet_hints, facet_matches, without_scope_words
from search.query import parse_query

MUNICIPALITIES = {"gent": "44021", "sint-martens-latem": "44034", "antwerpen": "11002"}.get
PROVINCES = {"antwerpen": "Antwerpen", "limburg": "Limburg", "west-vlaanderen": "West-Vlaanderen"}.get


def hints(text):
    return [(h.field, h.value, h.word, h.rest)
            for h in facet_hints(parse_query(text), MUNICIPALITIES, province=PROVINCES)]


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


def test_a_value_of_two_content_words_is_named_inflected_in_either_order():
    assert hints("voorgestelde oplossingen voor handtekeningen") == [
        ("status", "oplossing-voorgesteld", "voorgestelde oplossingen", "voor handtekeningen")]
    assert hints("oplossing voorgesteld") == [("status", "oplossing-voorgesteld", "oplossing voorgesteld", "")]
    # a phrase of a function word and a value names the value alone, not a two-word value
    assert hints("de opgeloste") == [("status", "opgelost", "opgeloste", "de")]
    assert hints("analyse van de kosten") == []


def test_an_adjective_of_a_place_names_the_place():
    assert hints("handtekening in Limburgse gemeenten") == [
        ("province", "Limburg", "Limburgse", "handtekening in gemeenten")]
    assert hints("Gentse drempels") == [("municipality", "44021", "Gentse", "drempels")]
    assert hints("West-Vlaamse premies") == [("province", "West-Vlaanderen", "West-Vlaamse", "premies")]
    assert hints("Antwerpse") == [("municipality", "11002", "Antwerpse", ""), ("province", "Antwerpen", "Antwerpse", "")]
    assert hints("Franse taal") == [] and hints("Vlaamse regels") == [("level", "vlaams", "Vlaamse", "regels")]


def test_a_facet_already_filtered_on_or_a_plain_word_gives_no_hint():
    assert hints("status:opgelost opgelost") == []
    assert hints("analyse van de kosten") == []
    assert hints("aangetekende zending") == []


def test_provinces_are_recognised_and_a_name_of_both_offers_both():
    assert hints("aanplakking in Limburg") == [("province", "Limburg", "Limburg", "aanplakking in")]
    assert hints("west-vlaanderen loket") == [("province", "West-Vlaanderen", "west-vlaanderen", "loket")]
    assert hints("Antwerpen") == [("municipality", "11002", "Antwerpen", ""), ("province", "Antwerpen", "Antwerpen", "")]
    assert [h.label for h in facet_hints(parse_query("Limburg"), province=PROVINCES)] == ["provincie Limburg"]


def matches(text):
    return facet_matches(parse_query(text), MUNICIPALITIES, PROVINCES)


def test_each_word_of_a_named_value_matches_it_and_type_words_name_the_type():
    assert matches("opgeloste drempels in West-Vlaanderen") == {
        "opgeloste": [("status", "opgelost")], "west-vlaanderen": [("province", "West-Vlaanderen")],
        "drempels": [("type", "barrier")]}
    assert matches("niet weerhouden aanvragen") == {"niet": [("status", "niet-weerhouden")],
                                                    "weerhouden": [("status", "niet-weerhouden")]}
    assert matches("Antwerpen") == {"antwerpen": [("municipality", "11002"), ("province", "Antwerpen")]}
    assert matches("aangetekende zending") == {}


def test_a_facet_already_filtered_on_still_matches_its_word():
    # The hint is left out (the filter is set), but the word still means the value.
    assert matches("status:opgelost opgeloste")["opgeloste"] == [("status", "opgelost")]


def test_scope_words_are_left_out_of_a_one_type_search_unless_they_are_all_there_is():
    query = parse_query("drempels rond aanplakking")
    query.facets = facet_matches(query)
    assert without_scope_words(query, ["barrier"]).terms == ["rond", "aanplakking"]
    assert without_scope_words(query, ["barrier", "article"]).terms == query.terms
    alone = parse_query("drempels")
    alone.facets = facet_matches(alone)
    assert without_scope_words(alone, ["barrier"]).terms == ["drempels"]


def test_a_hyphenated_word_ending_in_the_record_type_is_searched_as_what_it_names():
    query = parse_query("backoffice-drempels met papieren originelen")
    query.facets = facet_matches(query)
    assert query.facets["backoffice"] == [("werf", "backoffice")]
    assert query.facets["drempels"] == [("type", "barrier")]
    assert without_scope_words(query, ["barrier"]).terms == ["backoffice", "met", "papieren", "originelen"]
    # in a search of every type it stays the word it is; a word merely containing "drempel" is no type word
    assert without_scope_words(query, ["barrier", "article"]).terms == query.terms
    # a searcher's other words for a barrier name the type too
    lez = parse_query("LEZ-knelpunten belemmeringen")
    lez.facets = facet_matches(lez)
    assert without_scope_words(lez, ["barrier"]).terms == ["LEZ"]
    other = parse_query("toegankelijkheids-drempelwaarde")
    other.facets = facet_matches(other)
    assert without_scope_words(other, ["barrier"]).terms == other.terms


def test_a_searchers_own_word_for_a_value_names_it():
    assert matches("afgehandelde drempels rond handtekeningen")["afgehandelde"] == [("status", "opgelost")]
    assert matches("afgewezen meldingen")["afgewezen"] == [("status", "niet-weerhouden")]
    assert matches("procedurele drempels")["procedurele"] == [("kind", "procesmatig")]
    assert matches("wettelijke drempels")["wettelijke"] == [("kind", "juridisch")]
    assert matches("Rijksregister nog in onderzoek")["onderzoek"] == [("status", "in-analyse")]
    # a phrase only as written: "onderzoek" alone, or a refusal in a barrier's matter, names no value
    assert "onderzoek" not in matches("onderzoek naar woonstvaststelling")
    assert "geweigerde" not in matches("geweigerde attesten")
