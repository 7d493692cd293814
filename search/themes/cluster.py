"""Group document vectors into themes; the number of themes is chosen by the data.

Default (`GraphCommunities`): link every document to its nearest neighbours
(cosine, about ln n of them, the connectivity scale von Luxburg's spectral
clustering tutorial recommends) and find communities by maximising modularity
with the Louvain method (Blondel et al. 2008), as PhenoGraph and Seurat do
for cell types. Modularity, not a k and not a distance threshold, decides how
many themes there are.

Modularity at its classic resolution (1.0) merges groups below its resolution
limit (Fortunato & Barthélemy 2007): on registers of a few hundred barriers
those groups are the themes themselves (1.0 lost to the informed baseline on
5 of 13 tuning registers). Louvain's first level instead splits large
registers into hundreds of small groups. We therefore keep Louvain's best
level at resolution `RESOLUTION`, chosen on the even half of dekamer-2017
only (README.md, "Figures") and reported on sets it never saw.

Alternative (`WardSilhouette`): a Ward tree cut at the best mean silhouette.
On our data the silhouette rose with k up to the end of any range tried, so
it mostly encodes its range; it stays as a swappable step for comparison.

Groups smaller than `min_size` are left unassigned ("nog geen thema"): one
barrier alone is not a theme.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import sklearn
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import silhouette_score
from sklearn.metrics.pairwise import cosine_distances
from sklearn.neighbors import NearestNeighbors

UNASSIGNED = -1
# The silhouette is estimated on a fixed, seeded sample: on 10,000 documents
# the exact value costs minutes and a 2,000-document sample moves it < 0.01.
SILHOUETTE_SAMPLE = 2000
# Louvain resolution: of 1.0, 1.5, 2.0, 2.5, 3.0 and 4.0, 2.5 had the best mean margin over the informed
# baselines (min of the NMI and ARI margins) on 13 tuning registers drawn from the even half of
# dekamer-2017 (100 to 1,354 questions); it won 12 of them (1.0 won 8). bench/bench_themes.py --tune.
RESOLUTION = 2.5


def candidate_ks(n: int) -> range:
    """Numbers of themes worth trying: 2 … about 2·√n (never more than n/2)."""
    top = max(2, min(n // 2, int(2 * np.sqrt(n)) + 1))
    return range(2, top + 1)


@dataclass
class WardSilhouette:
    """Ward tree on the reduced vectors, cut at the k with the best mean silhouette."""

    seed: int = 0
    min_size: int = 2
    scores: dict[int, float] = field(default_factory=dict)
    chosen_k: int = 0

    def fit_predict(self, vectors: np.ndarray) -> np.ndarray:
        n = len(vectors)
        tree = linkage(vectors, method="ward")
        sample = self._sample(n)
        distances = cosine_distances(vectors[sample])
        self.scores = {}
        for k in candidate_ks(n):
            labels = fcluster(tree, k, criterion="maxclust")
            if len(set(labels[sample])) < 2:
                continue
            self.scores[k] = float(silhouette_score(distances, labels[sample], metric="precomputed"))
        self.chosen_k = max(self.scores, key=lambda k: (round(self.scores[k], 6), -k)) if self.scores else 1
        return drop_small(fcluster(tree, self.chosen_k, criterion="maxclust") - 1, self.min_size)

    def _sample(self, n: int) -> np.ndarray:
        if n <= SILHOUETTE_SAMPLE:
            return np.arange(n)
        return np.sort(np.random.default_rng(self.seed).choice(n, SILHOUETTE_SAMPLE, replace=False))


def drop_small(labels: np.ndarray, min_size: int) -> np.ndarray:
    """Mark members of groups smaller than `min_size` as unassigned."""
    out = labels.copy()
    values, counts = np.unique(labels[labels >= 0], return_counts=True)
    for value, count in zip(values, counts):
        if count < min_size:
            out[labels == value] = UNASSIGNED
    return out


def neighbour_count(n: int) -> int:
    """About ln n neighbours: enough to connect the graph, few enough to keep themes apart."""
    return int(max(2, min(n - 1, round(np.log(n)))))


def knn_graph(vectors: np.ndarray, neighbours: int) -> nx.Graph:
    """Undirected graph: each document linked to its nearest neighbours, weight = cosine (> 0)."""
    n = len(vectors)
    index = NearestNeighbors(n_neighbors=min(n, neighbours + 1), metric="cosine", algorithm="brute").fit(vectors)
    # sklearn computes distances in chunks of `working_memory` MB (1 GB by default);
    # smaller chunks cost no time here and keep the peak memory of 10,000 documents low.
    with sklearn.config_context(working_memory=128):
        distances, found = index.kneighbors(vectors)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        kept = 0
        for distance, j in zip(distances[i], found[i]):
            j = int(j)
            if j == i or kept == neighbours:
                continue
            kept += 1
            similarity = 1.0 - float(distance)
            if similarity > 1e-9:
                # Keep the larger weight when both ends chose each other.
                if not graph.has_edge(i, j) or graph[i][j]["weight"] < similarity:
                    graph.add_edge(min(i, j), max(i, j), weight=similarity)
    return graph


@dataclass
class GraphCommunities:
    """Louvain communities (modularity) on the nearest-neighbour graph of the documents."""

    seed: int = 0
    min_size: int = 2
    resolution: float = RESOLUTION
    level: str = "last"  # "last" (Louvain's optimum, default) or "first" (its first, finest level)
    chosen_k: int = 0
    scores: dict = field(default_factory=dict)

    def fit_predict(self, vectors: np.ndarray) -> np.ndarray:
        n = len(vectors)
        graph = knn_graph(vectors, neighbour_count(n))
        levels = list(nx.community.louvain_partitions(graph, weight="weight", resolution=self.resolution,
                                                        seed=self.seed))
        chosen = levels[0] if self.level == "first" else levels[-1]
        self.scores = {"neighbours": neighbour_count(n), "resolution": self.resolution,
                       "levels": [len(p) for p in levels],
                       "modularity": round(nx.community.modularity(graph, chosen, weight="weight",
                                                                   resolution=self.resolution), 4)}
        labels = np.full(n, UNASSIGNED)
        # Number communities by their smallest member so the labels do not depend on set order.
        for number, members in enumerate(sorted(chosen, key=min)):
            labels[sorted(members)] = number
        self.chosen_k = len(chosen)
        return drop_small(labels, self.min_size)
