"""Translate a neutral :class:`SearchQuery` into Whoosh query objects.

Nothing here searches: a plan can be built and inspected without an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from whoosh import query as wq
from whoosh import sorting

from search.analysis import all_of
from search.facet_words import ranks_only
from search.query import SearchQuery, law_of
from search.whoosh.schema import PUBLIC, REF_BOOST

# What a record holding a facet value a query word names scores for that word (an unscored field: a
# constant). Measured on bench/eval/facet_queries.jsonl, tune part (nDCG@10): 0.870 (matched, no boost),
# 0.885 (2), 0.892 (4), 0.900 (6), 0.884 (8), 0.846 (12).
FACET_BOOST = 6.0
# A record citing another article of a cited regulation (the refs field is scored: times its BM25 weight);
# a fifth of REF_BOOST, set before measuring: own-demo citation nDCG@10 0.882 -> 0.931, legal-qa-dev unchanged.
LAW_REF_BOOST = 1.0

# filter name -> index field
FILTER_INDEX_FIELDS = {
    "type": "type",
    "status": "status",
    "kind": "kind",
    "werf": "werf",
    "level": "level",
    "theme": "theme",
    "regulation": "regulations",
    "project": "projects",
    "municipality": "municipalities",
    "province": "provinces",
    "tag": "tags",
    "ref": "refs",
}
TEXT_FIELDS = ("title", "body")

Resolver = Callable[[str, str], list[str]]
# Part of every filter of a public_only query, so totals, facets and ranking never see other records.
PUBLIC_FILTER = wq.Term("public", PUBLIC)


@dataclass
class WhooshPlan:
    """What to run: a scored query (None = nothing to search) and a filter."""

    query: wq.Query | None
    filter: wq.Query | None
    text_clauses: int = 0
    # Soft ranking: the text clauses whose share a record holds weighs in its score (search/opening.py).
    coord: list[wq.Query] | None = None


def build_whoosh_query(
    sq: SearchQuery,
    analyzer,
    *,
    types: Iterable[str] | None = None,
    any_terms: bool | None = None,
    resolve: Resolver | None = None,
    coord: bool = False,
) -> WhooshPlan:
    """Translate a neutral SearchQuery into Whoosh query objects (no searching)."""
    resolve = resolve or (lambda _f, v: [v])
    facets = {t: _facet_terms(sq.facets.get(t.casefold(), ()), resolve) for t in sq.terms}
    clauses = [c for c in (_word_clause(t, analyzer, facets[t]) for t in sq.terms) if c is not None]
    others = [c for c in (_phrase_clause(p, analyzer) for p in sq.phrases) if c is not None]
    others += [_ref_clause(ref) for ref in sq.refs]
    clauses += others
    negatives = [_phrase_clause(x, analyzer) for x in sq.excluded]
    negatives = [wq.Not(c) for c in negatives if c is not None]
    filter_q = _filter_query(sq.filters, types, resolve, sq.public_only)
    use_or = sq.any_terms if any_terms is None else any_terms
    if clauses and ranks_only(sq, use_or, lambda t: bool(_token_groups(analyzer, t))):
        # each word as it matches without the facet values it names, which only rank what the words find
        found = [c for c in (_word_clause(t, analyzer) for t in sq.terms) if c is not None] + others
        text_q = wq.AndMaybe(union(found), union([f for t in sq.terms for f in facets[t]]))
    elif clauses:
        text_q = union(clauses) if use_or else wq.And(clauses)
    elif sq.filters and not sq.has_text:
        text_q = wq.Every()
    else:
        return WhooshPlan(None, filter_q)
    query = wq.And([text_q, *negatives]) if negatives else text_q
    return WhooshPlan(query, filter_q, len(clauses), coord=clauses if coord and len(clauses) > 1 else None)


def build_admit_query(sq: SearchQuery, analyzer, ids: Iterable[str], *, types: Iterable[str] | None = None,
                      resolve: Resolver | None = None) -> tuple[wq.Query, wq.Query | None]:
    """The records among `ids` that the query's filters, excluded words and `public_only` admit, whatever
    its words (the semantic pass, search/backend.py): a query and a filter, as build_whoosh_query's."""
    negatives = [c for c in (_phrase_clause(x, analyzer) for x in sq.excluded) if c is not None]
    ids_q = union([wq.Term("id", i) for i in ids])
    query = wq.And([ids_q, *(wq.Not(c) for c in negatives)]) if negatives else ids_q
    return query, _filter_query(sq.filters, types, resolve or (lambda _f, v: [v]), sq.public_only)


def highlight_terms(q: wq.Query | None) -> set[str]:
    """The text terms a hit may have matched: everything but excluded words."""
    return {text for field, text in _positive_terms(q) if field in TEXT_FIELDS} if q is not None else set()


def _positive_terms(q: wq.Query) -> Iterator[tuple[str, str]]:
    if isinstance(q, wq.Not):
        return
    if q.is_leaf():
        yield from q.terms()
        return
    for child in q.children():
        yield from _positive_terms(child)


def sort_facet(sort: str, scored: bool):
    """The Whoosh facet to order by, or None to order by relevance."""
    if sort == "relevance" and scored:
        return None
    if sort == "code":
        return sorting.FieldFacet("code")
    if sort == "oldest":
        return sorting.FieldFacet("updated")
    newest = sorting.FieldFacet("updated", reverse=True)
    if sort == "severity":
        return sorting.MultiFacet([sorting.FieldFacet("severity", reverse=True), newest])
    return newest


def vocabulary_resolver(searcher) -> Resolver:
    """Match filter values case-insensitively against the values in the index."""
    cache: dict[str, dict[str, list[str]]] = {}

    def resolve(field: str, value: str) -> list[str]:
        if field not in cache:
            known: dict[str, list[str]] = {}
            for term in searcher.reader().lexicon(field):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                known.setdefault(text.lower(), []).append(text)
            cache[field] = known
        return cache[field].get(value.lower(), [value])

    return resolve


def union(subqueries: list[wq.Query]) -> wq.Or:
    """An Or of text clauses, scored as a binary tree of union matchers. Below 5,000 documents Whoosh
    would preload every match of each Or into arrays instead: ~30% more CPU per search at 3,811 Chamber
    questions, same hits in the same order (measured with bench/profile_requests.py)."""
    query = wq.Or(subqueries)
    query.matcher_type = wq.Or.DEFAULT_MATCHER
    return query


def _token_groups(analyzer, text: str) -> list[list[str]]:
    """Query-mode tokens grouped by position (synonyms share a position)."""
    groups: dict[int, list[str]] = {}
    for i, tok in enumerate(analyzer(text, mode="query", positions=True)):
        pos = getattr(tok, "pos", i)
        alts = groups.setdefault(pos, [])
        if tok.text and tok.text not in alts:
            alts.append(tok.text)
    return [groups[p] for p in sorted(groups) if groups[p]]


def _field_clause(fieldname: str, groups: list[list[str]]) -> wq.Query:
    if len(groups) == 1:
        return _alternatives(fieldname, groups[0])
    if all(len(g) == 1 for g in groups):
        return wq.Phrase(fieldname, [g[0] for g in groups])
    return wq.And([_alternatives(fieldname, g) for g in groups])


def _alternatives(fieldname: str, group: list[str]) -> wq.Query:
    """The terms at one position (stem class, compound parts, synonyms): matched by any, scored by the
    best one, so a word with many alternatives does not outweigh the other words of the query."""
    terms = [_alternative(fieldname, t) for t in group]
    return terms[0] if len(terms) == 1 else wq.DisjunctionMax(terms)


def _alternative(fieldname: str, term: str) -> wq.Query:
    """A term, or the terms an alternative requires together (a compound's parts)."""
    terms = all_of(term)
    return wq.Term(fieldname, term) if len(terms) == 1 else wq.And([wq.Term(fieldname, t) for t in terms])


def _ref_clause(ref: str) -> wq.Query:
    """A cited article, or (scored LAW_REF_BOOST) another article of its regulation."""
    exact = wq.Term("refs", ref.lower(), boost=REF_BOOST)
    law = law_of(ref)
    return union([exact, wq.Term("refs", law.lower(), boost=LAW_REF_BOOST)]) if law else exact


def _facet_terms(pairs, resolve: Resolver) -> list[wq.Query]:
    """The facet values a word names, as alternatives of the word scored FACET_BOOST (search/facet_words.py)."""
    return [wq.Term(FILTER_INDEX_FIELDS[name], indexed, boost=FACET_BOOST)
            for name, value in pairs for indexed in resolve(FILTER_INDEX_FIELDS[name], value)]


def _word_clause(word: str, analyzer, facets: list[wq.Query] = ()) -> wq.Query | None:
    groups = _token_groups(analyzer, word)
    code = wq.Term("code_key", word.lower(), boost=REF_BOOST)
    if not groups:  # a stop word, also inside a named phrase ("in uitvoering")
        return None
    return union([_field_clause(f, groups) for f in TEXT_FIELDS] + [code, *facets])


def _phrase_clause(phrase: str, analyzer) -> wq.Query | None:
    groups = _token_groups(analyzer, phrase)
    if len(groups) <= 1:
        return _word_clause(phrase, analyzer)
    words = [[g[0]] for g in groups]
    return union([_field_clause(f, words) for f in TEXT_FIELDS])


def _filter_query(filters: dict, types: Iterable[str] | None, resolve: Resolver, public_only: bool = False):
    parts = [PUBLIC_FILTER] if public_only else []
    for name, values in filters.items():
        if name == "year":
            parts.append(wq.Or([_year_range(v) for v in values]))
        elif name in FILTER_INDEX_FIELDS:
            field = FILTER_INDEX_FIELDS[name]
            found = [r for v in values for r in (resolve(field, v) or [v])]
            parts.append(wq.Or([wq.Term(field, v.lower() if field == "refs" else v) for v in found]))
    if types:
        parts.append(wq.Or([wq.Term("type", t) for t in types]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _year_range(value: str) -> wq.Query:
    start, _, end = value.partition("-")
    return wq.NumericRange("year", int(start), int(end or start))
