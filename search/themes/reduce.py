"""Vectorise feature tokens (TF-IDF) and reduce them to a dense semantic space (LSA)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

# LSA with ~100 dimensions is the classic setting for topic grouping of short
# documents (Deerwester et al.; sklearn's document-clustering example); fewer
# for tiny registers, where rank is bounded by the number of documents.
MAX_COMPONENTS = 100


def _identity(tokens):
    return tokens


@dataclass
class LsaReducer:
    """TF-IDF (sublinear, terms in ≥ 2 documents) followed by truncated SVD."""

    seed: int = 0
    max_components: int = MAX_COMPONENTS
    vectorizer: TfidfVectorizer | None = field(default=None, repr=False)
    svd: TruncatedSVD | None = field(default=None, repr=False)

    def fit_transform(self, token_lists: list[list[str]]) -> np.ndarray:
        min_df = 2 if len(token_lists) >= 20 else 1
        self.vectorizer = TfidfVectorizer(
            analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=0.5, dtype=np.float32
        )
        matrix = self.vectorizer.fit_transform(token_lists)
        if matrix.shape[1] < 2:
            # A register of identical (or nearly empty) texts has no vocabulary to tell apart.
            self.svd = None
            return np.zeros((matrix.shape[0], 1))
        rank = min(self.max_components, matrix.shape[0] - 1, matrix.shape[1] - 1)
        # Two power iterations instead of five: the leading topics converge fast
        # and 10,000 documents must be grouped within a minute.
        self.svd = TruncatedSVD(n_components=max(rank, 1), algorithm="arpack" if rank < 10 else "randomized",
                                n_iter=2, random_state=self.seed)
        return normalize(self.svd.fit_transform(matrix))

    def transform(self, token_lists: list[list[str]]) -> np.ndarray:
        matrix = self.vectorizer.transform(token_lists)
        if self.svd is None:
            return np.zeros((matrix.shape[0], 1))
        return normalize(self.svd.transform(matrix))
