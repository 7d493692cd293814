"""Proximity: how many of a query's neighbouring words a record writes next to each other.

A title typed as a query ("Terugbetaling actieve verbanden") is best met by the record that writes its
words together ("actieve verbanden"), not by one that holds the words far apart. BM25 sees no order; this
signal, computed from the texts of a search's best hits with the same Dutch analysis the index uses, adds it
to the fusion of search/semantic.py in searches of legal articles alone (PROXIMITY_WEIGHT says why not in
searches of barriers); backend-neutral, so the same on Whoosh and PostgreSQL.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Sequence

from search.analysis import QUERY

# Characters allowed between two marked words that still count as neighbours: a stop word or two
# ("uitzetting van personen", "verzoek tot de inschrijving"). At PROXIMITY_WEIGHT 0.5 (nDCG@10, gap 4 -> 12 -> 25
# characters): dekamer-2017 0.7726 -> 0.7719 -> 0.7720, legal-qa-dev 0.7525 -> 0.7657 -> 0.7655, own-kamer-tune
# 0.9247 -> 0.9461 -> 0.9461; own-kamer-tune2 and own-demo alike at all three.
GAP = 12


def query_words(analysis, words: Sequence[str]) -> list[frozenset[str]]:
    """The terms of each query word that has any (stop words have none), in the query's order."""
    groups = []
    for word in words:
        terms = frozenset(t for unit in analysis.units(word, mode=QUERY) for t in (unit.term, *unit.extras))
        if terms:
            groups.append(terms)
    return groups


def closeness(analysis, groups: list[frozenset[str]], text: str) -> float:
    """The share of the query's neighbouring word pairs that `text` writes as neighbours (0 for a query of
    fewer than two words)."""
    if len(groups) < 2:
        return 0.0
    owner: dict[str, set[int]] = {}
    for i, terms in enumerate(groups):
        for term in terms:
            owner.setdefault(term, set()).add(i)
    found: set[int] = set()
    marks = analysis.marked_words(text, frozenset(owner))
    for (_s1, end, first), (start, _e2, second) in pairwise(marks):
        if start - end <= GAP:
            found.update(i for i in owner[first] if i + 1 in owner[second])
    return len(found) / (len(groups) - 1)
