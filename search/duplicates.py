"""Is a new report a duplicate of a barrier in the register? A calibrated decision on several signals.

One absolute similarity score does not carry over between registers and wordings: a paraphrase of a
barrier can score lower than a same-theme report that shares the register's stock phrases. The
signals offered are the score, its margin over the next candidate, how far it stands out from the
other candidates ("crowd"), title similarity, a shared citation, how much of each title the other text
holds ("title_cover") and how many terms few records hold both texts share ("rare", the specific matter:
a place, a product, a procedure; search.backend.Overlap, the same on every backend); which of them the decision uses,
and with what weight, is chosen by cross-validation and fitted (logistic regression) on the
calibration part of a labelled set (bench/eval/duplicate_reports.jsonl), and measured on its held-out
part (bench/results/duplicates.json).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from search.analysis import analyze

# Candidates read to judge the top ones: the margin and the crowd are measured against them.
CANDIDATES_READ = 10
# A term held by at most this many records (title and body counted apart) is rare: a report and a barrier
# sharing rare terms likely name the same specific matter. Chosen with the model by bench_duplicates.py --fit.
RARE_DOCS = 8

# Logistic regression over "features" (see `features`), chosen and fitted on the calibration part only by
#     .venv/bin/python bench/bench_duplicates.py --fit
# (which prints this constant); rerun it after a change to the labelled set. After a change to analysis or
# ranking, `--refit` refits these same signals at this C and RARE_DOCS (signals left out: bench/duplicates_screen.py).
DUPLICATE_MODEL = {
    "features": ["score", "margin", "title_cover", "rare"],
    "weights": [1.4199, 10.7977, 7.5789, 0.354], "intercept": -8.0838, "C": 1000.0,
}


@dataclass(frozen=True)
class Candidate:
    """What the decision needs of one candidate barrier."""

    code: str
    title: str
    score: float
    refs: tuple[str, ...] = ()
    # search.backend.Overlap: the titles' cover of each other and the document frequencies of shared terms
    title_cover: float = 0.0
    shared_df: tuple[int, ...] = ()


def title_similarity(a: str, b: str) -> float:
    """Dice overlap of the two titles' analysed terms (stems, compound parts), 0..1."""
    left, right = set(analyze(a or "")), set(analyze(b or ""))
    if not left or not right:
        return 0.0
    return 2 * len(left & right) / (len(left) + len(right))


def features(title: str, refs: Sequence[str], candidates: Sequence[Candidate], *,
             titles: bool = True, rare_docs: int = RARE_DOCS) -> list[dict[str, float]]:
    """One row of named signals per candidate (candidates best first, as the backend ranks them);
    without `titles` the title signal, the only one that analyses text, is left at 0."""
    scores = [c.score for c in candidates]
    wanted = {r.lower() for r in refs}
    rows = []
    for i, candidate in enumerate(candidates):
        others = scores[:i] + scores[i + 1:]
        rows.append({
            "score": candidate.score,
            "margin": candidate.score - max(others, default=0.0),
            # over as many others as are read: a barrier the register does not return as a candidate scores 0,
            # so in a small register a paraphrase of one of two near-duplicate barriers still stands out
            "crowd": candidate.score - sum(others) / max(len(others), CANDIDATES_READ - 1),
            "title": title_similarity(title, candidate.title) if titles else 0.0,
            "refs": 1.0 if wanted & {r.lower() for r in candidate.refs} else 0.0,
            "title_cover": candidate.title_cover,
            "rare": float(sum(1 for df in candidate.shared_df if df <= rare_docs)),
        })
    return rows


def probability(row: dict[str, float], model: dict = DUPLICATE_MODEL) -> float:
    """The model's probability that the candidate is a duplicate of the report."""
    z = model["intercept"] + sum(w * row[name] for name, w in zip(model["features"], model["weights"]))
    return 1.0 / (1.0 + math.exp(-z))


def decide(title: str, refs: Sequence[str], candidates: Sequence[Candidate],
           model: dict = DUPLICATE_MODEL) -> list[float]:
    """The probability for each candidate that it is the barrier the report duplicates."""
    rows = features(title, refs, candidates, titles="title" in model["features"])
    return [probability(row, model) for row in rows]
