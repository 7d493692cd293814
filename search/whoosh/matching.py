"""One pass over the matching documents: count, facets, and the page's order.

Whoosh's own Results re-run the query for ``len()`` and again for ``docs()``.
Here the set of matching documents is computed once, per segment, from the
posting lists with Python set algebra (no scoring), and everything else reads
from it: the total, facet counts, and the order of a sorted listing. Only a
relevance order runs Whoosh's scorer, limited to the top of the list.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from heapq import nsmallest
from itertools import chain
from typing import Sequence

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from search.backend import FACET_FIELDS
from search.opening import COORD_POOL, coordination
from search.query import SearchQuery
from search.whoosh.query import build_admit_query, vocabulary_resolver


@dataclass
class MatchSet:
    """Matching document numbers per segment: (leaf searcher, docnum offset, local docnums)."""

    parts: list[tuple[object, int, set[int]]] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(local) for _s, _o, local in self.parts)

    def global_docnums(self) -> set[int]:
        return {offset + d for _s, offset, local in self.parts for d in local}

    def union(self, other: "MatchSet") -> "MatchSet":
        """Both sets' documents; `other` from the same searcher (its segments in the same order)."""
        return MatchSet([(s, o, local | theirs) for (s, o, local), (_s, _o, theirs) in zip(self.parts, other.parts)])

    def minus(self, other: "MatchSet") -> "MatchSet":
        """This set's documents that `other` (from the same searcher) does not hold."""
        theirs = {o: local for _s, o, local in other.parts}
        return MatchSet([(s, o, local - theirs.get(o, set())) for s, o, local in self.parts])


def match(searcher, q: wq.Query, filter_q: wq.Query | None = None) -> MatchSet:
    """Every non-deleted document matching `q` and `filter_q`, without scoring."""
    out = MatchSet()
    for sub, offset in searcher.leaf_searchers():
        local = _docs(sub, q)
        if local and filter_q is not None:
            local &= _docs(sub, filter_q)
        out.parts.append((sub, offset, local))
    return out


def admit(searcher, query: SearchQuery, types: list[str] | None, near: Sequence[str]) -> MatchSet:
    """The records of `near` (the semantic pass) that the query's filters, excluded words and `public_only`
    admit, whatever its words."""
    ids_q, filter_q = build_admit_query(query, searcher.schema["body"].analyzer, near, types=types,
                                        resolve=vocabulary_resolver(searcher))
    return match(searcher, ids_q, filter_q)


def _docs(s, q: wq.Query) -> set[int]:
    kind = type(q)
    if kind is wq.And:
        positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
        if positive:
            return _intersect(s, positive, [c.query for c in q.subqueries if isinstance(c, wq.Not)])
    elif kind is wq.Or or kind is wq.DisjunctionMax:
        found: set[int] = set()
        for child in q.subqueries:
            found |= _docs(s, child)
        return found
    elif kind is wq.Every:
        return set(s.reader().all_doc_ids())
    elif kind is wq.Term:
        found = _term_docs(s.reader(), q.fieldname, q.text)
        if found is not None:
            return found
    # Terms, phrases, ranges: Whoosh's matcher, which skips deleted documents.
    return set(q.docs(s))


def _term_docs(reader, fieldname: str, text) -> set[int] | None:
    """A term's documents read block by block; None when the postings have an unknown shape.

    Whoosh's generic ``all_ids()`` steps through postings one call at a time;
    reading each block's id array at once is several times faster on long lists.
    """
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return set()
    deleted = None
    if type(matcher) is FilterMatcher and matcher._exclude:
        deleted, matcher = matcher._ids, matcher.child
    if type(matcher) is W3LeafMatcher:
        found: set[int] = set()
        while matcher.is_active():
            matcher._read_ids()
            found.update(matcher._ids)
            matcher._next_block()
    elif type(matcher) is ListMatcher:
        found = set(matcher._ids)
    else:
        return None
    return found - deleted if deleted else found


def _intersect(s, positive: list[wq.Query], negative: list[wq.Query]) -> set[int]:
    found = None
    for child in positive:
        docs = _docs(s, child)
        found = docs if found is None else found & docs
        if not found:
            return set()
    for child in negative:
        found -= _docs(s, child)
    return found


def top_scored(searcher, q: wq.Query, matches: MatchSet, limit: int, *, restrict: bool) -> list[tuple[float, int]]:
    """(score, global docnum) of the best `limit` matches, best first.

    `restrict` limits scoring to `matches` (the filter already applied there),
    so a filter query is never evaluated a second time.
    """
    allowed = matches.global_docnums() if restrict else None
    results = searcher.search(q, limit=limit, filter=allowed)
    return [(float(score), docnum) for score, docnum in results.top_n]


def top_coordinated(searcher, plan, matches: MatchSet, limit: int) -> list[tuple[float, int]]:
    """Soft ranking: the best BM25 candidates, each score times the coordination factor of the share of
    the query's clauses the record holds (search/opening.py), re-ordered."""
    pool = top_scored(searcher, plan.query, matches, max(limit, COORD_POOL), restrict=plan.filter is not None)
    docnums = {docnum for _score, docnum in pool}
    held = Counter()
    for clause in plan.coord:
        for _sub, offset, local in match(searcher, clause).parts:
            held.update(offset + d for d in local if offset + d in docnums)
    total = len(plan.coord)
    rescored = [(score * coordination(held[docnum], total), docnum) for score, docnum in pool]
    rescored.sort(key=lambda item: (-item[0], item[1]))
    return rescored[:limit]


def top_sorted(searcher, facet, matches: MatchSet, limit: int) -> list[tuple[float, int]]:
    """The first `limit` matches in the facet's order (ties by document number), score 0."""
    categorizer = facet.categorizer(searcher)
    keyed = []
    for sub, offset, local in matches.parts:
        if not local:
            continue
        categorizer.set_searcher(sub, offset)
        key_for = categorizer.key_for
        keyed.extend((key_for(None, d), offset + d) for d in local)
    return [(0.0, docnum) for _key, docnum in nsmallest(limit, keyed)]


class FacetCache:
    """Facet values per document, decoded once per segment and shared by searches.

    A segment's documents never change (a replaced document is a deletion plus a
    new document elsewhere), so values are kept by segment id and dropped when
    the segment is merged away.
    """

    def __init__(self):
        self._segments: dict[str, _SegmentValues] = {}
        self._pairs: dict[tuple[str, str], tuple[str, str]] = {}
        self._lock = threading.Lock()

    def counts(self, matches: MatchSet) -> dict[str, dict[str, int]]:
        """Facet name -> {value: documents}, most frequent first, then by value."""
        counter: Counter = Counter()
        for sub, _offset, local in matches.parts:
            if local:
                values = self._values(sub.reader())
                counter.update(chain.from_iterable(values(d) for d in local))
        grouped: dict[str, list[tuple[str, int]]] = {}
        for (name, value), n in counter.items():
            grouped.setdefault(name, []).append((value, n))
        return {
            name: dict(sorted(grouped[name], key=lambda vn: (-vn[1], vn[0])))
            for name in FACET_FIELDS
            if name in grouped
        }

    def prune(self, searcher) -> None:
        """Forget segments the current index no longer has."""
        live = {_segment_key(sub.reader()) for sub, _o in searcher.leaf_searchers()}
        with self._lock:
            for key in set(self._segments) - live:
                del self._segments[key]

    def _values(self, reader):
        key = _segment_key(reader)
        with self._lock:
            entry = self._segments.get(key)
            if entry is None:
                entry = self._segments[key] = _SegmentValues(reader.doc_count_all())
        cached = entry.values

        def values(docnum: int) -> tuple:
            found = cached[docnum]
            if found is None:
                found = cached[docnum] = self._decode(entry.raw(reader, docnum))
            return found

        return values

    def _decode(self, raw: bytes) -> tuple:
        if not raw:
            return ()
        pairs = []
        for name, value in json.loads(raw).items():
            for single in value if isinstance(value, list) else [value]:
                pair = (name, str(single))
                # One shared tuple per distinct value keeps the cache small.
                pairs.append(self._pairs.setdefault(pair, pair))
        return tuple(pairs)


class _SegmentValues:
    """Decoded values of one segment, and the column they come from."""

    def __init__(self, size: int):
        self.values: list = [None] * size
        # (reader, column): one attribute, so threads never pair a column with another reader.
        self._open: tuple = (None, None)

    def raw(self, reader, docnum: int) -> bytes:
        # Opening the column reads its whole offset table: do it once per reader.
        opened, column = self._open
        if opened is not reader:
            column = reader.column_reader("facetdata") if reader.has_column("facetdata") else None
            self._open = (reader, column)
        return column[docnum] if column is not None else b""


def _segment_key(reader) -> str:
    segment = getattr(reader, "segment", None)
    found = segment() if callable(segment) else None
    return found.segment_id() if found is not None else f"reader-{id(reader)}"
