"""Features of a barrier from the Dutch analysis the search already uses.

Lemmas, compound parts and thesaurus abbreviations come from search.nlp,
search.compounds and corpus/thesaurus.json; the analyzer in search.analysis
wraps the same functions for Whoosh, which this package must not import.
Regulation links count as features of their own: two barriers citing
"DLB art. 285" share a theme more surely than two sharing a word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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


class ThesaurusMatcher:
    """Finds thesaurus terms (one word or several) in a run of lemmas."""

    def __init__(self, data: dict | None):
        self.keys: dict[tuple[str, ...], str] = {}
        for entry in (data or {}).get("entries", []):
            terms = [t for t in entry.get("terms", []) if t and t.strip()]
            if not terms:
                continue
            canonical = THES_PREFIX + (entry.get("regulation") or terms[0]).strip().lower().replace(" ", "_")
            for term in terms:
                key = tuple(lemma(w) for w in content_words(term))
                if key:
                    self.keys.setdefault(key, canonical)
        self.longest = max((len(k) for k in self.keys), default=0)
        self.firsts = frozenset(k[0] for k in self.keys)

    def matches(self, lemmas: list[str]) -> list[str]:
        found: list[str] = []
        i = 0
        while i < len(lemmas):
            if lemmas[i] not in self.firsts:  # most words start no thesaurus term
                i += 1
                continue
            for size in range(min(self.longest, len(lemmas) - i), 0, -1):
                hit = self.keys.get(tuple(lemmas[i : i + size]))
                if hit:
                    found.append(hit)
                    i += size
                    break
            else:
                i += 1
        return found


@dataclass
class FeatureExtractor:
    """Turns a ThemeDoc into a list of feature tokens (a bag of words)."""

    thesaurus: dict | None = None
    title_weight: int = 2  # the title is the reporter's own summary

    def __post_init__(self):
        self._matcher = ThesaurusMatcher(self.thesaurus)

    def tokens(self, doc: ThemeDoc) -> list[str]:
        out: list[str] = []
        for text, weight in ((doc.title, self.title_weight), (doc.text, 1)):
            words = content_words(text)
            lemmas = [lemma(w) for w in words]
            bag = [f for w in words for f in word_features(w)]
            bag += self._matcher.matches(lemmas)
            out.extend(bag * weight)
        for ref in doc.refs:
            out.append(REF_PREFIX + ref.strip().lower())
        return out
