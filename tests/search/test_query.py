"""Parsing user input into a neutral SearchQuery."""

from __future__ import annotations

import re

import pytest

from search.query import MAX_CLAUSES, MAX_QUERY_CHARS, parse_query

MUNICIPALITIES = {"gent": "44021", "leuven": "24062"}


def resolver(name: str):
    return MUNICIPALITIES.get(name.lower())


def finder(text: str):
    for m in re.finditer(r"\bart(?:ikel|\.)\s*(\d+)\s+(DLB|AVG)\b", text, re.IGNORECASE):
        yield m.start(), m.end(), f"{m.group(2).upper()}:{m.group(1)}"


def test_words_phrases_and_exclusions():
    q = parse_query('digitale "aangetekende zending" -papier -"natte handtekening"')
    assert q.terms == ["digitale"]
    assert q.phrases == ["aangetekende zending"]
    assert q.excluded == ["papier", "natte handtekening"]
    assert q.notices == [] and not q.any_terms


@pytest.mark.parametrize(
    "text, field, value",
    [
        ("status:opgelost", "status", "opgelost"),
        ("soort:Juridisch", "kind", "juridisch"),
        ("kind:technisch", "kind", "technisch"),
        ("werf:backoffice", "werf", "backoffice"),
        ("niveau:federaal", "level", "federaal"),
        ("level:vlaams", "level", "vlaams"),
        ("regelgeving:DLB", "regulation", "DLB"),
        ("regulation:AVG", "regulation", "AVG"),
        ("project:GZG-2022-001", "project", "GZG-2022-001"),
        ("gemeente:Gent", "municipality", "44021"),
        ("gemeente:24062", "municipality", "24062"),
        ("jaar:2024", "year", "2024"),
        ("jaar:2022-2024", "year", "2022-2024"),
        ("tag:archief", "tag", "archief"),
        ("thema:ondertekening", "theme", "ondertekening"),
        ('thema:"digitale handtekening"', "theme", "digitale handtekening"),
        ("status:in_analyse", "status", "in-analyse"),
        ("ref:DLB:285", "ref", "DLB:285"),
    ],
)
def test_field_filters(text, field, value):
    q = parse_query(f"retributie {text}", municipality_resolver=resolver)
    assert q.filters == {field: [value]}
    assert q.terms == ["retributie"] and q.notices == []


def test_several_values_of_one_field_and_extra_filters():
    q = parse_query("status:gemeld,opgelost", filters={"niveau": ["lokaal"], "status": "in-analyse"})
    assert q.filters == {"status": ["gemeld", "opgelost", "in-analyse"], "level": ["lokaal"]}
    assert not q.has_text and not q.is_empty


def test_unknown_filter_field_is_a_notice_and_words():
    q = parse_query("foo:bar zending")
    assert q.notices == ["Onbekend filter 'foo': genegeerd."]
    assert q.terms == ["foo", "bar", "zending"] and q.filters == {}


@pytest.mark.parametrize("text", ["status:klaar", "jaar:twintig", "jaar:2024-2020", "gemeente:Atlantis"])
def test_unknown_filter_value_is_a_notice(text):
    q = parse_query(text, municipality_resolver=resolver)
    assert q.filters == {} and len(q.notices) == 1
    assert q.terms == [text.split(":", 1)[1]]


def test_citations_become_refs_and_leave_the_words():
    q = parse_query("bekendmaking art. 285 DLB en artikel 6 AVG", citation_finder=finder)
    assert q.refs == ["DLB:285", "AVG:6"]
    assert q.terms == ["bekendmaking", "en"]


def test_broken_citation_finder_is_a_notice():
    def broken(text):
        raise ValueError("stuk")

    q = parse_query("art. 285 DLB", citation_finder=broken)
    assert q.refs == [] and q.notices and q.terms == ["art", "285", "DLB"]


def test_unbalanced_quote_reads_words():
    q = parse_query('"aangetekende zending')
    assert q.terms == ["aangetekende", "zending"] and q.phrases == []
    assert "Aanhalingsteken" in q.notices[0]


@pytest.mark.parametrize("text", ["", "   ", "-", "AND", "OR", "NOT", ":", "::", '""', "( )", "\x00\x01"])
def test_nothing_to_search(text):
    q = parse_query(text)
    assert q.is_empty and q.terms == [] and q.excluded == []


def test_operators():
    assert parse_query("zending OR brief").any_terms
    q = parse_query("zending AND NOT brief")
    assert q.terms == ["zending"] and q.excluded == ["brief"]
    assert parse_query("zending of brief").terms == ["zending", "of", "brief"]


def test_long_query_is_cut_with_notice():
    q = parse_query("woord " * 1000)
    assert len(q.text) <= MAX_QUERY_CHARS
    assert any(str(MAX_QUERY_CHARS) in n for n in q.notices)


def test_many_words_are_capped():
    q = parse_query(" ".join(f"w{i}" for i in range(80)))
    assert len(q.terms) == MAX_CLAUSES and len(q.notices) == 1


def test_control_characters_are_stripped():
    q = parse_query("aange\x00tekende\tzending\u200b\x1b")
    assert q.terms == ["aange", "tekende", "zending"]
    assert all(ch.isprintable() for ch in q.text)


def test_typographic_quotes_make_phrases():
    assert parse_query("„aangetekende zending”").phrases == ["aangetekende zending"]


def test_excluded_filter_is_refused():
    q = parse_query("-status:gemeld zending")
    assert q.filters == {} and q.notices and q.terms == ["zending"]


@pytest.mark.parametrize("text, terms", [
    ("NMR-scanners", ["NMR", "scanners"]),
    ("MiFID-gedragsregels verzekeraars", ["MiFID", "gedragsregels", "verzekeraars"]),
    ("tax-on-web", ["tax-on-web"]),
    ("ho-student", ["ho-student"]),
    ("Vlaams-Brabant", ["Vlaams-Brabant"]),
    ("e-ID", ["e-ID"]),
    ("DR-2024-001", ["DR-2024-001"]),
])
def test_a_hyphenated_word_with_an_abbreviation_is_searched_as_its_parts(text, terms):
    assert parse_query(text).terms == terms


def test_an_excluded_hyphenated_word_stays_whole():
    query = parse_query("evaluatie -NMR-scanners")
    assert query.excluded == ["NMR-scanners"] and query.terms == ["evaluatie"]
