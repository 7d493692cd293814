"""Citations as spaCy entities (search/citations_nlp.py) over the shipped regulation catalogue."""

import datetime as dt
import json
from pathlib import Path

import pytest
from spacy.tokens import Span

from kb.citations import CitationResolver, RegulationName
from search.citations_nlp import COMPONENT_NAME, CITATION_LABEL, citation_pipeline, citation_spans
from search.nlp import get_nlp

CATALOGUE = Path(__file__).resolve().parents[2] / "corpus" / "regulations" / "catalogue.jsonl"


def _name(item: dict) -> RegulationName:
    date = dt.date.fromisoformat(item["date"]) if item.get("date") else None
    return RegulationName(key=item["key"], title=item["title"], short_title=item.get("short_title"),
                          abbreviations=tuple(item.get("abbreviations") or ()), kind=item.get("kind"),
                          date=date, identifiers=item.get("identifiers") or {})


@pytest.fixture(scope="module")
def resolver() -> CitationResolver:
    lines = CATALOGUE.read_text(encoding="utf-8").splitlines()
    return CitationResolver([_name(json.loads(line)) for line in lines if line.strip()])


@pytest.fixture(scope="module")
def nlp(resolver):
    return citation_pipeline(resolver)


def found(nlp, text: str) -> list[tuple[str, str | None]]:
    return [(span.text, span._.citation.ref) for span in citation_spans(nlp(text))]


@pytest.mark.parametrize("text, expected", [
    # Sentences as the demo barriers write them (adapted from corpus/demo/barriers.jsonl).
    ("We vragen een juridische analyse van de gelijkstellingsregels van het Bestuursdecreet en van de "
     "eIDAS-verordening.", [("Bestuursdecreet", "BD"), ("eIDAS-verordening", "EIDAS")]),
    ("De rechtsgrond onder de AVG is duidelijk (taak van algemeen belang), maar de toegangsprocedure "
     "vertraagt het project.", [("AVG", "AVG")]),
    ("Na overleg volgt de stad de bekendmaking via de webtoepassing zoals het Decreet over het lokaal "
     "bestuur die regelt.", [("Decreet over het lokaal bestuur", "DLB")]),
    # Spellings jurists use (shared/DOMAIN.md), inside a sentence.
    ("De bekendmaking volgt art. 285, §1, 2° DLB, niet de oude regeling.", [("art. 285, §1, 2° DLB", "DLB:285")]),
    ("Zie artikel 6, lid 1, onder e), van Verordening (EU) 2016/679 en DLB art. 287.",
     [("artikel 6, lid 1, onder e), van Verordening (EU) 2016/679", "AVG:6"), ("DLB art. 287", "DLB:287")]),
    ("Toegang volgens de Wet van 8 augustus 1983, art. 5 volstaat niet.",
     [("Wet van 8 augustus 1983, art. 5", "RRW:5")]),
    # No citation: institutions and registers are not regulations.
    ("De bestaande toegang tot het Rijksregister is verleend voor andere doeleinden.", []),
    ("Stad en politiezone bouwen een gedeelde digitale workflow voor de woonstvaststelling.", []),
])
def test_marks_citations_in_real_sentences(nlp, text, expected):
    assert found(nlp, text) == expected


def test_entities_carry_label_offsets_and_resolution(nlp):
    text = "Volgens art. 285, §1, 2° DLB moet de stad bekendmaken."
    doc = nlp(text)
    (span,) = doc.ents
    assert span.label_ == CITATION_LABEL
    assert text[span.start_char:span.end_char] == "art. 285, §1, 2° DLB"
    c = span._.citation
    assert (c.regulation, c.article, c.paragraph, c.point) == ("DLB", "285", "1", "2°")


def test_unresolved_citation_is_an_entity_without_regulation(nlp):
    (span,) = citation_spans(nlp("Het huishoudelijk reglement regelt dit in art. 12 zonder meer."))
    assert span.text == "art. 12"
    assert span._.citation.regulation is None and span._.citation.article == "12"


def test_other_entities_survive_unless_a_citation_overlaps_them(nlp):
    doc = nlp.make_doc("ABB wees op art. 285 DLB in de nota.")
    doc.ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 4, 5, label="MISC")]  # "ABB", "285"
    doc = nlp.get_pipe(COMPONENT_NAME)(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("ABB", "ORG"), ("art. 285 DLB", CITATION_LABEL)]


def test_citation_pipeline_leaves_the_shared_pipeline_alone(resolver):
    shared = get_nlp()
    before = list(shared.pipe_names)
    one = citation_pipeline(resolver)
    other = citation_pipeline(CitationResolver([_name({"key": "X", "title": "Decreet X", "abbreviations": ["DX"]})]))
    assert shared.pipe_names == before and COMPONENT_NAME not in shared.pipe_names
    # An unknown abbreviation stays part of the span, unresolved.
    assert found(one, "art. 5 DX en art. 6 AVG") == [("art. 5 DX", None), ("art. 6 AVG", "AVG:6")]
    assert found(other, "art. 5 DX en art. 6 AVG") == [("art. 5 DX", "X:5"), ("art. 6 AVG", None)]


def test_component_without_resolver_says_so():
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe(COMPONENT_NAME)
    with pytest.raises(RuntimeError, match="set_resolver"):
        nlp("art. 285 DLB")
