"""Highlighted snippets for the hits of one page, the same for every backend.

A word is marked when one of its index terms is a term of the query, so matching is exactly as in the
index (lemmas, compound parts, thesaurus); the stored text is read once per hit, each distinct word
analysed once (search.analysis.DutchAnalysis.marked_words), with no backend's highlighter involved.
"""

from __future__ import annotations

import html
import logging
import re

log = logging.getLogger(__name__)

SNIPPET_CHARS = 240
FRAGMENTS = 2
# Room before the first match in a window cut from a long sentence.
LEAD_CHARS = 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_warned = False


def snippet(analyzer, text: str, terms: set[str]) -> str:
    """HTML: up to two fragments with matches in <mark>, all else escaped."""
    global _warned
    text = text or ""
    try:
        spans = match_spans(analyzer, text, terms) if terms else []
    except Exception:  # a snippet must never break a search
        if not _warned:
            log.warning("markeren van fragmenten mislukt", exc_info=True)
            _warned = True
        spans = []
    if not spans:
        return _escape_cut(text)
    return " … ".join(_mark(text, start, end, spans) for start, end in best_fragments(text, spans))


def match_spans(analyzer, text: str, terms: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of each written word whose index terms meet `terms`. `analyzer` is the Dutch
    analysis (anything with `marked_words`); another Whoosh analyzer (the benches' baselines) is run
    over the text token by token."""
    marked = getattr(analyzer, "marked_words", None)
    if marked is not None:
        return marked(text, terms)
    spans: list[tuple[int, int, str]] = []
    for tok in analyzer(text, mode="index", chars=True):
        if tok.text in terms and not (spans and spans[-1][0] == tok.startchar):
            spans.append((tok.startchar, tok.endchar, tok.text))
    return spans


def best_fragments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """The (start, end) of the sentences (or windows) with the most distinct matches, in text order."""
    scored = []
    for start, end in _sentences(text):
        inside = [s for s in spans if start <= s[0] and s[1] <= end]
        if inside:
            start, end = _window(text, start, end, inside)
            inside = [s for s in inside if start <= s[0] and s[1] <= end]
            scored.append(((-len({s[2] for s in inside}), -len(inside), start), (start, end)))
    return sorted(frag for _key, frag in sorted(scored)[:FRAGMENTS])


def _sentences(text: str):
    start = 0
    for gap in _SENTENCE_END.finditer(text):
        yield start, gap.start()
        start = gap.end()
    yield start, len(text.rstrip())


def _window(text: str, start: int, end: int, inside) -> tuple[int, int]:
    """A sentence longer than a snippet is cut around its first match, on word edges."""
    if end - start <= SNIPPET_CHARS:
        return start, end
    lead = max(start, inside[0][0] - LEAD_CHARS)
    if lead > start:
        space = text.find(" ", lead, inside[0][0])
        lead = space + 1 if space >= 0 else lead
    stop = min(end, lead + SNIPPET_CHARS)
    if stop < end:
        space = text.rfind(" ", inside[0][1], stop)
        stop = space if space > 0 else stop
    return lead, stop


def _mark(text: str, start: int, end: int, spans) -> str:
    out, pos = [], start
    for s, e, _term in spans:
        if s < pos or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append("<mark>%s</mark>" % html.escape(text[s:e], quote=False))
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    return "".join(out)


def _escape_cut(text: str) -> str:
    short = text[:SNIPPET_CHARS]
    return html.escape(short, quote=False) + ("…" if len(text) > SNIPPET_CHARS else "")
