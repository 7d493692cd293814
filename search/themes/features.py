"""Features of a barrier from the Dutch analysis the search already uses.

Lemmas, compound parts and thesaurus abbreviations come from search.nlp,
search.compounds and corpus/thesaurus.json, read by the one `Thesaurus` of
search.analysis (the backend-neutral analysis the index uses too), here keyed
on lemmas: "GDPR", "AVG" and "Algemene Verordening Gegevensbescherming" all
give `thes:avg`.
Regulation links count as features of their own: two barriers citing
"DLB art. 285" share a theme more surely than two sharing a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from search.analysis import Thesaurus
from search.compounds import compound_terms
from search.nlp import STOP_WORDS, lemma
from search.themes.types import ThemeDoc

# Words (with inner hyphens/apostrophes: e-loket, auto's); numbers are left out
# because years and amounts group documents by accident, not by subject.
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MIN_WORD = 2
REF_PREFIX = "ref:"
THES_PREFIX = "thes:"
PART_PREFIX = ""  # compound parts share the vocabulary of whole words on purpose:
# "vergunning" in one barrier and "omgevingsvergunning" in another are related.


@lru_cache(maxsize=200_000)
def word_features(word: str) -> tuple[str, ...]:
    """Lemma plus compound parts of one lowercased word."""
    base = lemma(word) if word.isalpha() else word
    out = [base]
    if word.isalpha():
        for part in compound_terms(word):
            term = lemma(part) if word.endswith(part) else part
            if term not in out:
                out.append(PART_PREFIX + term)
    else:
        out.extend(p for p in word.split("-") if len(p) >= 4 and p not in out)
    return tuple(out)


def content_words(text: str) -> list[str]:
    """Lowercased words of `text` that are not stop words."""
    words = (m.group().lower() for m in WORD.finditer(text))
    return [w for w in words if len(w) >= MIN_WORD and w not in STOP_WORDS]


def lemma_key(term: str) -> tuple[str, ...]:
    """A thesaurus term as the theme features see it: the lemmas of its content words."""
    return tuple(lemma(w) for w in content_words(term))


@dataclass
class FeatureExtractor:
    """Turns a ThemeDoc into a list of feature tokens (a bag of words)."""

    thesaurus: dict | None = None
    title_weight: int = 2  # the title is the reporter's own summary

    def __post_init__(self):
        self._thesaurus = Thesaurus(self.thesaurus, key=lemma_key)

    def tokens(self, doc: ThemeDoc) -> list[str]:
        out: list[str] = []
        for text, weight in ((doc.title, self.title_weight), (doc.text, 1)):
            words = content_words(text)
            lemmas = [lemma(w) for w in words]
            bag = [f for w in words for f in word_features(w)]
            bag += [THES_PREFIX + c for c in self._thesaurus.canonicals(lemmas)]
            out.extend(bag * weight)
        for ref in doc.refs:
            out.append(REF_PREFIX + ref.strip().lower())
        return out
