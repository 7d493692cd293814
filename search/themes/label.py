"""Dutch labels for themes: surface noun phrases ranked by class-based TF-IDF.

The blank Dutch pipeline has no parser, so candidate phrases are surface
n-grams (1–4 words) inside one clause that neither start nor end with a stop
word ("toegang tot het Rijksregister" passes, "de aanvraag van" does not).
Variants are grouped by their lemmas (zending/zendingen) and shown in the
spelling the texts use most, so a label reads as written, not as a stem.
Scores follow BERTopic's c-TF-IDF: a phrase's share of the theme's documents
times log(1 + average documents per theme / documents holding the phrase).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from search.nlp import STOP_WORDS, lemma
from search.themes.types import ThemeDoc

# A clause ends at punctuation; phrases never cross it.
# Numbers end a phrase too: "Wet van 8 augustus 1983" must not yield "wet van augustus".
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”«»\n–—/§°]+|\s-\s|\S*\d\S*")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MAX_WORDS = 4
MAX_INNER_STOPS = 2
# Words that are grammatical but not in spaCy's list; a label never ends or
# starts with them. Kept short on purpose: the stop list does the main work.
_EDGE_WORDS = frozenset({"moeten", "kunnen", "worden", "wordt", "zijn", "is", "gaat", "staat", "blijft", "vraagt",
                         "vereist", "mag", "nodig", "enkel", "nog", "niet", "geen", "zo", "wel", "heel", "andere",
                         "eerste", "bepaalde", "zeker", "zekere", "verschillende", "waarbij", "hierbij", "daarbij"})
# Longer phrases name a theme better than a lone word when they are nearly as frequent.
LENGTH_BONUS = {1: 1.0, 2: 1.35, 3: 1.45, 4: 1.45}


@dataclass(frozen=True)
class Phrase:
    key: tuple[str, ...]  # lemmas: groups spelling variants
    surface: str


def _is_edge(word: str) -> bool:
    low = word.lower()
    return low in STOP_WORDS or low in _EDGE_WORDS or len(low) < 2


def phrases(text: str) -> list[Phrase]:
    """Candidate phrases of one text, each as (lemma key, surface form)."""
    out = []
    for clause in _CLAUSE.split(text):
        spans = [(m.group(), m.start()) for m in _WORD.finditer(clause)]
        words = [w for w, _ in spans]
        for i, first in enumerate(words):
            if _is_edge(first):
                continue
            stops = 0
            for j in range(i, min(i + MAX_WORDS, len(words))):
                word = words[j]
                if _is_edge(word):
                    stops += 1
                    if stops > MAX_INNER_STOPS:
                        break
                    continue
                key = tuple(lemma(w.lower()) for w in words[i : j + 1])
                out.append(Phrase(key, _surface(words[i : j + 1], sentence_start=_starts_sentence(clause, spans[i][1]))))
    return out


def _starts_sentence(clause: str, offset: int) -> bool:
    return not clause[:offset].strip()


def _surface(words: list[str], *, sentence_start: bool) -> str:
    """The phrase as written, lowercasing a capital that only marks a sentence start."""
    first = words[0]
    if sentence_start and first[:1].isupper() and first[1:].islower():
        first = first.lower()
    return " ".join([first, *words[1:]])


class DocPhrases:
    """Per document: the set of phrase keys and how each key was spelled."""

    def __init__(self, docs: list[ThemeDoc]):
        self.keys: dict[str, set[tuple[str, ...]]] = {}
        self.spellings: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        self.df: Counter = Counter()
        for doc in docs:
            found = phrases(doc.title + "\n" + doc.text) if doc.title not in doc.text else phrases(doc.text)
            keys = set()
            for phrase in found:
                keys.add(phrase.key)
                self.spellings[phrase.key][phrase.surface] += 1
            self.keys[doc.code] = keys
            self.df.update(keys)

    def surface(self, key: tuple[str, ...]) -> str:
        """Most used spelling; on a tie the lower-case one (capitals at a sentence start mislead)."""
        counts = self.spellings[key]
        return min(counts, key=lambda s: (-counts[s], s != s.lower(), s))


def ctfidf(members: list[str], index: DocPhrases, n_docs: int, n_themes: int) -> list[tuple[float, tuple]]:
    """(score, key) of every phrase in at least two members (one for tiny themes), best first."""
    local: Counter = Counter()
    for code in members:
        local.update(index.keys.get(code, ()))
    floor = 2 if len(members) >= 3 else 1
    average = n_docs / max(n_themes, 1)
    scored = []
    for key, count in local.items():
        if count < floor:
            continue
        score = (count / len(members)) * math.log(1 + average / index.df[key])
        scored.append((score, key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored


def label_theme(members: list[str], index: DocPhrases, n_docs: int, n_themes: int, n_terms: int = 8
                ) -> tuple[str, list[str]]:
    """(label, terms): the best phrase with a length bonus, and the top c-TF-IDF terms."""
    scored = ctfidf(members, index, n_docs, n_themes)
    if not scored:
        return "", []
    best = max(scored[:50], key=lambda item: (item[0] * LENGTH_BONUS[len(item[1])], -len(item[1])))
    label = index.surface(best[1])
    terms: list[str] = []
    for _, key in scored:
        text = index.surface(key)
        if len(key) <= 2 and not any(text.lower() in t.lower() or t.lower() in text.lower() for t in terms):
            terms.append(text)
        if len(terms) >= n_terms:
            break
    return label, terms
