"""Similar records and spelling suggestions, read from an open Whoosh searcher."""

from __future__ import annotations

import math
import threading
import weakref
from collections import Counter, OrderedDict
from typing import Callable

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as wq
from whoosh.idsets import BitSet

from search.backend import Hit, key_terms, overlap, similarity, tfidf_vector
from search.spelling import max_distance, needs_correction
from search.whoosh.query import PUBLIC_FILTER
from search.whoosh.schema import REF_BOOST

KEY_TERMS = 12
# Segments whose deleted documents' terms are kept (SimilarCache._deleted_terms); oldest out first.
DELETED_SEGMENTS_KEPT = 64
_NONE: Counter = Counter()


class SimilarCache:
    """What ranking similar records reads over and over, kept between calls.

    Re-analysing each candidate's text and looking up document frequencies term by term was ~90% of
    a barrier page (bench/bench_web.py). Analysis depends only on the text, so it is kept by text
    (least recently used first out); candidates' terms come from term vectors (`vector_counts`).
    Document frequencies are kept per segment: a segment's postings never change once written, so a
    commit only adds the lookups of its own new segment instead of emptying them all. Whoosh counts a
    deleted (or replaced) document in them until its segment is merged away; the terms of a segment's
    deleted documents, read once from their term vectors, are taken off, so the frequencies (and the
    duplicate signals built on them) are those of the records the register holds, whatever the index's
    history, as on PostgreSQL.
    """

    def __init__(self, texts: int = 4096):
        self._texts: OrderedDict[str, tuple[Counter, dict[str, str]]] = OrderedDict()
        self._size = texts
        self._generation = None
        self._segment_df: dict[tuple[str, int], dict[str, int]] = {}
        self._deleted: dict[tuple, Counter] = {}
        self._filters: dict[tuple[str, ...], object] = {}
        self._lock = threading.Lock()

    def counts(self, analyzer, text: str) -> tuple[Counter, dict[str, str]]:
        with self._lock:
            found = self._texts.get(text)
            if found is not None:
                self._texts.move_to_end(text)
                return found
        found = analyze_counts(analyzer, text)
        with self._lock:
            self._texts[text] = found
            while len(self._texts) > self._size:
                self._texts.popitem(last=False)
        return found

    def _for_generation(self, searcher) -> None:
        generation = searcher.reader().generation()
        if generation != self._generation:
            self._generation, self._filters = generation, {}

    def doc_frequency(self, searcher) -> Callable[[str], int]:
        """Documents holding a term in title or body (as searcher.doc_frequency), summed over segments."""
        leaves = []
        with self._lock:
            for leaf, _base in searcher.reader().leaf_readers():
                segment = leaf.segment()
                key = segment.segment_id() if segment is not None else None
                # Deleting in a segment keeps its id: its number of deletions is part of the key.
                key = (key, leaf.doc_count_all() - leaf.doc_count()) if key else None
                leaves.append((self._segment_df.setdefault(key, {}) if key else {}, leaf))
            kept = {id(table) for table, _leaf in leaves}
            self._segment_df = {k: v for k, v in self._segment_df.items() if id(v) in kept}

        def df(term: str) -> int:
            total = 0
            for table, leaf in leaves:
                found = table.get(term)
                if found is None:
                    found = leaf.doc_frequency("body", term) + leaf.doc_frequency("title", term)
                    table[term] = found = found - self._deleted_terms(leaf).get(term, 0) if found else 0
                total += found
            return total

        return df

    def _deleted_terms(self, leaf) -> Counter:
        """Per term, how many of the segment's deleted documents hold it in the title, and in the body
        (each counted as `doc_frequency` counts them); kept per segment and deletion count."""
        if not leaf.has_deletions():
            return _NONE
        segment = leaf.segment()
        key = (segment.segment_id() if segment is not None else id(leaf), leaf.doc_count_all() - leaf.doc_count())
        with self._lock:
            found = self._deleted.get(key)
        if found is None:
            found = Counter()
            for docnum in range(leaf.doc_count_all()):
                if leaf.is_deleted(docnum):
                    for name in TEXT_FIELDS:
                        if leaf.has_vector(docnum, name):
                            found.update(term.decode("utf-8") if isinstance(term, bytes) else term
                                         for term, _freq in leaf.vector_as("frequency", docnum, name))
            with self._lock:
                self._deleted[key] = found
                while len(self._deleted) > DELETED_SEGMENTS_KEPT:
                    self._deleted.pop(next(iter(self._deleted)))
        return found

    def type_filter(self, searcher, types: list[str] | None):
        """The documents of `types` as a bit set: Whoosh would otherwise collect all of them anew per
        call (~15% of a similar() at 20,000 barriers)."""
        if not types:
            return None
        key = tuple(sorted(types))
        with self._lock:
            self._for_generation(searcher)
            found = self._filters.get(key)
        if found is None:
            docs = searcher.docs_for_query(wq.Or([wq.Term("type", t) for t in key]))
            found = BitSet(docs, size=searcher.doc_count_all())
            with self._lock:
                self._filters[key] = found
        return found


def rank_similar(
    searcher, title: str, body: str, refs: list[str], *, limit: int,
    types: list[str] | None, exclude: str | None, cache: SimilarCache | None = None, public_only: bool = False,
    with_overlap: bool = True,
) -> list[Hit]:
    """Fetch candidates by key terms and shared refs, then score by tf-idf cosine; `with_overlap`: also
    tell the `limit` best how they overlap the source (search.backend.overlap, for the duplicate decision)."""
    analyzer = searcher.schema["body"].analyzer
    cache = cache or SimilarCache()
    counts, surface = cache.counts(analyzer, f"{title}\n{body}")
    if not counts and not refs:
        return []
    df = cache.doc_frequency(searcher)
    idf = _idf(searcher, df)
    source = tfidf_vector(counts, idf)
    top = key_terms(sorted(source, key=source.get, reverse=True), df, searcher.doc_count(), KEY_TERMS)
    clauses = [wq.Term(f, t, boost=source[t]) for t in top for f in ("title", "body")]
    clauses += [wq.Term("refs", r.lower(), boost=REF_BOOST) for r in refs]
    mask = wq.Term("id", exclude) if exclude else None
    if public_only:  # anonymous readers: a query filter, not the cached bit set of all records of a type
        type_filter = wq.Or([wq.Term("type", t) for t in types]) if types else None
        type_filter = wq.And([type_filter, PUBLIC_FILTER]) if type_filter is not None else PUBLIC_FILTER
    else:
        type_filter = cache.type_filter(searcher, types)
    results = searcher.search(wq.Or(clauses), filter=type_filter, mask=mask, limit=max(3 * limit, 20))
    ranked = [_similar_hit(hit, cache, analyzer, idf, source, surface, refs) for hit in results]
    ranked.sort(key=lambda pair: (-pair[0].score, pair[0].code))
    ranked = ranked[:limit]
    if with_overlap:
        title_terms = cache.counts(analyzer, title)[0]
        for hit, counts in ranked:
            hit.overlap = overlap(source, title_terms, counts, cache.counts(analyzer, hit.title)[0], df)
    return [hit for hit, _counts in ranked]


def _similar_hit(hit, cache, analyzer, idf, source, surface, refs) -> tuple[Hit, Counter]:
    """The candidate scored, and its term counts."""
    stored = hit.fields()
    display = dict(stored.get("display") or {})
    counts = vector_counts(hit.searcher, hit.docnum)
    if counts is None:
        counts, _ = cache.counts(analyzer, f"{stored.get('title', '')}\n{stored.get('body', '')}")
    target = tfidf_vector(counts, idf)
    score, why = similarity(source, target, refs, display.get("refs") or [], surface)
    return Hit(type=stored["type"], id=stored["id"], code=stored.get("code", ""),
               title=stored.get("title", ""), score=round(score, 4), fields=display, why=why), counts


TEXT_FIELDS = ("title", "body")


def vector_counts(searcher, docnum: int) -> Counter | None:
    """A document's index-mode term counts from its stored term vectors (what analysing its title and
    body would give, without the analysis); None when the index keeps no vectors (written before
    they were added: the caller analyses the text)."""
    if not all(searcher.schema[name].vector for name in TEXT_FIELDS):
        return None
    counts: Counter = Counter()
    for name in TEXT_FIELDS:
        if searcher.has_vector(docnum, name):
            for term, freq in searcher.vector_as("frequency", docnum, name):
                counts[term.decode("utf-8") if isinstance(term, bytes) else term] += freq
    return counts


def analyze_counts(analyzer, text: str) -> tuple[Counter, dict[str, str]]:
    """Index-mode token counts, and the first written form of each token."""
    counts: Counter = Counter()
    surface: dict[str, str] = {}
    for tok in analyzer(text, mode="index", chars=True):
        counts[tok.text] += 1
        if tok.text not in surface:
            start, end = getattr(tok, "startchar", None), getattr(tok, "endchar", None)
            written = text[start:end] if start is not None and end else tok.text
            surface[tok.text] = written.lower() if written.strip() else tok.text
    return counts, surface


def _idf(searcher, doc_frequency: Callable[[str], int]) -> Callable[[str], float]:
    """idf from document frequencies kept per segment (SimilarCache.doc_frequency)."""
    total = max(1, searcher.doc_count())
    known: dict[str, float] = {}

    def idf(term: str) -> float:
        value = known.get(term)
        if value is None:
            value = known[term] = math.log(1.0 + total / (1.0 + doc_frequency(term)))
        return value

    return idf


# Corrections asked of Whoosh's corrector, of which the first one still held by a live record wins.
CORRECTION_CANDIDATES = 5


def correct(searcher, word: str, *, public_only: bool = False) -> str | None:
    """A close known word for an unknown one, else None; with `public_only` the vocabulary is that of
    public records alone."""
    vocabulary = "public_words" if public_only else "words"
    word = (word or "").strip().lower()
    if not needs_correction(word) or _held(searcher, vocabulary, word):
        return None
    found = close_words(searcher.reader(), vocabulary, searcher.schema[vocabulary], word,
                        limit=CORRECTION_CANDIDATES, maxdist=max_distance(word))
    return next((candidate for candidate in found if _held(searcher, vocabulary, candidate)), None)


# Words sharing the first letter, per reader (a reader never changes; a new one comes with each commit).
_initials: "weakref.WeakKeyDictionary[object, dict[tuple[str, str], list[str]]]" = weakref.WeakKeyDictionary()
_initials_lock = threading.Lock()


def close_words(reader, field: str, fieldobj, word: str, *, limit: int, maxdist: int) -> list[str]:
    """Known words within `maxdist` edits (optimal string alignment) sharing the first letter (a misspelt
    first letter is rare), closest first, then the more frequent, then alphabetical (as
    search.spelling.best_correction ranks). The distances are computed in C (rapidfuzz) over the words read from the index
    once per reader; Whoosh's corrector reads and measures them in pure Python, ~15 ms per unknown word
    at 3,811 Chamber questions (bench/profile_requests.py)."""
    words = _words_from(reader, fieldobj.spelling_fieldname(field), fieldobj, word[0])
    near = process.extract(word, words, scorer=OSA.distance, score_cutoff=maxdist, limit=None)
    ranked = sorted((distance, -reader.doc_frequency(field, found), found) for found, distance, _i in near)
    return [found for _distance, _docs, found in ranked[:limit]]


def _words_from(reader, spelling: str, fieldobj, initial: str) -> list[str]:
    with _initials_lock:
        kept = _initials.setdefault(reader, {})
        words = kept.get((spelling, initial))
    if words is None:
        words = [fieldobj.from_bytes(raw) for raw in reader.expand_prefix(spelling, initial)]
        with _initials_lock:
            kept[(spelling, initial)] = words
    return words


def held_words(searcher, words: set[str], *, public_only: bool = False) -> set[str]:
    """The words some live record writes (some public record, with `public_only`)."""
    vocabulary = "public_words" if public_only else "words"
    return {word for word in words if _held(searcher, vocabulary, word)}


def _held(searcher, vocabulary: str, word: str) -> bool:
    """Does a live record hold the word? Whoosh's lexicon and frequencies still count replaced and
    deleted documents until their segment is merged: a barrier withdrawn from public view would
    otherwise keep offering its words to anonymous visitors."""
    return next(iter(wq.Term(vocabulary, word).docs(searcher)), None) is not None
