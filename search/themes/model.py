"""A fitted theme space: assigns a new or edited barrier to its nearest theme.

The model is rebuilt from the documents and a membership (theme id →
member codes) alone, deterministically, so the database stores only the
membership. A theme is represented by the unit mean of its members' LSA
vectors; a document's confidence compares its cosine to that centre with
the similarities of the theme's own members: it is the share of members that
are no closer than the document (0 = further than every member, 1 = at least
as close as all of them), which reads the same for tight and loose themes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.themes.features import FeatureExtractor
from search.themes.reduce import LsaReducer
from search.themes.types import ThemeDoc, ThemeError

# Further from the centre than 90 % of a theme's own members, a barrier is
# more likely a new subject than a loose member: "te beoordelen".
REVIEW_BELOW = 0.1


def sorted_unique(docs: list[ThemeDoc]) -> list[ThemeDoc]:
    """Documents in code order (results must not depend on row order); codes must be unique."""
    seen: set[str] = set()
    for doc in docs:
        if doc.code in seen:
            raise ThemeError(f"De drempel {doc.code} komt twee keer voor; elke code mag maar één keer voorkomen.")
        seen.add(doc.code)
    return sorted(docs, key=lambda d: d.code)


@dataclass
class ThemeModel:
    extractor: FeatureExtractor
    reducer: LsaReducer
    theme_ids: list[str]
    centroids: np.ndarray  # one unit row per theme
    member_sims: list[np.ndarray]  # sorted member cosines per theme

    @classmethod
    def fit(cls, docs: list[ThemeDoc], membership: dict[str, frozenset[str] | set[str] | list[str]], *,
            thesaurus: dict | None = None, seed: int = 0) -> "ThemeModel":
        """Rebuild the theme space from documents and a membership (theme id → codes)."""
        docs = sorted_unique(list(docs))
        if not docs:
            raise ThemeError("Er zijn geen drempels om een themamodel op te bouwen.")
        extractor = FeatureExtractor(thesaurus)
        reducer = LsaReducer(seed=seed)
        vectors = reducer.fit_transform([extractor.tokens(d) for d in docs])
        return cls.from_vectors(extractor, reducer, [d.code for d in docs], vectors, membership)

    @classmethod
    def from_vectors(cls, extractor, reducer, codes: list[str], vectors: np.ndarray, membership) -> "ThemeModel":
        row = {code: i for i, code in enumerate(codes)}
        ids, centres, sims = [], [], []
        for theme_id in sorted(membership):
            rows = [row[c] for c in sorted(membership[theme_id]) if c in row]
            if not rows:
                continue  # a theme whose barriers are all gone has no place in the space
            centre = vectors[rows].mean(axis=0)
            norm = np.linalg.norm(centre)
            centre = centre / norm if norm else centre
            ids.append(theme_id)
            centres.append(centre)
            sims.append(np.sort(vectors[rows] @ centre))
        dim = vectors.shape[1]
        return cls(extractor, reducer, ids, np.array(centres).reshape(len(ids), dim), sims)

    def renamed(self, ids: dict[str, str]) -> "ThemeModel":
        """The same model with theme ids replaced (e.g. the proposal's "T1"… by reconciled ids)."""
        return ThemeModel(self.extractor, self.reducer, [ids.get(t, t) for t in self.theme_ids],
                          self.centroids, self.member_sims)

    def vectors(self, docs: list[ThemeDoc]) -> np.ndarray:
        return self.reducer.transform([self.extractor.tokens(d) for d in docs])

    def confidence(self, similarity: float, theme_index: int) -> float:
        members = self.member_sims[theme_index]
        # A small tolerance so a member counts itself despite float rounding.
        return float(np.searchsorted(members, similarity + 1e-9, side="right") / len(members))

    def assign(self, doc: ThemeDoc) -> tuple[str | None, float]:
        """(theme id, confidence 0..1) of the nearest theme; None means "te beoordelen"."""
        if not self.theme_ids:
            return None, 0.0
        similarities = self.centroids @ self.vectors([doc])[0]
        best = int(np.argmax(similarities))
        confidence = self.confidence(float(similarities[best]), best)
        if confidence < REVIEW_BELOW:
            return None, round(confidence, 3)
        return self.theme_ids[best], round(confidence, 3)
