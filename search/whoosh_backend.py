"""Whoosh implementation of :class:`SearchBackend`, the embedded default.

Query and document building are plain functions (``build_schema``,
``build_fields``, ``build_whoosh_query``) so they can be tested without an
index; :class:`WhooshBackend` only runs them.
"""

from __future__ import annotations

import html
import json
import logging
import math
import random
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from whoosh import highlight, index, sorting
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.columns import VarBytesColumn
from whoosh.filedb.filestore import FileStorage
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.reading import EmptyReader
from whoosh.writing import CLEAR

from search.backend import (
    FACET_FIELDS,
    SORTS,
    Hit,
    IndexBusyError,
    Progress,
    SearchBackend,
    SearchResults,
    check_paging,
    similarity,
    tfidf_vector,
)
from search.documents import SearchDocument
from search.query import SearchQuery

log = logging.getLogger(__name__)

TITLE_BOOST = 3.0
REF_BOOST = 5.0
SNIPPET_CHARS = 240
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
    "tag": "tags",
    "ref": "refs",
}
_LIST_ATTRS = {"regulation": "regulations", "project": "projects", "municipality": "municipalities"}

Resolver = Callable[[str, str], list[str]]


def _plain_analyzer():
    """Lower-cased words only: a stand-in while search.analysis is missing."""
    return RegexTokenizer() | LowercaseFilter()


def dutch_analyzer(thesaurus: dict | None = None):
    """The project's Dutch analyzer, or the plain one when search.analysis is absent."""
    try:
        from search.analysis import build_analyzer
    except ModuleNotFoundError as exc:
        if exc.name not in ("search.analysis", "search.nlp"):
            raise
        log.warning("search.analysis ontbreekt: zoeken zonder Nederlandse analyse")
        return _plain_analyzer()
    return build_analyzer(thesaurus)


def build_schema(analyzer) -> Schema:
    """The index layout: ranked text, exact refs, filter fields, sort columns."""
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        code=ID(stored=True, sortable=True),
        code_key=KEYWORD(lowercase=True),
        title=TEXT(analyzer=analyzer, field_boost=TITLE_BOOST, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        # Unstemmed words, the vocabulary for "bedoelde u …?".
        words=TEXT(analyzer=_plain_analyzer(), phrase=False),
        refs=KEYWORD(lowercase=True, commas=True, scorable=True),
        status=ID(),
        kind=ID(),
        werf=ID(),
        level=ID(),
        theme=ID(),
        regulations=KEYWORD(commas=True),
        projects=KEYWORD(commas=True),
        municipalities=KEYWORD(commas=True),
        tags=KEYWORD(commas=True),
        year=NUMERIC(int, bits=32, sortable=True),
        severity=NUMERIC(int, bits=32, sortable=True),
        updated=DATETIME(sortable=True),
        facetdata=COLUMN(VarBytesColumn()),
        display=STORED(),
    )


def build_fields(doc: SearchDocument) -> dict:
    """The keyword arguments of ``writer.add_document`` for one document."""
    fields = {
        "id": doc.id,
        "type": doc.type,
        "code": doc.code or "",
        "code_key": doc.code or "",
        "title": doc.title or "",
        "body": doc.body or "",
        "words": f"{doc.title or ''}\n{doc.body or ''}",
        "facetdata": json.dumps(facet_values(doc), ensure_ascii=False).encode("utf-8"),
        "display": doc.display_fields(),
    }
    for name in ("status", "kind", "werf", "level", "theme", "year", "severity", "updated"):
        if getattr(doc, name) is not None:
            fields[name] = getattr(doc, name)
    for name in ("regulations", "projects", "municipalities", "tags", "refs"):
        values = [str(v).replace(",", " ").strip() for v in getattr(doc, name)]
        if any(values):
            fields[name] = ",".join(v for v in values if v)
    return fields


def facet_values(doc: SearchDocument) -> dict:
    """Facet name -> value or list of values, as counted in results."""
    values = {name: getattr(doc, name, None) for name in FACET_FIELDS}
    for facet, attr in _LIST_ATTRS.items():
        values[facet] = list(getattr(doc, attr))
    return {k: v for k, v in values.items() if v not in (None, [], "")}


@dataclass
class WhooshPlan:
    """What to run: a scored query (None = nothing to search) and a filter."""

    query: wq.Query | None
    filter: wq.Query | None
    text_clauses: int = 0


def build_whoosh_query(
    sq: SearchQuery,
    analyzer,
    *,
    types: Iterable[str] | None = None,
    any_terms: bool | None = None,
    resolve: Resolver | None = None,
) -> WhooshPlan:
    """Translate a neutral SearchQuery into Whoosh query objects (no searching)."""
    clauses = [c for c in (_word_clause(t, analyzer) for t in sq.terms) if c is not None]
    clauses += [c for c in (_phrase_clause(p, analyzer) for p in sq.phrases) if c is not None]
    clauses += [wq.Term("refs", ref.lower(), boost=REF_BOOST) for ref in sq.refs]
    negatives = [_phrase_clause(x, analyzer) for x in sq.excluded]
    negatives = [wq.Not(c) for c in negatives if c is not None]
    filter_q = _filter_query(sq.filters, types, resolve or (lambda _f, v: [v]))
    use_or = sq.any_terms if any_terms is None else any_terms
    if clauses:
        text_q = wq.Or(clauses) if use_or else wq.And(clauses)
    elif sq.filters and not sq.has_text:
        text_q = wq.Every()
    else:
        return WhooshPlan(None, filter_q)
    query = wq.And([text_q, *negatives]) if negatives else text_q
    return WhooshPlan(query, filter_q, len(clauses))


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
        terms = [wq.Term(fieldname, t) for t in groups[0]]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    if all(len(g) == 1 for g in groups):
        return wq.Phrase(fieldname, [g[0] for g in groups])
    return wq.And([wq.Or([wq.Term(fieldname, t) for t in g]) for g in groups])


def _word_clause(word: str, analyzer) -> wq.Query | None:
    groups = _token_groups(analyzer, word)
    code = wq.Term("code_key", word.lower(), boost=REF_BOOST)
    if not groups:
        return None
    return wq.Or([_field_clause("title", groups), _field_clause("body", groups), code])


def _phrase_clause(phrase: str, analyzer) -> wq.Query | None:
    groups = _token_groups(analyzer, phrase)
    if len(groups) <= 1:
        return _word_clause(phrase, analyzer)
    words = [[g[0]] for g in groups]
    return wq.Or([_field_clause("title", words), _field_clause("body", words)])


def _filter_query(filters: dict, types: Iterable[str] | None, resolve: Resolver):
    parts = []
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


class MarkFormatter(highlight.HtmlFormatter):
    """<mark> around matches, HTML-escaped text around them."""

    def __init__(self):
        super().__init__(tagname="mark", between=" … ")

    def format_token(self, text, token, replace=False):
        return "<mark>%s</mark>" % html.escape(highlight.get_text(text, token, replace), quote=False)


def _sort_facet(sort: str, scored: bool):
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


class WhooshBackend(SearchBackend):
    """A Whoosh index in one directory, safe for several writing processes."""

    def __init__(
        self,
        path: str | Path,
        *,
        analyzer=None,
        thesaurus: dict | None = None,
        lock_timeout: float = 120.0,
        writer_mb: int = 256,
    ):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.writer_mb = writer_mb
        self._schema = build_schema(analyzer if analyzer is not None else dutch_analyzer(thesaurus))
        self._local = threading.local()
        self._ix = self._open_or_create()

    @classmethod
    def open_or_create(cls, path: str | Path, **kwargs) -> "WhooshBackend":
        return cls(path, **kwargs)

    def _open_or_create(self):
        self.path.mkdir(parents=True, exist_ok=True)
        if index.exists_in(self.path):
            return index.open_dir(str(self.path))
        # create_in wipes existing index files, so two processes starting at
        # once must not both create.
        storage = FileStorage(str(self.path))
        lock = storage.lock("CREATELOCK")
        deadline = time.monotonic() + self.lock_timeout
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise IndexBusyError("De zoekindex wordt al aangemaakt door een ander proces.")
            time.sleep(0.05)
        try:
            if index.exists_in(self.path):
                return index.open_dir(str(self.path))
            return index.create_in(str(self.path), self._schema)
        finally:
            lock.release()

    # -- writing -----------------------------------------------------------

    def _acquire_writer(self, **kwargs):
        """Retry with back-off: a LockError never reaches the caller."""
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.01
        while True:
            try:
                return self._ix.writer(limitmb=self.writer_mb, **kwargs)
            except LockError:
                if time.monotonic() > deadline:
                    raise IndexBusyError(
                        "De zoekindex bleef bezet door een ander proces; probeer later opnieuw."
                    ) from None
                time.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 0.5)

    @contextmanager
    def _writing(self, **commit_args) -> Iterator:
        writer = self._acquire_writer()
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit(**commit_args)

    def add(self, docs: Iterable[SearchDocument]) -> int:
        latest = {doc.id: doc for doc in docs}  # the last version of an id wins
        if not latest:
            return 0
        with self._writing() as writer:
            for doc in latest.values():
                writer.update_document(**build_fields(doc))
        return len(latest)

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if ids:
            with self._writing() as writer:
                for doc_id in ids:
                    writer.delete_by_term("id", doc_id)
        return len(ids)

    def rebuild(self, docs: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        total = len(docs) if hasattr(docs, "__len__") else None
        seen: set[str] = set()
        with self._writing(mergetype=CLEAR) as writer:
            # Installs the current schema (analyzer, thesaurus) with the new data.
            writer.schema = self._schema
            for doc in docs:
                if doc.id in seen:
                    log.warning("dubbel document %s overgeslagen bij herbouw", doc.id)
                    continue
                seen.add(doc.id)
                writer.add_document(**build_fields(doc))
                if progress and len(seen) % 1000 == 0:
                    progress(len(seen), total)
        if progress:
            progress(len(seen), total)
        return len(seen)

    def clear(self) -> None:
        with self._writing(mergetype=CLEAR) as writer:
            writer.schema = self._schema

    # -- reading -----------------------------------------------------------

    @contextmanager
    def _reading(self):
        """A per-thread searcher, refreshed when another writer committed."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or isinstance(searcher.reader(), EmptyReader):
            # Whoosh cannot refresh a searcher of an empty index: reopen.
            if searcher is not None:
                searcher.close()
            searcher = self._ix.searcher()
        elif not searcher.up_to_date():
            # Not searcher.refresh(): it reuses segment readers whose deletions are stale,
            # so a replaced document would still be found.
            searcher.close()
            searcher = self._ix.searcher()
        self._local.searcher = searcher
        yield searcher

    def count(self) -> int:
        with self._reading() as searcher:
            return searcher.doc_count()

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
        page, page_size = check_paging(page, page_size)
        out = SearchResults(page=page, page_size=page_size, notices=list(query.notices))
        if sort not in SORTS:
            out.notices.append(f"Onbekende sortering '{sort}': op relevantie gesorteerd.")
            sort = "relevance"
        if query.is_empty:
            return out
        types = list(types) if types else None
        with self._reading() as searcher:
            analyzer = searcher.schema["body"].analyzer
            resolve = _vocabulary_resolver(searcher)
            plan = build_whoosh_query(query, analyzer, types=types, resolve=resolve)
            if plan.query is None:
                return out
            results = self._run(searcher, plan, sort, page * page_size)
            if results.is_empty() and plan.text_clauses > 1 and not query.any_terms:
                plan = build_whoosh_query(query, analyzer, types=types, any_terms=True, resolve=resolve)
                results = self._run(searcher, plan, sort, page * page_size)
                if not results.is_empty():
                    out.notices.append("Geen resultaten met alle zoekwoorden; dit zijn resultaten met een deel ervan.")
            out.total = len(results)
            scored = _sort_facet(sort, plan.text_clauses > 0) is None
            out.hits = [self._hit(h, scored) for h in results[(page - 1) * page_size:]]
            if facets:
                out.facets = _count_facets(searcher, results.docs())
            out.suggestion = _suggestion(searcher, query)
        return out

    def _run(self, searcher, plan: WhooshPlan, sort: str, limit: int):
        facet = _sort_facet(sort, plan.text_clauses > 0)
        results = searcher.search(plan.query, filter=plan.filter, limit=limit, sortedby=facet)
        results.formatter = MarkFormatter()
        results.fragmenter = highlight.SentenceFragmenter(maxchars=SNIPPET_CHARS)
        return results

    def _hit(self, hit, scored: bool) -> Hit:
        stored = hit.fields()
        return Hit(
            type=stored["type"],
            id=stored["id"],
            code=stored.get("code", ""),
            title=stored.get("title", ""),
            score=float(hit.score or 0.0) if scored else 0.0,
            snippet=_snippet(hit, stored.get("body", "")),
            fields=dict(stored.get("display") or {}),
        )

    def suggest(self, word: str) -> str | None:
        with self._reading() as searcher:
            return _correct(searcher, word)

    def similar(self, doc_id: str, *, limit: int = 10, types: Iterable[str] | None = None) -> list[Hit]:
        with self._reading() as searcher:
            stored = searcher.document(id=doc_id)
        if stored is None:
            return []
        refs = (stored.get("display") or {}).get("refs") or []
        return self.more_like_text(
            stored.get("title", ""), stored.get("body", ""), limit=limit, refs=refs,
            types=types or [stored["type"]], _exclude=doc_id,
        )

    def more_like_text(
        self,
        title: str,
        body: str,
        *,
        limit: int = 10,
        refs: Iterable[str] = (),
        types: Iterable[str] | None = ("barrier",),
        _exclude: str | None = None,
    ) -> list[Hit]:
        with self._reading() as searcher:
            return rank_similar(searcher, title, body, list(refs), limit=limit,
                                types=list(types) if types else None, exclude=_exclude)

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None


def _vocabulary_resolver(searcher) -> Resolver:
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


def _count_facets(searcher, docnums) -> dict[str, dict[str, int]]:
    """Counts over the whole result set, read from one column per document."""
    if not docnums:
        return {}
    counters = {name: Counter() for name in FACET_FIELDS}
    column = searcher.reader().column_reader("facetdata")
    for docnum in docnums:
        raw = column[docnum]
        if not raw:
            continue
        for name, value in json.loads(raw).items():
            for single in value if isinstance(value, list) else [value]:
                counters[name][str(single)] += 1
    return {name: dict(c.most_common()) for name, c in counters.items() if c}


_snippet_warned = False


def _snippet(hit, body: str) -> str:
    global _snippet_warned
    try:
        marked = hit.highlights("body", text=body, top=2)
    except Exception:  # a snippet must never break a search
        if not _snippet_warned:
            log.warning("markeren van fragmenten mislukt", exc_info=True)
            _snippet_warned = True
        marked = ""
    if marked:
        return marked
    short = body[:SNIPPET_CHARS]
    return html.escape(short, quote=False) + ("…" if len(body) > SNIPPET_CHARS else "")


def _correct(searcher, word: str) -> str | None:
    word = (word or "").strip().lower()
    if len(word) < 3 or not word.isalpha() or searcher.doc_frequency("words", word) > 0:
        return None
    found = searcher.corrector("words").suggest(word, limit=1, maxdist=1 if len(word) < 6 else 2)
    return found[0] if found else None


def _suggestion(searcher, query: SearchQuery) -> str | None:
    """The query text with unknown words replaced by close known ones."""
    text, changed = query.text, False
    for term in query.terms:
        fix = _correct(searcher, term)
        if fix:
            text, changed = text.replace(term, fix, 1), True
    return text if changed else None


def rank_similar(
    searcher, title: str, body: str, refs: list[str], *, limit: int,
    types: list[str] | None, exclude: str | None,
) -> list[Hit]:
    """Fetch candidates by key terms and shared refs, then score by tf-idf cosine."""
    analyzer = searcher.schema["body"].analyzer
    counts, surface = _analyze(analyzer, f"{title}\n{body}")
    if not counts and not refs:
        return []
    idf = _idf(searcher)
    source = tfidf_vector(counts, idf)
    top = sorted(source, key=source.get, reverse=True)[:25]
    clauses = [wq.Term(f, t, boost=source[t]) for t in top for f in ("title", "body")]
    clauses += [wq.Term("refs", r.lower(), boost=REF_BOOST) for r in refs]
    mask = wq.Term("id", exclude) if exclude else None
    type_filter = wq.Or([wq.Term("type", t) for t in types]) if types else None
    results = searcher.search(wq.Or(clauses), filter=type_filter, mask=mask, limit=max(3 * limit, 20))
    hits = [_similar_hit(hit, analyzer, idf, source, surface, refs) for hit in results]
    hits.sort(key=lambda h: (-h.score, h.code))
    return hits[:limit]


def _similar_hit(hit, analyzer, idf, source, surface, refs) -> Hit:
    stored = hit.fields()
    display = dict(stored.get("display") or {})
    counts, _ = _analyze(analyzer, f"{stored.get('title', '')}\n{stored.get('body', '')}")
    target = tfidf_vector(counts, idf)
    score, why = similarity(source, target, refs, display.get("refs") or [], surface)
    return Hit(type=stored["type"], id=stored["id"], code=stored.get("code", ""),
               title=stored.get("title", ""), score=round(score, 4), fields=display, why=why)


def _analyze(analyzer, text: str) -> tuple[Counter, dict[str, str]]:
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


def _idf(searcher) -> Callable[[str], float]:
    total = max(1, searcher.doc_count_all())
    cache: dict[str, float] = {}

    def idf(term: str) -> float:
        if term not in cache:
            df = searcher.doc_frequency("body", term) + searcher.doc_frequency("title", term)
            cache[term] = math.log(1.0 + total / (1.0 + df))
        return cache[term]

    return idf
