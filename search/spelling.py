"""Spelling suggestions ("Bedoelde u …?"): which words get one, how far a suggestion may be, and which
candidate wins; the same rules for every backend (each reads its own vocabulary)."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz.distance import OSA

from search.query import SearchQuery

# Below this many all-word matches a query may well be misspelt: look for "bedoelde u …?".
SUGGEST_BELOW = 10


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance with adjacent swaps counted once (optimal string alignment, as
    Whoosh's corrector counts), limit + 1 when above `limit`."""
    return OSA.distance(a, b, score_cutoff=limit)


def max_distance(word: str) -> int:
    """One edit for short words, two for longer ones."""
    return 1 if len(word) < 6 else 2


def needs_correction(word: str) -> bool:
    return len(word) >= 3 and word.isalpha()


def best_correction(word: str, candidates: list[tuple[str, int]]) -> str | None:
    """The closest candidate within reach; ties go to the more frequent, then alphabetical."""
    limit = max_distance(word)
    ranked = []
    for candidate, docs in candidates:
        if candidate == word:
            continue
        distance = edit_distance(word, candidate, limit)
        if distance <= limit:
            ranked.append((distance, -docs, candidate))
    return min(ranked)[2] if ranked else None


def suggestion(query: SearchQuery, correct: Callable[[str], str | None], strict_total: int) -> str | None:
    """The query text with unknown words replaced by close known ones (`correct`: the backend's look-up
    in its vocabulary), or None; only asked when fewer than SUGGEST_BELOW records hold every word
    (`strict_total`). A word naming a facet value ("opgeloste", "Vlaams", "drempels") is understood as
    that value, not a misspelling, even where no record's text holds it."""
    if strict_total >= SUGGEST_BELOW:
        return None
    text, changed = query.text, False
    for term in query.terms:
        fix = None if term.casefold() in query.facets else correct(term)
        if fix:
            text, changed = text.replace(term, fix, 1), True
    return text if changed else None
