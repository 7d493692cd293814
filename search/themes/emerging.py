"""Emerging patterns: recent barriers that fit no curated theme, grouped and named.

The same pipeline runs on the small set; groups of at least two barriers are
shown as "nieuwe patronen", loners are not (one report is not yet a pattern).
"""
from __future__ import annotations

import datetime as dt

from search.themes.pipeline import Pipeline
from search.themes.types import Pattern, ThemeDoc, ThemeError

RECENT_DAYS = 90


def recent(docs: list[ThemeDoc], *, today: dt.date, days: int = RECENT_DAYS) -> list[ThemeDoc]:
    """Documents reported in the last `days` days (inclusive)."""
    since = today - dt.timedelta(days=days)
    return [d for d in docs if d.reported is not None and since <= d.reported <= today]


def emerging_patterns(docs_recent_unfitting: list[ThemeDoc], *, thesaurus: dict | None = None, seed: int = 0,
                      min_size: int = 2) -> list[Pattern]:
    """Groups among recent barriers that fit no curated theme; [] when there is nothing to group."""
    docs = list(docs_recent_unfitting)
    if len(docs) < max(2, min_size):
        return []
    pipeline = Pipeline.default(thesaurus=thesaurus, seed=seed)
    pipeline.cluster.min_size = min_size
    try:
        proposal = pipeline.run(docs)
    except ThemeError:
        # Identical texts are one pattern, not an error for the caller.
        if len({(d.title.strip().lower(), d.text.strip().lower()) for d in docs}) == 1:
            codes = sorted(d.code for d in docs)
            return [Pattern(docs[0].title, [], codes, codes[0])]
        raise
    return [Pattern(t.label, t.terms, t.members, t.representative) for t in proposal.themes]
