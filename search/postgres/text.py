"""Snippets and spelling corrections computed in Python for the PostgreSQL backend.

ts_headline would mark words by PostgreSQL's own parsing, which does not see
our Dutch terms; marking words whose analysed terms meet the query's terms
marks exactly what matched, inflections and compound parts included.
"""

from __future__ import annotations

import html
import re

SNIPPET_CHARS = 240
SNIPPET_FRAGMENTS = 2
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _marked_spans(text: str, analyzer, marks: set[str]) -> list[tuple[int, int]]:
    return [(u.start, u.end) for u in analyzer.units(text) if marks.intersection((u.term, *u.extras))]


def _window(start: int, end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Cut a long sentence to SNIPPET_CHARS around its first match."""
    if end - start <= SNIPPET_CHARS:
        return start, end
    first = next((s for s, _ in spans if start <= s < end), start)
    begin = max(start, min(first - SNIPPET_CHARS // 4, end - SNIPPET_CHARS))
    return begin, begin + SNIPPET_CHARS


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out, cursor = [], start
    for s, e in spans:
        if s < cursor or e > end:
            continue
        out.append(html.escape(text[cursor:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end], quote=False))
    return "".join(out).strip()


def snippet(text: str, analyzer, marks: set[str]) -> str:
    """Up to two sentences with the most matches, matches in <mark>, the rest escaped."""
    spans = _marked_spans(text, analyzer, marks) if marks and text else []
    if not spans:
        short = text[:SNIPPET_CHARS]
        return html.escape(short, quote=False) + ("…" if len(text) > SNIPPET_CHARS else "")
    scored = []
    for start, end in _sentences(text):
        count = sum(1 for s, _ in spans if start <= s < end)
        if count:
            scored.append((count, start, end))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:SNIPPET_FRAGMENTS]
    pieces = []
    for _count, start, end in sorted(best, key=lambda item: item[1]):
        begin, stop = _window(start, end, spans)
        pieces.append(_render(text, begin, stop, spans))
    return " … ".join(pieces)


# -- spelling ------------------------------------------------------------------


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), stopping above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def max_distance(word: str) -> int:
    """As the Whoosh backend: one edit for short words, two for longer ones."""
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
