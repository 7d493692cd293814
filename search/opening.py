"""How every backend opens a text search.

A short query means "all these words": all words first, some of them when that finds (almost) nothing.
A long query or a question is not a list of required words: it matches any word, and the share of its
words a record holds (coordination) weighs in the score, softly, so an article that holds all the words
of a question only by chance no longer outranks a better partial match.

Backend-neutral: a backend hands in how it builds a plan (as asked, any-word, or any-word with
coordination), how it runs one and how many records that found; this module decides which plan runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Generic, Protocol, Sequence, TypeVar

from search.facet_words import TYPE_WORDS
from search.nlp import kept_names, lemma_vocabulary, lookup_table
from search.query import SearchQuery

# With fewer hits than this for all words, a search also shows records that have only some of them
# (ranked below the complete matches); measured on bench/eval: nDCG@10 0.839 -> 0.866.
FALLBACK_BELOW = 5
FALLBACK_NOTICE = "Geen resultaten met alle zoekwoorden; dit zijn resultaten met een deel ervan."
FEW_NOTICE = "Weinig resultaten met alle zoekwoorden; ook resultaten met een deel ervan worden getoond."
# From this many text clauses (or a question of two or more) a query is ranked softly.
SOFT_FROM = 4
# score x (share of the query's clauses the record holds) ** COORD_POWER; measured on bench/quality.py.
COORD_POWER = 1.0
# Soft ranking re-weighs this many best BM25 candidates (at least a page's worth).
COORD_POOL = 100


class TextPlan(Protocol):
    text_clauses: int


P = TypeVar("P", bound=TextPlan)
M = TypeVar("M")


@dataclass
class Opening(Generic[P, M]):
    """The plan to rank by, what it found, and how many records held every word."""

    plan: P
    found: M
    strict_total: int
    notice: str | None = None


def fallback_notice(strict_total: int) -> str:
    return FALLBACK_NOTICE if strict_total == 0 else FEW_NOTICE


def is_soft(query: SearchQuery, text_clauses: int) -> bool:
    """A long query or a question: ranked by any word with coordination, never by a hard tier."""
    if query.any_terms:
        return False
    question = query.text.rstrip().endswith("?")
    return text_clauses >= SOFT_FROM or (question and text_clauses > 1)


def coordination(matched: int, total: int) -> float:
    """The factor a soft-ranked record's score is multiplied by."""
    return (matched / total) ** COORD_POWER if total else 1.0


def open_search(query: SearchQuery, build: Callable[[bool | None, bool], P], run: Callable[[P], M],
                size: Callable[[M], int], *, empty: Callable[[P], bool]) -> Opening[P, M] | None:
    """`build(None, False)` is the plan as the user asked (all words unless OF), `build(True, False)` the
    any-word plan, `build(True, True)` any word with coordination; None when the query leaves nothing to
    search for (`empty(plan)`)."""
    plan = build(None, False)
    if empty(plan):
        return None
    if is_soft(query, plan.text_clauses):
        plan = build(True, True)
        found = run(plan)
        return Opening(plan, found, size(found))
    found = run(plan)
    strict_total = size(found)
    if strict_total < FALLBACK_BELOW and plan.text_clauses > 1 and not query.any_terms:
        wider = build(True, False)
        wider_found = run(wider)
        if size(wider_found) > strict_total:
            return Opening(wider, wider_found, strict_total, fallback_notice(strict_total))
    return Opening(plan, found, strict_total)


_HYPHENATED = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+$")
# A query word the index does not hold is tried as two words it does hold, each at least this long, joined
# directly or by a linking letter ("huiszoeking|s|schade", "lyme|ziekte"); the longer shorter side wins, then
# the longer head, then the split that drops no letter ("aangetekende zending", not "aangetekend zending").
SPLIT_PART_MIN = 3
_SPLIT_LINKS = ("", "s", "e", "en")
SPLIT_NOTICE = "Geen resultaten voor ‘{word}’; gezocht op ‘{parts}’."


def word_parts(query: SearchQuery, held: Callable[[set[str]], set[str]], *, hyphens: bool = True,
               synonyms: Callable[[str], Sequence[str]] | None = None) -> tuple[SearchQuery, list[str]] | None:
    """The query with each word of letters the index does not hold split into two it holds ("huiszoekingsschade"
    -> "huiszoeking schade", "lymeziekte" -> "lyme ziekte"), with a notice per split, and with `hyphens` each
    hyphenated word ("Dublin-overeenkomst") split into its parts, and a word naming the record type after a held
    modifier ("handtekeningdrempels") searched as that modifier; None when nothing splits. A compound no record
    writes whole otherwise finds nothing, and a hyphenated word asks for all its parts in order
    (SearchBackend.search). `held(words)` gives the lowercased words the index's vocabulary holds; a thesaurus
    term (`synonyms` gives its entry's terms) is searched as its canonical term, not split, when a record writes a
    one-word term of its entry ("woonstcontrole" finds "woonstvaststelling"); otherwise it is split as any unknown
    word ("evenementenvergunning" -> "evenementen vergunning")."""
    forms, lemmas, places = lookup_table(), lemma_vocabulary(), kept_names()
    # A word the Dutch lemma data knows ("meenamen", "tekenbeten") is a word, not an unknown compound; a place
    # ("Wingene") or a word naming a facet value is a name.
    long_words = {w for t in query.terms if t.isalpha() and len(t) >= 2 * SPLIT_PART_MIN
                  and (w := t.lower()) not in forms and w not in lemmas and w not in places
                  and t.casefold() not in query.facets}
    unknown = long_words - held(long_words) if long_words else set()
    unknown -= _written_synonyms(unknown, held, synonyms)
    candidates = {word: _splits(word) for word in unknown}
    parts = {w for splits in candidates.values() for split in splits for w in split if w not in TYPE_WORDS}
    known = held(parts) if parts else set()
    terms: list[str] = []
    notices: list[str] = []
    for term in query.terms:
        if hyphens and _HYPHENATED.match(term):
            terms.extend(term.split("-"))
            continue
        splits = [s for s in candidates.get(term.lower(), ()) if set(s) <= known]
        # "handtekeningdrempels": a modifier the index holds before a word naming the record type is that modifier
        typed = [(s[0],) for s in candidates.get(term.lower(), ()) if s[1] in TYPE_WORDS and s[0] in known]
        if not splits and not typed:
            terms.append(term)
            continue
        best = (max(splits, key=lambda s: (min(map(len, s)), len(s[1]), len(s[0]))) if splits
                else max(typed, key=lambda s: len(s[0])))
        terms.extend(best)
        notices.append(SPLIT_NOTICE.format(word=term, parts=" ".join(best)))
    if terms == query.terms:
        return None
    return replace(query, terms=terms), notices


def _written_synonyms(words: set[str], held: Callable[[set[str]], set[str]],
                      synonyms: Callable[[str], Sequence[str]] | None) -> set[str]:
    """The words that are a thesaurus term of an entry a record writes a one-word term of. A term of several
    words is no evidence: the vocabulary holds words, not where they stand ("vergunning voor een evenement")."""
    entries = {w: {t.lower() for t in found if " " not in t.strip()} for w in words if synonyms and (found := synonyms(w))}
    written = set().union(*entries.values())
    have = held(written) if written else set()
    return {w for w, single in entries.items() if single & have}


def _splits(word: str) -> list[tuple[str, str]]:
    """Every (modifier, head) a word can be cut into, a linking letter or two between them dropped."""
    out = []
    for cut in range(SPLIT_PART_MIN, len(word) - SPLIT_PART_MIN + 1):
        modifier = word[:cut]
        for link in _SPLIT_LINKS:
            head = word[cut + len(link):]
            if word.startswith(link, cut) and len(head) >= SPLIT_PART_MIN:
                out.append((modifier, head))
    return out
