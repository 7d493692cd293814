"""Whoosh implementation of :class:`SearchBackend`, the embedded default.

The parts live beside this module: the index layout (``schema``),
query building (``query``), matching, facets and order
(``matching``), snippets (``snippets``) and similarity and
spelling (``similar``). :class:`WhooshBackend` only opens the index,
writes safely under concurrency and runs those parts.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import random
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from whoosh import index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import EmptyReader
from whoosh.writing import CLEAR

from search.backend import (
    Hit,
    IndexBusyError,
    Progress,
    SearchBackend,
    SearchResults,
)
from search.documents import SearchDocument
from search.opening import open_search
from search.query import SearchQuery
from search.snippets import snippet
from search.whoosh.matching import FacetCache, MatchSet, admit, match, top_coordinated, top_scored, top_sorted
from search.whoosh.query import (  # noqa: F401  (re-exported: the module's public face)
    WhooshPlan,
    build_whoosh_query,
    highlight_terms,
    sort_facet,
    vocabulary_resolver,
)
from search.whoosh.schema import (  # noqa: F401
    build_fields,
    build_schema,
    dutch_analyzer,
    facet_values,
    plain_analyzer,
)
from search.spelling import suggestion
from search.whoosh.similar import SimilarCache, correct, held_words, rank_similar

log = logging.getLogger(__name__)


# A rebuild this large uses several processes; below it, starting them costs more than it saves.
PARALLEL_REBUILD_MIN = 5000
MAX_WRITER_PROCS = 4


# Times an index is opened again while other processes commit (see _stored_schema).
OPEN_ATTEMPTS = 20


def _stored_schema(ix, attempts: int = OPEN_ATTEMPTS):
    """The schema of the newest generation; another process committing in between removes the table
    of contents just found, so read again."""
    for _ in range(attempts - 1):
        try:
            return ix.schema
        except FileNotFoundError:
            time.sleep(0.01)
    return ix.schema


def _layout(schema) -> set[str]:
    """Field names, a field with term vectors marked (similar records read them: search/whoosh/similar.py)."""
    return {f"{name}+vectoren" if schema[name].vector else name for name in schema.names()}


def _analysis_version(schema) -> int | None:
    """search.analysis.ANALYSIS_VERSION of the Dutch analysis a schema's text fields use (None: another)."""
    return getattr(getattr(schema["body"].analyzer, "analysis", None), "version", None)


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
        writer_procs: int | None = None,
    ):
        self.path = Path(path)
        self.lock_timeout = lock_timeout
        self.writer_mb = writer_mb
        # One process by default: a parallel rebuild is ~30% faster but leaves one
        # segment per process, which doubles query time until the next merge.
        self.writer_procs = min(writer_procs or 1, MAX_WRITER_PROCS, os.cpu_count() or 1)
        self._schema = build_schema(analyzer if analyzer is not None else dutch_analyzer(thesaurus))
        self._local = threading.local()
        self._facets = FacetCache()
        self._similar = SimilarCache()
        self._ix = self._open_or_create()

    @classmethod
    def open_or_create(cls, path: str | Path, **kwargs) -> "WhooshBackend":
        return cls(path, **kwargs)

    def _open_or_create(self):
        """Open the index in `path`, or create it; another process committing while it is opened removes the
        table of contents just found (FileNotFoundError), so open again, as _stored_schema reads again."""
        self.path.mkdir(parents=True, exist_ok=True)
        for _ in range(OPEN_ATTEMPTS - 1):
            try:
                return self._open_or_create_once()
            except FileNotFoundError:
                time.sleep(0.01)
        return self._open_or_create_once()

    def _open_or_create_once(self):
        try:
            if index.exists_in(self.path):
                return self._check_fields(index.open_dir(str(self.path)))
        except (AttributeError, ImportError, pickle.UnpicklingError) as exc:
            # The stored schema names a class this version no longer has (an index written before
            # the analyzer moved): the index is derived data, so start empty and say it needs a rebuild.
            log.warning("zoekindex in %s heeft een oud formaat (%s): wordt opnieuw opgebouwd", self.path, exc)
            self.stale = True
            return index.create_in(str(self.path), self._schema)
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
                return self._check_fields(index.open_dir(str(self.path)))
            return index.create_in(str(self.path), self._schema)
        finally:
            lock.release()

    def _check_fields(self, ix):
        """An index written before a field was added (or removed) cannot take today's documents, and
        a missing `public` field would hide every record from anonymous visitors: mark it stale, so
        whoever composes the service rebuilds it from the database (rebuild installs our schema)."""
        stored = _stored_schema(ix)
        old, new = _layout(stored), _layout(self._schema)
        if old != new:
            log.warning("zoekindex in %s heeft andere velden (ontbreekt: %s; overbodig: %s): wordt opnieuw "
                        "opgebouwd; gebeurt dat niet, voer dan 'drempelbank reindex' uit", self.path,
                        ", ".join(sorted(new - old)) or "-", ", ".join(sorted(old - new)) or "-")
            self.stale = True
        written, ours = _analysis_version(stored), _analysis_version(self._schema)
        if written != ours:
            log.warning("zoekindex in %s is geschreven met analyseversie %s, deze versie gebruikt %s: wordt "
                        "opnieuw opgebouwd; gebeurt dat niet, voer dan 'drempelbank reindex' uit",
                        self.path, written, ours)
            self.stale = True
        return ix

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
    def exclusive(self) -> Iterator[None]:
        """An OS file lock beside the index (one host: Whoosh is a local index); also held by
        threads of one process in turn, since each takes its own open file description."""
        with (self.path / "SYNC.lock").open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def _writing(self, writer_args: dict | None = None, **commit_args) -> Iterator:
        writer = self._acquire_writer(**(writer_args or {}))
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
        with self._writing(self._rebuild_writer_args(total), mergetype=CLEAR) as writer:
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

    def _rebuild_writer_args(self, total: int | None) -> dict:
        """Several writer processes, each writing its own segment, for a large rebuild.

        Whoosh's sub-writers index with the schema stored in the index, so they
        are only used when that equals ours (same analyzer and thesaurus).
        """
        if self.writer_procs < 2 or (total is not None and total < PARALLEL_REBUILD_MIN):
            return {}
        if self._ix.schema != self._schema:
            log.info("zoekindex krijgt een nieuw schema: herbouw in één proces")
            return {}
        return {"procs": self.writer_procs, "multisegment": True}

    def compact(self) -> int:
        """Whoosh keeps a replaced document's old version, marked deleted, until its segment is merged,
        and counts it meanwhile in how many records hold a term: the idf of similar records and the
        duplicate decision's signals then depend on the index's history (the demo register, indexed
        twice by `init`, held 50 such). Merging everything into one segment drops them."""
        with self._reading() as searcher:
            reader = searcher.reader()
            dropped = reader.doc_count_all() - reader.doc_count()
        if dropped:
            with self._writing(optimize=True):
                pass
        return dropped

    def clear(self) -> None:
        with self._writing(mergetype=CLEAR) as writer:
            writer.schema = self._schema

    # -- reading -----------------------------------------------------------

    @contextmanager
    def _reading(self):
        """A per-thread searcher, reopened when another writer committed."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None or isinstance(searcher.reader(), EmptyReader) or not searcher.up_to_date():
            # Never searcher.refresh(): it reuses segment readers whose deletions
            # are stale, so a replaced document would still be found. (It also
            # cannot refresh a searcher of an empty index.)
            if searcher is not None:
                searcher.close()
            searcher = self._ix.searcher()
            self._facets.prune(searcher)
        self._local.searcher = searcher
        yield searcher

    def generation(self) -> int:
        """The newest TOC generation on disk: every commit, by any process, writes a new one."""
        return self._ix.latest_generation()

    def count(self) -> int:
        with self._reading() as searcher:
            return searcher.doc_count()

    def _search(self, query: SearchQuery, out: SearchResults, *, types: list[str] | None, sort: str,
                facets: bool, near: Sequence[str] = ()) -> list[Hit]:
        page, page_size = out.page, out.page_size
        with self._reading() as searcher:
            plan, matches = self._plan_and_match(searcher, query, types, out)
            if plan is None:
                return []
            admitted = admit(searcher, query, types, near) if near else MatchSet()
            new = admitted.minus(matches)
            out.total, out.matched = len(matches) + len(new), len(matches)
            scored = sort_facet(sort, plan.text_clauses > 0) is None
            ranked = self._rank(searcher, plan, matches, sort, page * page_size) if matches else []
            terms = highlight_terms(plan.query)
            out.hits = [self._hit(searcher, docnum, score if scored else 0.0, terms)
                        for score, docnum in ranked[(page - 1) * page_size:]]
            if facets and out.total:
                out.facets = self._facets.counts(matches.union(new) if new else matches)
            added = [self._hit(searcher, docnum, 0.0, set()) for docnum in sorted(admitted.global_docnums())]
        order = {doc_id: i for i, doc_id in enumerate(near)}
        return sorted(added, key=lambda hit: order[hit.id])

    def _plan_and_match(self, searcher, query: SearchQuery, types, out: SearchResults):
        """The plan to rank by and its matches (search.opening decides between all and some words)."""
        analyzer = searcher.schema["body"].analyzer
        resolve = vocabulary_resolver(searcher)

        def build(any_terms, coord):
            return build_whoosh_query(query, analyzer, types=types, any_terms=any_terms, resolve=resolve,
                                      coord=coord)

        opening = open_search(query, build, lambda plan: match(searcher, plan.query, plan.filter), len,
                              empty=lambda plan: plan.query is None)
        if opening is None:
            return None, MatchSet()
        if opening.notice:
            out.notices.append(opening.notice)
        out.suggestion = suggestion(query, lambda word: correct(searcher, word, public_only=query.public_only),
                                    opening.strict_total)
        return opening.plan, opening.found

    def _rank(self, searcher, plan: WhooshPlan, matches: MatchSet, sort: str, limit: int):
        facet = sort_facet(sort, plan.text_clauses > 0)
        if facet is None and plan.coord:
            return top_coordinated(searcher, plan, matches, limit)
        if facet is None:
            return top_scored(searcher, plan.query, matches, limit, restrict=plan.filter is not None)
        return top_sorted(searcher, facet, matches, limit)

    def _hit(self, searcher, docnum: int, score: float, terms: set[str]) -> Hit:
        stored = searcher.stored_fields(docnum)
        display = dict(stored.get("display") or {})
        return Hit(
            type=stored["type"],
            id=stored["id"],
            code=stored.get("code", ""),
            title=stored.get("title", ""),
            score=score,
            snippet=snippet(searcher.schema["body"].analyzer, display.get("summary") or stored.get("body", ""), terms),
            fields=display,
            text=stored.get("body", ""),
        )

    def record_texts(self) -> Iterator[tuple[str, str, str]]:
        later = []
        with self._reading() as searcher:
            for stored in searcher.all_stored_fields():
                summary = (stored.get("display") or {}).get("summary") or ""
                record = stored.get("title", ""), stored.get("body", ""), summary
                if stored.get("type") == "barrier":
                    yield record
                else:
                    later.append(record)
        yield from later

    def id_texts(self) -> Iterator[tuple[str, str, str]]:
        with self._reading() as searcher:
            for stored in searcher.all_stored_fields():
                yield stored["id"], stored.get("title", ""), stored.get("body", "")

    def text_analysis(self):
        return getattr(self._schema["body"].analyzer, "analysis", None)

    def suggest(self, word: str, *, public_only: bool = False) -> str | None:
        with self._reading() as searcher:
            return correct(searcher, word, public_only=public_only)

    def held_words(self, words: set[str], *, public_only: bool = False) -> set[str]:
        with self._reading() as searcher:
            return held_words(searcher, words, public_only=public_only)

    def similar(self, doc_id: str, *, limit: int = 10, types: Iterable[str] | None = None,
                public_only: bool = False) -> list[Hit]:
        with self._reading() as searcher:
            stored = searcher.document(id=doc_id)
        if stored is None or (public_only and not (stored.get("display") or {}).get("public")):
            return []
        refs = (stored.get("display") or {}).get("refs") or []
        return self.more_like_text(
            stored.get("title", ""), stored.get("body", ""), limit=limit, refs=refs,
            types=types or [stored["type"]], public_only=public_only, _exclude=doc_id,
        )

    def more_like_text(
        self,
        title: str,
        body: str,
        *,
        limit: int = 10,
        refs: Iterable[str] = (),
        types: Iterable[str] | None = ("barrier",),
        public_only: bool = False,
        _exclude: str | None = None,
    ) -> list[Hit]:
        with self._reading() as searcher:
            return rank_similar(searcher, title, body, list(refs), limit=limit,
                                types=list(types) if types else None, exclude=_exclude, cache=self._similar,
                                # similar() of an indexed record (it excludes itself) shows no duplicate decision
                                public_only=public_only, with_overlap=_exclude is None)

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
