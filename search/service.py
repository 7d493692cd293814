"""The search service: the register's one door to search, for the web layer, the CLI and briefs.

It keeps the index true to the database by following the outbox (docs/architecture.md), parses user
input once (citations and municipalities resolved through kb), and shapes results as docs/cli.md.
"""

import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, func, select

from kb.citations import CitationResolver
from kb.models import Article, Barrier, FormerMunicipality, Municipality, OutboxEntry, Project, Regulation
from kb.services.references import regulation_name
from search.backend import Hit, Overlap, Progress, SearchBackend, SearchResults, check_paging
from search.duplicates import CANDIDATES_READ, Candidate, decide
from search.facet_words import facet_hints, facet_matches, without_scope_words
from search.query import SearchQuery, parse_query
from search.records import all_documents, article_document, barrier_documents, project_document

log = logging.getLogger(__name__)

SCOPES = {"barriers": ["barrier"], "articles": ["article"], "projects": ["project"],
          "all": ["barrier", "article", "project"]}
# Similar records of this many barriers are kept per index generation: ranking them re-analyses two dozen
# candidate texts (~100-250 ms at 10,000 barriers, bench/bench_web.py), while a page view needs them again.
SIMILAR_CACHED = 2048


def load_thesaurus(corpus: Path) -> dict:
    path = corpus / "thesaurus.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class SearchService:
    def __init__(self, backend: SearchBackend, engine: Engine):
        self.backend = backend
        self.engine = engine
        self._similar = _GenerationCache(SIMILAR_CACHED)
        # Set once warm_up has run: /healthz says so, and benches wait for it.
        self.warmed = threading.Event()

    # -- reference data for query parsing ---------------------------------

    @cached_property
    def citations(self) -> CitationResolver:
        with Session(self.engine) as session:
            return CitationResolver([regulation_name(r) for r in session.exec(select(Regulation))])

    @cached_property
    def municipalities(self) -> dict[str, str]:
        with Session(self.engine) as session:
            names = {name.casefold(): nis for nis, name in session.exec(select(Municipality.nis, Municipality.name))}
            for name, nis in session.exec(select(FormerMunicipality.name, FormerMunicipality.successor_nis)):
                names.setdefault(name.casefold(), nis)
        return names

    @cached_property
    def provinces(self) -> dict[str, str]:
        with Session(self.engine) as session:
            return {name.casefold(): name for name in session.exec(select(Municipality.province).distinct())}

    def _forget_reference_data(self) -> None:
        for name in ("citations", "municipalities", "provinces"):
            self.__dict__.pop(name, None)

    def find_citations(self, text: str) -> list[dict[str, Any]]:
        return [{"raw": c.raw, "start": c.span[0], "end": c.span[1], "ref": c.ref, "label": c.label(),
                 "resolved": c.resolved} for c in self.citations.find(text or "")]

    def _citation_spans(self, text: str) -> list[tuple[int, int, str]]:
        return [(c.span[0], c.span[1], c.ref) for c in self.citations.find(text) if c.resolved and c.span]

    def parse(self, q: str | None, filters: dict[str, Iterable[str] | str] | None = None, *,
              public_only: bool = False) -> SearchQuery:
        query = parse_query(q, filters=filters, citation_finder=self._citation_spans,
                            municipality_resolver=lambda value: self.municipalities.get(value.strip().casefold()),
                            public_only=public_only)
        query.facets = facet_matches(query, self.municipalities.get, self.provinces.get)
        return query

    # -- queries ----------------------------------------------------------

    def search(self, q: str | None, *, scope: str = "barriers", filters: dict | None = None, sort: str = "relevance",
               page: int = 1, page_size: int = 20, public_only: bool = False) -> SearchResults:
        """`public_only` (anonymous visitors): nothing of a non-public record, applied by the backend."""
        query = self.parse(q, filters, public_only=public_only)
        page, page_size = check_paging(page, page_size)
        types = SCOPES.get(scope, SCOPES["barriers"])
        results = self.backend.search(without_scope_words(query, types), types=types, sort=sort, page=page,
                                      page_size=page_size)
        results.notices = list(dict.fromkeys([*query.notices, *results.notices]))
        results.facet_hints = [vars(h) for h in facet_hints(query, self.municipalities.get, self._facet_name,
                                                            self.provinces.get)]
        if scope not in SCOPES:
            results.notices.append(f"Onbekend zoekgebied '{scope}': gezocht in drempels")
        return results

    def _facet_name(self, field: str, value: str) -> str:
        if field != "municipality":
            return value
        return next((name for name, nis in self.municipalities.items() if nis == value), value).title()

    @staticmethod
    def search_json(results: SearchResults, q: str | None) -> dict[str, Any]:
        """The `search --json` shape of docs/cli.md (with a few extra keys)."""
        hits = []
        for hit in results.hits:
            item: dict[str, Any] = {"type": hit.type, "code": hit.code, "title": hit.title,
                                    "score": round(hit.score, 4), "snippet": hit.snippet}
            if hit.type == "article":
                extra = hit.fields.get("extra") or {}
                item.update(regulation=extra.get("regulation"), article=extra.get("article"))
            if hit.type == "barrier":
                item.update(status=hit.fields.get("status"), kind=hit.fields.get("kind"))
            hits.append(item)
        return {"query": q or "", "total": results.total, "hits": hits, "facets": results.facets,
                "suggestion": results.suggestion, "notices": results.notices,
                "facet_hints": results.facet_hints, "page": results.page,
                "pages": results.pages}

    def similar(self, code: str, limit: int = 10, *, public_only: bool = False) -> list[dict[str, Any]]:
        """Barriers most like `code`; the index's answer is kept until any process changes the index,
        the database is read every time (a record deleted since is never shown)."""
        generation = self.backend.generation()
        key = (code, limit, public_only)
        hits = self._similar.get(generation, key)
        if hits is None:
            hits = self.backend.similar(f"barrier:{code}", limit=limit, types=["barrier"], public_only=public_only)
            self._similar.put(generation, key, hits)
        return self._with_precedents(hits)

    def duplicate_candidates(self, title: str, description: str, limit: int = CANDIDATES_READ,
                             ) -> tuple[list[str], list[Hit]]:
        """(the refs cited by a new report, the barriers most like it, best first)."""
        text = f"{title or ''}\n{description or ''}"
        refs = list(dict.fromkeys(part for _, _, ref in self._citation_spans(text)
                                  for part in (ref, ref.split(":")[0])))
        hits = self.backend.more_like_text(title or "", description or "", limit=limit, refs=refs,
                                           types=["barrier"])
        return refs, hits

    def check_duplicate(self, title: str, description: str, limit: int = 5) -> list[dict[str, Any]]:
        """Candidates for a new report; `likely` is the calibrated decision of search/duplicates.py and
        `confidence` its probability that the candidate is the same barrier."""
        refs, hits = self.duplicate_candidates(title, description, max(limit, CANDIDATES_READ))
        confidence = decide(title or "", refs, [duplicate_candidate(h) for h in hits])
        return [{"code": h.code, "title": h.title, "score": round(h.score, 4), "likely": p >= 0.5,
                 "confidence": round(p, 3), "why": h.why} for h, p in zip(hits[:limit], confidence)]

    def _with_precedents(self, hits) -> list[dict[str, Any]]:
        codes = [h.code for h in hits]
        with Session(self.engine) as session:
            rows = {b.code: b for b in session.exec(select(Barrier).where(Barrier.code.in_(codes)))}
        result = []
        for hit in hits:
            barrier = rows.get(hit.code)
            if barrier is None:
                continue  # never show a record the database no longer has
            solved = barrier.status == "opgelost"
            result.append({"code": hit.code, "title": barrier.title, "score": round(hit.score, 4), "why": hit.why,
                           "status": barrier.status, "precedent": solved,
                           "proposed_solution": barrier.proposed_solution if solved else None})
        return result

    # -- keeping the index true to the database ---------------------------

    def exclusive(self):
        """One process at a time applies changes, so an older version never overwrites a newer one."""
        return self.backend.exclusive()

    def apply(self, entries: list[OutboxEntry]) -> None:
        """Bring the index up to date with these outbox entries (idempotent; the caller acknowledges them)."""
        with Session(self.engine) as session:
            self._apply(session, entries)

    def _apply(self, session: Session, entries: list[OutboxEntry]) -> None:
        docs, deletes = {}, set()
        # "barrier_theme": only the barrier's theme changed (kb/services/themes.py); same document.
        barrier_codes = {e.entity_key for e in entries if e.entity in ("barrier", "barrier_theme")}
        barriers = {b.code: b for b in session.exec(select(Barrier).where(Barrier.code.in_(barrier_codes)))}
        for doc in barrier_documents(session, list(barriers.values())):
            docs[doc.id] = doc
        deletes.update(f"barrier:{code}" for code in barrier_codes - set(barriers))
        for entry in entries:
            if entry.entity == "regulation":
                self._forget_reference_data()
            for doc_id, doc in self._documents_for(session, entry):
                if doc is None:
                    deletes.add(doc_id)
                    docs.pop(doc_id, None)
                else:
                    docs[doc_id] = doc
                    deletes.discard(doc_id)
        if deletes:
            self.backend.delete(sorted(deletes))
        if docs:
            self.backend.add(docs.values())

    def _documents_for(self, session: Session, entry: OutboxEntry):
        """Documents of projects, articles and regulations (barriers are mapped in bulk above)."""
        if entry.entity == "project":
            project = session.exec(select(Project).where(Project.code == entry.entity_key)).first()
            yield f"project:{entry.entity_key}", project_document(project) if project else None
        elif entry.entity == "article":
            yield f"article:{entry.entity_key}", None
        elif entry.entity == "regulation":
            regulation = session.exec(select(Regulation).where(Regulation.key == entry.entity_key)).first()
            if regulation is not None:
                for article in session.exec(select(Article).where(Article.regulation_id == regulation.id)):
                    yield f"article:{regulation.key}:{article.number}", article_document(article, regulation)

    def rebuild(self, progress: Progress | None = None) -> int:
        """Rebuild the whole index from the database; the caller holds `exclusive()` and acknowledges
        the outbox entries the rebuild covered."""
        with Session(self.engine) as session:
            total = sum(session.exec(select(func.count()).select_from(m)).one() for m in (Barrier, Article, Project))
            count = self.backend.rebuild(all_documents(session), progress=_with_total(progress, total))
        self._forget_reference_data()
        return count

    def compact(self) -> int:
        """Drop replaced and deleted records the index still holds (search.backend.SearchBackend.compact)."""
        return self.backend.compact()

    def warm_up(self) -> dict[str, int]:
        """Fill the caches the first searches would fill (search.backend.SearchBackend.warm_up)."""
        try:
            return self.backend.warm_up()
        except Exception:  # noqa: BLE001  (only caches: a failure costs the first searches time, nothing else)
            log.warning("opwarmen van de zoekcaches mislukt", exc_info=True)
            return {}
        finally:
            self.warmed.set()

    def status(self) -> dict[str, Any]:
        return {"backend": type(self.backend).__name__, "documents": self.backend.count()}

    def close(self) -> None:
        if self.backend.reranker is not None:
            self.backend.reranker.close()
        self.backend.close()


def duplicate_candidate(hit: Hit) -> Candidate:
    overlap = hit.overlap or Overlap()
    return Candidate(code=hit.code, title=hit.title, score=hit.score, refs=tuple(hit.fields.get("refs") or ()),
                     title_cover=overlap.title_cover, shared_df=overlap.shared_df)


class _GenerationCache:
    """Values read from the index, valid while its generation stays the same (None: never cached)."""

    def __init__(self, size: int):
        self._size = size
        self._generation: Any = None
        self._values: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, generation: Any, key: Any) -> Any:
        with self._lock:
            if generation is None or generation != self._generation or key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, generation: Any, key: Any, value: Any) -> None:
        if generation is None:
            return
        with self._lock:
            if generation != self._generation:
                self._generation, self._values = generation, OrderedDict()
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)


def _with_total(progress: Progress | None, total: int) -> Progress | None:
    if progress is None:
        return None
    return lambda done, _unknown: progress(done, total)
