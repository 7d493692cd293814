"""The search backend interface and its backend-neutral result values.

Callers (web, CLI, briefs) only see these types; Whoosh and the later
PostgreSQL backend both implement :class:`SearchBackend` and run the same
contract tests.
"""

from __future__ import annotations

import abc
import itertools
import math
from dataclasses import dataclass, field, replace
from contextlib import AbstractContextManager
from functools import partial
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence

from search.documents import SearchDocument
from search.opening import FALLBACK_NOTICE, word_parts
from search.proximity import closeness, query_words
from search.query import SearchQuery

SORTS = ("relevance", "newest", "oldest", "code", "severity")
FACET_FIELDS = (
    "type",
    "status",
    "kind",
    "werf",
    "level",
    "regulation",
    "project",
    "municipality",
    "province",
    "year",
    "theme",
)
MAX_PAGE_SIZE = 200
# A word in the title counts this many times the same word in the body, on every backend. 3.0
# over-weighted short headings: on legal-qa-dev (article headings as titles) nDCG@10 0.725 at 3.0 and
# 0.740 at 2.0 or 1.0, while our demo set keeps 0.870 at 2.0 (0.862 at 1.0). bench/bench_quality.py.
TITLE_WEIGHT = 2.0

# progress(done, total_or_None) during a rebuild
Progress = Callable[[int, "int | None"], None]


class SearchError(RuntimeError):
    """Base class for errors a backend may raise on purpose."""


class IndexBusyError(SearchError):
    """The index stayed locked by other writers for longer than allowed."""


@dataclass
class Hit:
    """One result: enough to render a line in a result list."""

    type: str
    id: str
    code: str
    title: str
    score: float
    # HTML: matches wrapped in <mark>…</mark>, everything else escaped.
    snippet: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    # For similar/more_like_text: what the two records share.
    why: list[str] = field(default_factory=list)
    # The indexed body, for a second ranker (search/semantic.py); never shown.
    text: str = field(default="", repr=False)
    # For similar/more_like_text: the word overlap the duplicate decision reads (search/duplicates.py).
    overlap: "Overlap | None" = field(default=None, repr=False)


@dataclass(frozen=True)
class Overlap:
    """How two texts overlap beyond their cosine, computed alike on every backend."""

    # Mean of: the share of the source title's terms found anywhere in the target, and the other way round.
    title_cover: float = 0.0
    # The document frequency (title and body counted apart, as for idf) of each term both texts hold, ascending.
    shared_df: tuple[int, ...] = ()


@dataclass
class SearchResults:
    """One page of results plus facet counts over the whole result set."""

    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    # Of `total`, the records the query's words matched (the rest the semantic pass added by meaning).
    matched: int = 0
    # A corrected query ("bedoelde u …?") when some words are not in the index.
    suggestion: str | None = None
    notices: list[str] = field(default_factory=list)
    # Facet values named by words of the query, offered as one-click filters (search/facet_words.py).
    facet_hints: list[dict[str, str]] = field(default_factory=list)
    page: int = 1
    page_size: int = 10

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


_IDENTITIES = itertools.count(1)

# Records read by SearchBackend.warm_up at start: ~1 s per 20,000 on Whoosh.
WARM_RECORDS = 50_000


class Reranker(Protocol):
    """A second ranker over a search's best `pool` hits (search/semantic.py: SemanticRanker), which may
    add to them the `recall` records nearest the query by meaning (0: adds none)."""

    pool: int
    recall: int
    # The record types whose searches get the semantic pass.
    recall_types: tuple[str, ...]

    def rerank(self, text: str, hits: list[Hit], added: Sequence[Hit] = (), closeness: Sequence[float] = ()
               ) -> list[Hit]: ...

    def nearest(self, text: str, generation: Any, records: Callable[[], Iterable[tuple[str, str, str]]],
                count: int) -> list[str]:
        """The ids of the `count` records nearest `text`, nearest first, from (id, title, body) records."""
        ...

    def warm(self, records: Iterable[tuple[str, str]]) -> int:
        """Prepare what reranking these (title, text) records needs; how many were prepared."""
        ...

    def close(self) -> None:
        """The process is stopping: stop preparing (a warm-up under way)."""
        ...


class SearchBackend(abc.ABC):
    """What every search backend offers; see tests/search/backend_contract.py."""

    # True when the backend found an index it could not read and started an empty one:
    # whoever composes the service then rebuilds it from the database.
    stale: bool = False
    # Set by whoever composes the backend: re-orders the best hits of a relevance-sorted text search.
    reranker: Reranker | None = None

    @abc.abstractmethod
    def add(self, docs: Iterable[SearchDocument]) -> int:
        """Add or replace documents (by id); returns how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Returns how many ids were given."""

    def search(
        self,
        query: SearchQuery,
        *,
        types: Iterable[str] | None = None,
        sort: str = "relevance",
        page: int = 1,
        page_size: int = 10,
        facets: bool = True,
    ) -> SearchResults:
        """Run a parsed query; an empty query gives an empty result, never an error.

        The opening every backend shares (paging clamped, an unknown sort noticed, the empty query)
        happens here; the backend fills `out` in :meth:`_search`. A compound no record writes whole
        ("huiszoekingsschade") is searched as two words records do write ("huiszoeking schade"), and a
        query that finds nothing while a word of it is hyphenated ("Dublin-overeenkomst") is searched again
        with that word's parts as words of their own (search/opening.py: word_parts)."""
        held = partial(self.held_words, public_only=query.public_only)
        analysis = self.text_analysis()
        synonyms = analysis.thesaurus_synonyms if analysis is not None else None
        split = word_parts(query, held, hyphens=False, synonyms=synonyms) if query.terms else None
        query, notices = split if split is not None else (query, [])
        out = self._ranked(query, types=types, sort=sort, page=page, page_size=page_size, facets=facets)
        retry = word_parts(query, held, synonyms=synonyms) if out.matched == 0 else None
        if retry is not None:
            again = self._ranked(retry[0], types=types, sort=sort, page=page, page_size=page_size, facets=facets)
            if again.matched:
                out, notices = again, [*notices, *retry[1], FALLBACK_NOTICE]
        out.notices = list(dict.fromkeys([*notices, *out.notices]))
        return out

    def held_words(self, words: set[str], *, public_only: bool = False) -> set[str]:
        """Which of these lowercased words some record writes (the spelling vocabulary; with `public_only`,
        some public record). A backend without a vocabulary holds none, and splits no unknown word."""
        return set()

    def _ranked(self, query: SearchQuery, *, types: Iterable[str] | None, sort: str, page: int, page_size: int,
                facets: bool) -> SearchResults:
        out, sort = start_results(query, sort, page, page_size)
        if query.is_empty:
            return out
        analysis = self.text_analysis()
        if analysis is not None and len(query.terms) > 1:
            joined = analysis.thesaurus_words(query.terms)
            query = replace(query, terms=joined) if joined != query.terms else query
        types = list(types) if types else None
        reranker = self.reranker
        recall = getattr(reranker, "recall", 0) if reranker is not None else 0
        # A search of types the semantic pass serves (barriers) finds records by meaning; one of legal articles
        # alone (search/semantic.py: RECALL_TYPES) does not, and weighs words written together instead.
        by_meaning = not types or bool(set(types) & set(getattr(reranker, "recall_types", types)))
        recall = recall if by_meaning else 0
        if (reranker is None or sort != "relevance" or not (query.terms or query.phrases)
                or not recall and (out.page - 1) * out.page_size >= reranker.pool):
            self._search(query, out, types=types, sort=sort, facets=facets)
            return out
        # Fetch up to the page's end, re-order the pool (with the records the semantic pass added), cut the
        # page out. With the pass on, every page is cut so, as the added records shift the pages after the pool.
        text = " ".join([*query.terms, *query.phrases])
        near = self._near(reranker, text, recall) if recall else []
        page, page_size = out.page, out.page_size
        out.page, out.page_size = 1, max(reranker.pool, page * page_size)
        admitted = self._search(query, out, types=types, sort=sort, facets=facets, near=near)
        out.page, out.page_size = page, page_size
        pool = out.hits[:reranker.pool]
        # A near record BM25 ranked below the pool moves up into it (and out of its later place).
        held = {hit.id for hit in pool}
        added = [hit for hit in admitted if hit.id not in held]
        moved = {hit.id for hit in added}
        rest = [hit for hit in out.hits[reranker.pool:] if hit.id not in moved]
        near_words = ()
        if analysis is not None and getattr(reranker, "proximity", 0) and not by_meaning:
            groups = query_words(analysis, query.terms)
            near_words = [closeness(analysis, groups, f"{hit.title}\n{hit.text}") for hit in [*pool, *added]]
        # The pool comes back with fused scores on BM25's scale; a record below it keeps its BM25 score (no
        # cosine), so one sort by score (stable: ties keep their order) puts the few the fusion scored lower
        # than it (an added record, a negative cosine) after it, and the score always falls with the rank.
        hits = sorted(reranker.rerank(text, pool, added, near_words) + rest, key=lambda hit: -hit.score)
        out.hits = hits[(page - 1) * page_size:page * page_size]
        return out

    def warm_up(self, limit: int = WARM_RECORDS) -> dict[str, int]:
        """Analyse the words of the indexed records and compute their vectors for the second ranker now,
        so that the first searches, pages and duplicate checks after a start do not (`serve` runs this
        beside serving). Only caches are filled: what any search returns stays the same."""
        records = list(islice(self.record_texts(), limit))
        analysis = self.text_analysis()
        words = analysis.warm(text for record in records for text in record) if analysis is not None else 0
        reranker = self.reranker
        vectors = reranker.warm((title, body) for title, body, _summary in records) if reranker is not None else 0
        if getattr(reranker, "recall", 0):
            self._near(reranker, "", 0)  # the semantic pass's matrix, from the vectors just computed
        return {"records": len(records), "words": words, "vectors": vectors}

    def _near(self, reranker: Reranker, text: str, count: int) -> list[str]:
        """The semantic pass: ids of the `count` records nearest `text` by meaning, nearest first."""
        return reranker.nearest(text, (self.identity(), self.generation()), self.id_texts, count)

    def compact(self) -> int:
        """Drop what the index still holds of replaced and deleted records; how many. Nothing to do
        unless a backend keeps them (Whoosh does, until their segment is merged)."""
        return 0

    def text_analysis(self) -> Any:
        """The Dutch analysis the index and its snippets use (search.analysis.DutchAnalysis), or None."""
        return None

    @abc.abstractmethod
    def record_texts(self) -> Iterator[tuple[str, str, str]]:
        """(title, body, summary) of every indexed record ("" when absent), the barriers first (what the
        programme team searches: `warm_up` embeds them before the articles), otherwise in no particular order."""

    @abc.abstractmethod
    def id_texts(self) -> Iterator[tuple[str, str, str]]:
        """(id, title, body) of every indexed record, in no particular order: what the semantic pass reads."""

    def identity(self) -> int:
        """A number no other backend of this process has: what a ranker keeps per backend is kept apart."""
        return self.__dict__.setdefault("_identity", next(_IDENTITIES))

    @abc.abstractmethod
    def _search(self, query: SearchQuery, out: SearchResults, *, types: list[str] | None, sort: str,
                facets: bool, near: Sequence[str] = ()) -> list[Hit]:
        """Fill `out` (total, hits of page `out.page`, facets, suggestion, notices) for a non-empty
        query; `sort` is a known one, `types` None for every type.

        `near`: ids of records near the query by meaning (the semantic pass). Those the query's filters,
        excluded words and `public_only` admit are returned (score 0, in the order of `near`); those its words
        did not match are counted in `out.total` and `out.facets` like any match."""

    @abc.abstractmethod
    def similar(
        self, doc_id: str, *, limit: int = 10, types: Iterable[str] | None = None, public_only: bool = False
    ) -> list[Hit]:
        """Records most like an indexed one (itself excluded), score in 0..1, with `why`.
        With `public_only`, only public records, and nothing at all for a record that is not public."""

    @abc.abstractmethod
    def more_like_text(
        self,
        title: str,
        body: str,
        *,
        limit: int = 10,
        refs: Iterable[str] = (),
        types: Iterable[str] | None = ("barrier",),
        public_only: bool = False,
    ) -> list[Hit]:
        """Records most like a text that is not indexed (duplicate check), score in 0..1."""

    @abc.abstractmethod
    def suggest(self, word: str, *, public_only: bool = False) -> str | None:
        """A known word close to `word`, or None when it is known or nothing is close; with
        `public_only`, "known" means: written in a public record."""

    @abc.abstractmethod
    def count(self) -> int:
        """Number of indexed documents."""

    @abc.abstractmethod
    def rebuild(self, docs: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Replace the whole index by `docs`; readers see the old index until it is done."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Remove every document."""

    @abc.abstractmethod
    def exclusive(self) -> AbstractContextManager[None]:
        """Held by whoever brings the index up to date from the database (outbox drain, rebuild),
        across processes: otherwise a drain that read a record before another process changed it
        could write the older version after the newer one."""

    def generation(self) -> Any:
        """A value that changes whenever any process changed the index, so callers may cache what
        they read per generation; None (the default) means unknown: cache nothing."""
        return None

    def close(self) -> None:  # noqa: B027  (optional hook: a backend without files or connections keeps it)
        """Release files and connections; the default holds none."""

    def __enter__(self) -> "SearchBackend":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start_results(query: SearchQuery, sort: str, page: int, page_size: int) -> tuple[SearchResults, str]:
    """The empty result every backend starts from: paging clamped, an unknown sort noticed (relevance)."""
    page, page_size = check_paging(page, page_size)
    out = SearchResults(page=page, page_size=page_size, notices=list(query.notices))
    if sort not in SORTS:
        out.notices.append(f"Onbekende sortering '{sort}': op relevantie gesorteerd.")
        sort = "relevance"
    return out, sort


def check_paging(page: int, page_size: int) -> tuple[int, int]:
    """Clamp paging values from URLs so a silly value never errors."""
    page = max(1, int(page or 1))
    page_size = min(MAX_PAGE_SIZE, max(1, int(page_size or 10)))
    return page, page_size


# -- similarity shared by backends, so scores mean the same everywhere ------

REF_WEIGHT = 0.25
WHY_TERMS = 5
# A term held by more than this share of all records, and by more than so many, fetches no candidates
# of similar records (see key_terms); in a small register no term costs enough to leave out.
COMMON_TERM_SHARE = 0.1
COMMON_TERM_MIN_DOCS = 500


def key_terms(ranked: list[str], df: Callable[[str], int], total: int, count: int) -> list[str]:
    """The first `count` of the source's terms (strongest first) to fetch candidates by, leaving out
    terms most records hold: they add little to a cosine but make the search visit nearly every
    record (a short text about "de minister" cost ~250 ms at 20,000 barriers on Whoosh). All terms
    when only such terms are left."""
    common = max(COMMON_TERM_SHARE * total, COMMON_TERM_MIN_DOCS)
    telling = [t for t in ranked if df(t) <= common]
    return (telling or ranked)[:count]


def tfidf_vector(counts: dict[str, int], idf: Callable[[str], float]) -> dict[str, float]:
    """Sub-linear tf times idf, the usual weighting for short texts."""
    return {t: (1.0 + math.log(n)) * idf(t) for t, n in counts.items() if n > 0}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def overlap(source: dict, source_title: Iterable[str], target: dict, target_title: Iterable[str],
            df: Callable[[str], int]) -> Overlap:
    """The overlap of a source text and a target record; `source` and `target` hold all their terms
    (as keys), the titles the terms of the title alone."""
    def cover(title: set[str], other: dict) -> float:
        return sum(1 for t in title if t in other) / len(title) if title else 0.0

    source_title, target_title = set(source_title), set(target_title)
    shares = [cover(source_title, target), cover(target_title, source)]
    return Overlap(title_cover=sum(shares) / len(shares),
                   shared_df=tuple(sorted(df(t) for t in source.keys() & target.keys())))


def similarity(
    source: dict[str, float],
    target: dict[str, float],
    source_refs: list[str],
    target_refs: list[str],
    surface: dict[str, str],
) -> tuple[float, list[str]]:
    """Score in 0..1 and the shared refs and words that explain it.

    Shared refs count only when both sides cite something: a new report that
    cites nothing should not lose against records that cite nothing either.
    """
    score = cosine(source, target)
    target_lower = {r.lower() for r in target_refs}
    shared_refs = [r for r in source_refs if r.lower() in target_lower]
    if source_refs and target_refs:
        union = {r.lower() for r in source_refs} | target_lower
        score = (1 - REF_WEIGHT) * score + REF_WEIGHT * len(shared_refs) / len(union)
    shared = sorted(set(source) & set(target), key=lambda t: -source[t] * target[t])
    why = shared_refs[:2]
    seen = {r.lower() for r in why}  # "EIDAS" as a ref and "eidas" as a word are said once
    for word in (surface.get(t, t) for t in shared):
        if word.lower() not in seen and len(why) < len(shared_refs[:2]) + WHY_TERMS:
            seen.add(word.lower())
            why.append(word)
    return min(1.0, score), why
