"""Legal citations as spaCy entities: the register's citation grammar inside a Dutch pipeline.

kb.citations.CitationResolver knows every spelling of every regulation the
register holds; this module only turns its character spans into token spans
labelled CITATION, each carrying its resolution in `span._.citation`, so
callers get citations and tokens from one Doc.
"""

from __future__ import annotations

from collections.abc import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kb.citations import Citation, CitationResolver

__all__ = ["CITATION_LABEL", "COMPONENT_NAME", "CitationRecognizer", "citation_pipeline", "citation_spans"]

CITATION_LABEL = "CITATION"
COMPONENT_NAME = "drempelbank_citations"

if not Span.has_extension("citation"):
    Span.set_extension("citation", default=None)


class CitationRecognizer:
    """Pipeline component marking each citation the resolver finds as a CITATION entity.

    The resolver is given after construction: spaCy builds components from a
    JSON config, and a resolver (the register's catalogue) is not JSON.
    """

    def __init__(self, nlp: Language, name: str = COMPONENT_NAME):
        self.name = name
        self.resolver: CitationResolver | None = None

    def set_resolver(self, resolver: CitationResolver) -> None:
        self.resolver = resolver

    def __call__(self, doc: Doc) -> Doc:
        if self.resolver is None:
            raise RuntimeError("citatieherkenning zonder catalogus: roep set_resolver() eerst aan")
        spans = list(self._spans(doc, self.resolver.find(doc.text)))
        # Entities of other components stay unless a citation overlaps them; citations win there.
        kept = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in spans)]
        # Extension values live in doc.user_data keyed by offsets and label, so the
        # new Span objects doc.ents hands out later still carry their citation.
        doc.ents = filter_spans([*kept, *spans])
        return doc

    @staticmethod
    def _spans(doc: Doc, found: Iterable[Citation]) -> Iterable[Span]:
        taken_until = -1
        for citation in found:
            start, end = citation.span
            # "expand" widens a span cut inside a token ("art. 285DLB") to whole tokens.
            span = doc.char_span(start, end, label=CITATION_LABEL, alignment_mode="expand")
            if span is None or span.start < taken_until:
                continue
            span._.citation = citation
            taken_until = span.end
            yield span


@Language.factory(COMPONENT_NAME)
def _make_recognizer(nlp: Language, name: str) -> CitationRecognizer:
    return CitationRecognizer(nlp, name)


def citation_pipeline(resolver: CitationResolver) -> Language:
    """A fresh Dutch pipeline that only tokenizes and marks citations.

    A new blank "nl" rather than search.nlp.get_nlp(): that object is shared
    and cached, and adding a component to it would change every caller's
    analysis. Citations need the tokenizer only, which is the same Dutch one.
    """
    nlp = spacy.blank("nl")
    component = nlp.add_pipe(COMPONENT_NAME)
    component.set_resolver(resolver)
    return nlp


def citation_spans(doc: Doc) -> list[Span]:
    """The CITATION entities of a processed Doc, in text order."""
    return [ent for ent in doc.ents if ent.label_ == CITATION_LABEL]
