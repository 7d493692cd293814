"""propose_themes: features → reduce → cluster → label, each a named, swappable step.

Documents are sorted by code before anything runs and every random step is
seeded, so the same register gives the same themes whatever the row order.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from search.themes.cluster import UNASSIGNED, GraphCommunities
from search.themes.features import FeatureExtractor
from search.themes.label import DocPhrases, label_theme
from search.themes.model import ThemeModel, sorted_unique
from search.themes.reduce import LsaReducer
from search.themes.types import Proposal, ProposedTheme, ThemeDoc, ThemeError

log = logging.getLogger("search.themes")


@dataclass
class Pipeline:
    """The named steps; replace one (e.g. `cluster`) to try another method."""

    features: Any = None
    reduce: Any = None
    cluster: Any = None
    seed: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def default(cls, *, thesaurus: dict | None = None, seed: int = 0) -> "Pipeline":
        return cls(FeatureExtractor(thesaurus), LsaReducer(seed=seed), GraphCommunities(seed=seed), seed)

    def _step(self, name: str, func, *args):
        start = time.perf_counter()
        result = func(*args)
        self.timings[name] = time.perf_counter() - start
        log.info("themes %s: %s in %.2f s", name, _describe(result), self.timings[name])
        return result

    def run(self, docs: list[ThemeDoc]) -> Proposal:
        docs = sorted_unique(list(docs))
        check_register(docs)
        tokens = self._step("features", lambda: [self.features.tokens(d) for d in docs])
        vectors = self._step("reduce", self.reduce.fit_transform, tokens)
        if not np.any(vectors):
            raise ThemeError(IDENTICAL)
        labels = self._step("cluster", self.cluster.fit_predict, vectors)
        return self._step("label", self._proposal, docs, vectors, labels)

    def _proposal(self, docs: list[ThemeDoc], vectors: np.ndarray, labels: np.ndarray) -> Proposal:
        codes = [d.code for d in docs]
        groups = _groups(codes, labels)
        membership = {f"T{i + 1}": frozenset(members) for i, members in enumerate(groups)}
        model = ThemeModel.from_vectors(self.features, self.reduce, codes, vectors, membership)
        index = DocPhrases(docs)
        row = {c: i for i, c in enumerate(codes)}
        themes = []
        for t, members in enumerate(groups):
            sims = vectors[[row[c] for c in members]] @ model.centroids[t]
            confidence = {c: round(model.confidence(float(s), t), 3) for c, s in zip(members, sims)}
            label, terms = label_theme(members, index, len(docs), len(groups))
            representative = min(members, key=lambda c: (-round(confidence[c], 6), -float(sims[members.index(c)]), c))
            themes.append(ProposedTheme(members, label or "zonder naam", terms, representative, confidence))
        unassigned = [c for c, lab in zip(codes, labels) if lab == UNASSIGNED]
        info = {"k": len(groups), "steps": {k: round(v, 3) for k, v in self.timings.items()},
                "method": type(self.cluster).__name__, "scores": getattr(self.cluster, "scores", {})}
        return Proposal(themes, unassigned, map_coords(codes, vectors), model, info)


IDENTICAL = ("Alle drempels hebben (bijna) dezelfde tekst: er zijn geen woorden die ze van elkaar "
             "onderscheiden, dus er valt niets in thema's te groeperen.")


def check_register(docs: list[ThemeDoc]) -> None:
    """Refuse registers that cannot be grouped, with a Dutch reason."""
    if not docs:
        raise ThemeError("Het register is leeg: er zijn geen drempels om in thema's te groeperen.")
    if len(docs) == 1:
        raise ThemeError(f"Het register bevat maar één drempel ({docs[0].code}): "
                         "thema's voorstellen vraagt minstens twee drempels.")
    texts = {(d.title.strip().lower(), d.text.strip().lower(), tuple(sorted(d.refs))) for d in docs}
    if len(texts) == 1:
        raise ThemeError(IDENTICAL)


def _groups(codes: list[str], labels: np.ndarray) -> list[list[str]]:
    """Member lists per cluster, biggest first, ties by first code: independent of label numbers."""
    by_label: dict[int, list[str]] = {}
    for code, lab in zip(codes, labels):
        if lab != UNASSIGNED:
            by_label.setdefault(int(lab), []).append(code)
    return sorted(by_label.values(), key=lambda members: (-len(members), members[0]))


def map_coords(codes: list[str], vectors: np.ndarray) -> dict[str, tuple[float, float]]:
    """2-D positions in [0, 1] (first two principal components) for a server-drawn map.

    PCA through the eigenvectors of the small d×d covariance: a full SVD of the
    n×d matrix took seconds on 10,000 documents for the same two axes.
    """
    if len(codes) < 3 or vectors.shape[1] < 2:
        return {c: (0.5, 0.5) for c in codes}
    centred = vectors - vectors.mean(axis=0)
    _, eigenvectors = np.linalg.eigh(centred.T @ centred)
    axes = eigenvectors[:, ::-1][:, :2]
    # Fix each axis's sign (its largest loading positive) so the map never flips between runs.
    axes = axes * np.sign(axes[np.abs(axes).argmax(axis=0), [0, 1]])
    xy = centred @ axes
    low, span = xy.min(axis=0), np.ptp(xy, axis=0)
    span[span == 0] = 1.0
    xy = (xy - low) / span
    return {c: (round(float(x), 4), round(float(y), 4)) for c, (x, y) in zip(codes, xy)}


def _describe(result) -> str:
    if isinstance(result, Proposal):
        return f"{len(result.themes)} themes, {len(result.unassigned)} unassigned"
    if isinstance(result, np.ndarray):
        return f"array {result.shape}"
    if isinstance(result, list):
        return f"{len(result)} items"
    return type(result).__name__


def propose_themes(docs: list[ThemeDoc], *, thesaurus: dict | None = None, seed: int = 0,
                   pipeline: Pipeline | None = None) -> Proposal:
    """Propose themes for a register; the number of themes is chosen by the method."""
    return (pipeline or Pipeline.default(thesaurus=thesaurus, seed=seed)).run(docs)
