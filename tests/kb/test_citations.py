"""The citation grammar against real spellings of Flemish, Belgian and EU citations."""

import datetime as dt
import random

import pytest

from kb.citations import (
    Citation,
    CitationResolver,
    RegulationName,
    normalise_article,
    reference_forms,
)

D = dt.date
CATALOGUE = (
    RegulationName("DLB", "Decreet over het lokaal bestuur", "Decreet lokaal bestuur", ("DLB",),
                   "decreet", D(2017, 12, 22)),
    RegulationName("BD", "Bestuursdecreet", None, ("BD",), "decreet", D(2018, 12, 7)),
    RegulationName("AVG", "Algemene verordening gegevensbescherming", None, ("AVG", "GDPR"),
                   "verordening", D(2016, 4, 27), {"celex": "32016R0679", "eli": None}),
    RegulationName("EIDAS", "Verordening (EU) nr. 910/2014", None, ("eIDAS",), "verordening",
                   D(2014, 7, 23), {"celex": "32014R0910"}),
    RegulationName("RRW", "Wet van 8 augustus 1983 tot regeling van een Rijksregister van de "
                   "natuurlijke personen", kind="wet", date=D(1983, 8, 8)),
    RegulationName("EGOV", "Decreet van 18 juli 2008 betreffende het elektronische bestuurlijke "
                   "gegevensverkeer", kind="decreet", date=D(2008, 7, 18)),
    RegulationName("BTW", "Wetboek van de belasting over de toegevoegde waarde", None,
                   ("BTW-Wetboek", "WBTW"), "wet", D(1969, 7, 3)),
    RegulationName("ARCH", "Archiefdecreet", kind="decreet", date=D(2010, 7, 9)),
)


@pytest.fixture(scope="module")
def resolver() -> CitationResolver:
    return CitationResolver(CATALOGUE)


RESOLVE_CASES = [
    # (typed citation, regulation, article, paragraph, point)
    ("art. 285, §1, 2° DLB", "DLB", "285", "1", "2°"),
    ("artikel 285 van het decreet over het lokaal bestuur", "DLB", "285", None, None),
    ("DLB art. 285", "DLB", "285", None, None),
    ("DLB, art. 285", "DLB", "285", None, None),
    ("art. 6.1.e AVG", "AVG", "6", "1", "e"),
    ("art. 6, 1, e) AVG", "AVG", "6", "1", "e"),
    ("artikel 6, lid 1, onder e), van Verordening (EU) 2016/679", "AVG", "6", "1", "e"),
    ("art. 6 GDPR", "AVG", "6", None, None),
    ("art. II.22 Bestuursdecreet", "BD", "II.22", None, None),
    ("Wet van 8 augustus 1983, art. 5", "RRW", "5", None, None),
    ("artikel 5 van de wet van 8 augustus 1983 tot regeling van een Rijksregister van de "
     "natuurlijke personen", "RRW", "5", None, None),
    ("art. 25, lid 2 eIDAS", "EIDAS", "25", "2", None),
    ("art. 25.2 eIDAS-verordening", "EIDAS", "25", "2", None),
    ("Verordening (EU) nr. 910/2014", "EIDAS", None, None, None),
    ("art. 3bis KB …", None, "3bis", None, None),
    ("artt. 285-287 DLB", "DLB", "285", None, None),
    ("art. 44, §2bis BTW-Wetboek", "BTW", "44", "2bis", None),
    ("Decreet van 18 juli 2008, art. 8", "EGOV", "8", None, None),
    ("art. 1:2 WVV", None, "1:2", None, None),
    ("de AVG", "AVG", None, None, None),
    ("het Bestuursdecreet", "BD", None, None, None),
    # spacing, case and keyword variants
    ("art. 285 §1 2° DLB", "DLB", "285", "1", "2°"),
    ("art.\u00a0285,\u00a0§\u00a01,\u00a02\u00a0° DLB", "DLB", "285", "1", "2°"),
    ("Art 285, § 1, 2 ° DLB", "DLB", "285", "1", "2°"),
    ("ARTIKEL   285   DLB", "DLB", "285", None, None),
    ("art. 285 van het Decreet Lokaal Bestuur", "DLB", "285", None, None),
    ("Decreet over het lokaal bestuur, art. 285", "DLB", "285", None, None),
    ("decreet van 22 december 2017 over het lokaal bestuur, artikel 285", "DLB", "285", None, None),
    ("artikelen 285 tot en met 287 DLB", "DLB", "285", None, None),
    ("art. 285 t/m 287 van het DLB", "DLB", "285", None, None),
    ("artt. 285, 286 en 290 DLB", "DLB", "285", None, None),
    ("art. 285 e.v. DLB", "DLB", "285", None, None),
    ("art. 285, §1, eerste lid, 2° DLB", "DLB", "285", "1", "2°"),
    ("art. 5, tweede lid, 3° DLB", "DLB", "5", "2", "3°"),
    ("art. 5, 2de lid DLB", "DLB", "5", "2", None),
    ("art. 285, §1, 2°, a) DLB", "DLB", "285", "1", "2°"),
    ("art. 285, §1, 2° en 3° DLB", "DLB", "285", "1", "2°"),
    ("DLB 285", "DLB", "285", None, None),
    ("DLB:285", "DLB", "285", None, None),
    ("EGOV:8", "EGOV", "8", None, None),
    ("egov", "EGOV", None, None, None),
    ("RRW art. 5", "RRW", "5", None, None),
    ("art. 8, §2 EGOV", "EGOV", "8", "2", None),
    # EU styles
    ("art. 6(1)(e) AVG", "AVG", "6", "1", "e"),
    ("GDPR art. 6 (1) (e)", "AVG", "6", "1", "e"),
    ("art. 6, lid 1, punt e AVG", "AVG", "6", "1", "e"),
    ("artikel 6, eerste lid, e), AVG", "AVG", "6", "1", "e"),
    ("art. 6 lid 1 sub e AVG", "AVG", "6", "1", "e"),
    ("art. 6.1, e) AVG", "AVG", "6", "1", "e"),
    ("Verordening 2016/679, art. 6", "AVG", "6", None, None),
    ("artikel 9 van Verordening (EU) nr. 2016/679", "AVG", "9", None, None),
    ("art. 25 eIDAS-Verordening", "EIDAS", "25", None, None),
    ("Verordening (EU) 910/2014, artikel 25, lid 2", "EIDAS", "25", "2", None),
    ("Verordening (EG) nr 910/2014", "EIDAS", None, None, None),
    ("algemene verordening gegevensbescherming", "AVG", None, None, None),
    ("art. 6 AVG-verordening", "AVG", "6", None, None),
    # Belgian numbering
    ("art. II. 22 BD", "BD", "II.22", None, None),
    ("artikel II.21, §1 van het Bestuursdecreet", "BD", "II.21", "1", None),
    ("art. 3 bis KB van 8 januari 1992", None, "3bis", None, None),
    ("artikel 44, § 2 bis, van het BTW-Wetboek", "BTW", "44", "2bis", None),
    ("art. 44 §2bis WBTW", "BTW", "44", "2bis", None),
    ("wet van 3 juli 1969, art. 44", "BTW", "44", None, None),
    ("art. 5 Archiefdecreet", "ARCH", "5", None, None),
    ("Decreet van 9 juli 2010, art. 5", "ARCH", "5", None, None),
    ("het decreet van 18 juli 2008 betreffende het elektronische bestuurlijke gegevensverkeer",
     "EGOV", None, None, None),
    ("art. 8 van het decreet van 18 juli 2008", "EGOV", "8", None, None),
    ("wet van 08.08.1983, art. 5", "RRW", "5", None, None),
    ("wet 8 aug. 1983, art. 5", "RRW", "5", None, None),
    ("Wet tot regeling van een Rijksregister van de natuurlijke personen, art. 5", "RRW", "5", None, None),
    ("art. 22 Gw.", None, "22", None, None),
    ("wet van 1 januari 2000, art. 3", None, "3", None, None),
    ("decreet van 31 februari 2017, art. 3", None, "3", None, None),
    ("art. 4.2.1 VCRO", None, "4.2.1", None, None),
    # a typed field holding the pieces of one reference
    ("Decreet over het lokaal bestuur (DLB), art. 285", "DLB", "285", None, None),
    ("eIDAS (art. 25.2)", "EIDAS", "25", "2", None),
    ("art. 285, §1 (DLB)", "DLB", "285", "1", None),
    ("ART. 5 EN 6 AVG", "AVG", "5", None, None),
]


@pytest.mark.parametrize(("text", "regulation", "article", "paragraph", "point"), RESOLVE_CASES)
def test_resolve_real_spellings(resolver, text, regulation, article, paragraph, point):
    citation = resolver.resolve(text)
    assert (citation.regulation, citation.article, citation.paragraph, citation.point) == (
        regulation, article, paragraph, point)
    assert citation.raw == text
    assert citation.span is None


@pytest.mark.parametrize("text", [
    "", "   ", "zie hoger", "285", "8 augustus 1983", "artikelen uit de krant",
    "wet", "het decreet", "Verordening nr. 5", "WVV:1:2", "\u00a0§§°°))((",
])
def test_resolve_without_reference_keeps_raw(resolver, text):
    citation = resolver.resolve(text)
    assert citation.regulation is None and citation.article is None
    assert citation.raw == text and citation.ref is None


def test_resolve_never_raises_on_noise(resolver):
    rng = random.Random(20241)
    alphabet = "art.§°()/:-,  123bisIIVeDLBAVGwetvan8augustus1983\u00a0…"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert isinstance(resolver.resolve(text), Citation)
        for found in resolver.find(text):
            assert text[found.span[0]:found.span[1]] == found.raw


def test_two_regulations_of_one_day_are_not_guessed():
    twins = CATALOGUE + (RegulationName("X", "Decreet houdende diverse bepalingen", kind="decreet",
                                        date=D(2017, 12, 22)),)
    citation = CitationResolver(twins).resolve("decreet van 22 december 2017, art. 5")
    assert (citation.regulation, citation.article) == (None, "5")


FIND_CASES = [
    # (free text, the citations in it as (exact text, regulation, article, paragraph, point))
    ("De bekendmaking volgt uit art. 285, §1, 2° DLB en is digitaal mogelijk.",
     [("art. 285, §1, 2° DLB", "DLB", "285", "1", "2°")]),
    ("Verwerking steunt op artikel 6, lid 1, onder e), van Verordening (EU) 2016/679; zie ook de AVG.",
     [("artikel 6, lid 1, onder e), van Verordening (EU) 2016/679", "AVG", "6", "1", "e"),
      ("AVG", "AVG", None, None, None)]),
    ("Volgens de AVG, art. 285 DLB moet dit.",
     [("AVG", "AVG", None, None, None), ("art. 285 DLB", "DLB", "285", None, None)]),
    ("Het Bestuursdecreet (art. II.22) maakt e-mail gelijkwaardig.",
     [("Bestuursdecreet", "BD", None, None, None), ("art. II.22", None, "II.22", None, None)]),
    ("Toegang tot het Rijksregister (Wet van 8 augustus 1983, art. 5) vereist een machtiging.",
     [("Wet van 8 augustus 1983, art. 5", "RRW", "5", None, None)]),
    ("Krachtens artikel 5 van de wet van 8 augustus 1983 tot regeling van een Rijksregister van "
     "de natuurlijke personen, en niet anders.",
     [("artikel 5 van de wet van 8 augustus 1983 tot regeling van een Rijksregister van de "
       "natuurlijke personen", "RRW", "5", None, None)]),
    ("Een gekwalificeerde handtekening (art. 25, lid 2 eIDAS) volstaat; art. 25.2 eIDAS-verordening.",
     [("art. 25, lid 2 eIDAS", "EIDAS", "25", "2", None),
      ("art. 25.2 eIDAS-verordening", "EIDAS", "25", "2", None)]),
    ("Btw op kostendeling: art. 44, §2bis BTW-Wetboek.\nDLB, art. 196 regelt de raad.",
     [("art. 44, §2bis BTW-Wetboek", "BTW", "44", "2bis", None),
      ("DLB, art. 196", "DLB", "196", None, None)]),
    ("De artt. 285-287 DLB en het Archiefdecreet.",
     [("artt. 285-287 DLB", "DLB", "285", None, None),
      ("Archiefdecreet", "ARCH", None, None, None)]),
    ("Het once-only-beginsel (Decreet van 18 juli 2008, art. 8) en art. 1:2 WVV.",
     [("Decreet van 18 juli 2008, art. 8", "EGOV", "8", None, None),
      ("art. 1:2 WVV", None, "1:2", None, None)]),
    ("Zie art.\u00a06\u00a0GDPR en art. 6.1.e AVG.",
     [("art.\u00a06\u00a0GDPR", "AVG", "6", None, None), ("art. 6.1.e AVG", "AVG", "6", "1", "e")]),
    ("Richtlijn 95/46/EG werd ingetrokken.",
     [("Richtlijn 95/46/EG", None, None, None, None)]),
    ("In het BD staat niets; bd en avg zijn hier gewone woorden, kb ook.",
     [("BD", "BD", None, None, None)]),
    ("Zie artikel 33, lid 3, onder b), c) en d), AVG, en de AVG-verordening.",
     [("artikel 33, lid 3, onder b), c) en d), AVG", "AVG", "33", "3", "b"),
      ("AVG-verordening", "AVG", None, None, None)]),
    ("De artikelen 2, 2bis en 2ter van de wet van 11 januari 1993 gelden.",
     [("artikelen 2, 2bis en 2ter van de wet van 11 januari 1993", None, "2", None, None)]),
]


@pytest.mark.parametrize(("text", "expected"), FIND_CASES)
def test_find_in_free_text(resolver, text, expected):
    found = resolver.find(text)
    assert [text[c.span[0]:c.span[1]] for c in found] == [e[0] for e in expected]
    assert [c.raw for c in found] == [e[0] for e in expected]
    assert [(c.regulation, c.article, c.paragraph, c.point) for c in found] == [e[1:] for e in expected]


@pytest.mark.parametrize("text", [
    "Hij las drie artikelen uit de krant over de gemeente.",
    "In 2016 waren er 679 meldingen en 285 gemeenten.",
    "De vergadering van 8 augustus 1983 en die van 18.07.2008 liepen uit.",
    "Het decreet en de wet zijn hierover stil; de verordening ook.",
    "Artistiek beleid, art deco en artt.",
    "Een avg-vriendelijk formulier, 50 kb groot.",
    "Zie hoofdstuk 5, punt e) en lid 2 van de statuten.",
    "De sleutels ARCH, EGOV en RRW zijn intern; ARCH 5 ook.",
])
def test_find_ignores_what_is_no_citation(resolver, text):
    assert resolver.find(text) == []


def test_find_spans_are_ordered_and_disjoint(resolver):
    text = " ".join(case[0] for case in FIND_CASES)
    spans = [c.span for c in resolver.find(text)]
    assert len(spans) >= sum(len(case[1]) for case in FIND_CASES)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize(("citation", "ref", "label"), [
    (Citation("x", "DLB", "285", "1", "2°"), "DLB:285", "art. 285, §1, 2° DLB"),
    (Citation("x", "AVG", "6", "1", "e"), "AVG:6", "art. 6, §1, e) AVG"),
    (Citation("x", "BD", "II.22"), "BD:II.22", "art. II.22 BD"),
    (Citation("x", "AVG", None), "AVG", "AVG"),
    (Citation("art.  1:2   WVV", None, "1:2"), None, "art. 1:2 WVV"),
])
def test_ref_and_label(citation, ref, label):
    assert citation.ref == ref
    assert citation.label() == label
    assert citation.resolved is (ref is not None)


def test_label_resolves_to_the_same_reference(resolver):
    for text, *_ in RESOLVE_CASES:
        citation = resolver.resolve(text)
        if citation.resolved:
            again = resolver.resolve(citation.label())
            assert (again.regulation, again.article, again.paragraph, again.point) == (
                citation.regulation, citation.article, citation.paragraph, citation.point), text


@pytest.mark.parametrize(("typed", "expected"), [
    ("285", "285"), ("II. 22", "II.22"), ("ii.22", "II.22"), ("3 bis", "3bis"), ("3BIS", "3bis"),
    ("art. 285", "285"), ("Artikel 44", "44"), ("artt. 5", "5"), (" 1:2 ", "1:2"),
    ("art.\u00a0II.\u00a022.", "II.22"), ("433 quaterdecies", "433quaterdecies"),
])
def test_normalise_article(typed, expected):
    assert normalise_article(typed) == expected


@pytest.mark.parametrize("regulation", CATALOGUE, ids=lambda r: r.key)
def test_reference_forms_resolve_back(resolver, regulation):
    forms = reference_forms(regulation.key, "12", regulation)
    assert f"{regulation.key}:12" in forms and len(forms) == len(set(forms))
    for form in forms:
        citation = resolver.resolve(form)
        assert (citation.regulation, citation.article) == (regulation.key, "12"), form
    for form in reference_forms(regulation.key, None, regulation):
        assert resolver.resolve(form).ref == regulation.key, form


def test_reference_forms_of_dlb_hold_the_usual_spellings():
    forms = reference_forms("DLB", "art. 285", CATALOGUE[0])
    for expected in ("art. 285 DLB", "artikel 285 Decreet over het lokaal bestuur", "DLB 285", "DLB:285"):
        assert expected in forms


def test_names_are_matched_surface_forms(resolver):
    names = resolver.names()
    assert len(names) == len(set(names))
    for expected in [("DLB", "DLB"), ("GDPR", "AVG"), ("eIDAS-verordening", "EIDAS"),
                     ("Verordening (EU) 2016/679", "AVG"), ("Wet van 8 augustus 1983", "RRW"),
                     ("Archiefdecreet", "ARCH")]:
        assert expected in names
    for surface, key in names:
        assert resolver.resolve(surface).regulation == key, surface


def test_regulation_name_is_hashable_with_list_input():
    name = RegulationName("AVG", "Algemene verordening gegevensbescherming",
                          abbreviations=["AVG", "GDPR"], identifiers={"celex": "32016R0679"})
    assert name.abbreviations == ("AVG", "GDPR")
    assert hash(name) == hash(RegulationName("AVG", "Algemene verordening gegevensbescherming",
                                             abbreviations=("AVG", "GDPR")))
