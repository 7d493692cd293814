"""The Whoosh backend: the shared contract plus what only Whoosh has."""

from __future__ import annotations

import itertools
import multiprocessing
import threading
import time

import pytest
from whoosh import query as wq
from whoosh.index import LockError

from search.backend import IndexBusyError
from search.documents import SearchDocument
from search.query import parse_query
from search.whoosh_backend import WhooshBackend, build_fields, build_whoosh_query, dutch_analyzer

try:
    from .backend_contract import BackendContract, sample_documents, tiny_citation_finder
except ImportError:  # tests/search is not a package under pytest's default import mode
    from backend_contract import BackendContract, sample_documents, tiny_citation_finder


@pytest.fixture
def make_backend(tmp_path):
    counter = itertools.count()
    opened = []

    def make(**kwargs):
        backend = WhooshBackend(tmp_path / f"index-{next(counter)}", **kwargs)
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.close()


class TestWhooshContract(BackendContract):
    pass


# -- building without searching ---------------------------------------------


@pytest.fixture(scope="module")
def analyzer():
    return dutch_analyzer()


def test_empty_query_builds_nothing(analyzer):
    assert build_whoosh_query(parse_query("  "), analyzer).query is None


def test_filters_only_build_every_with_filter(analyzer):
    plan = build_whoosh_query(parse_query("status:opgelost"), analyzer, types=["barrier"])
    assert isinstance(plan.query, wq.Every)
    assert ("status", "opgelost") in plan.filter.all_terms()
    assert ("type", "barrier") in plan.filter.all_terms()


def test_citation_builds_exact_ref_term(analyzer):
    sq = parse_query("aanplakking art. 285 DLB", citation_finder=tiny_citation_finder)
    plan = build_whoosh_query(sq, analyzer)
    terms = plan.query.all_terms()
    assert ("refs", "dlb:285") in terms
    assert not any(text in ("285", "dlb") for _field, text in terms)


def test_phrase_and_exclusion_build_phrase_and_not(analyzer):
    plan = build_whoosh_query(parse_query('"aangetekende zending" -bezwaar'), analyzer)
    kinds = {type(q).__name__ for q in _walk(plan.query)}
    assert {"Phrase", "Not"} <= kinds


def test_unknown_filter_value_resolves_case_insensitively(analyzer):
    plan = build_whoosh_query(
        parse_query("regelgeving:dlb"), analyzer, resolve=lambda field, v: ["DLB"] if v == "dlb" else [v]
    )
    assert ("regulations", "DLB") in plan.filter.all_terms()


def test_build_fields_flattens_lists_and_skips_missing():
    doc = SearchDocument(type="barrier", id="barrier:X", code="X", title="t",
                         tags=["a,b", "c"], regulations=[])
    fields = build_fields(doc)
    assert fields["tags"] == "a b,c"
    assert "regulations" not in fields and "status" not in fields


def _walk(q):
    yield q
    for child in q.children():
        yield from _walk(child)


# -- Whoosh specifics ---------------------------------------------------------


def test_uses_the_dutch_analyzer_when_available(make_backend):
    pytest.importorskip("search.analysis", reason="search.analysis is not written yet")
    backend = make_backend()
    assert type(backend._ix.schema["body"].analyzer).__name__ != "CompositeAnalyzer"


def test_reopening_keeps_the_index(make_backend, tmp_path):
    first = make_backend()
    first.add(sample_documents())
    again = WhooshBackend.open_or_create(first.path)
    assert again.count() == len(sample_documents())
    again.close()


def test_other_instance_sees_new_writes(make_backend):
    reader = make_backend()
    writer = WhooshBackend(reader.path)
    assert reader.count() == 0
    writer.add(sample_documents()[:2])
    assert reader.count() == 2
    writer.close()


def test_interrupted_rebuild_keeps_old_index(make_backend):
    backend = make_backend()
    backend.add(sample_documents())

    def broken():
        yield from sample_documents()[:2]
        raise RuntimeError("database weg")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert backend.count() == len(sample_documents())
    assert backend.search(parse_query("rijksregister")).total == 1


def test_waits_for_a_held_lock(make_backend):
    backend = make_backend()
    held = backend._ix.writer()
    done = []
    worker = threading.Thread(target=lambda: done.append(backend.add(sample_documents()[:1])))
    worker.start()
    time.sleep(0.3)
    assert not done
    held.cancel()
    worker.join(timeout=10)
    assert done == [1] and backend.count() == 1


def test_lock_held_too_long_is_our_error_not_lockerror(make_backend):
    backend = make_backend(lock_timeout=0.2)
    held = backend._ix.writer()
    try:
        with pytest.raises(IndexBusyError) as caught:
            backend.add(sample_documents()[:1])
        assert not isinstance(caught.value, LockError)
    finally:
        held.cancel()


def _write_versions(path: str, prefix: str, n: int) -> None:
    backend = WhooshBackend(path)
    for version in ("eerste", "tweede"):
        for i in range(n):
            backend.add([SearchDocument(type="barrier", id=f"barrier:{prefix}-{i}", code=f"{prefix}-{i}",
                                        title=f"{version} versie", body=f"{prefix} document {i}")])
    backend.close()


def test_two_processes_writing_lose_nothing(make_backend):
    backend = make_backend()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    procs = [ctx.Process(target=_write_versions, args=(str(backend.path), p, 15)) for p in ("PA", "PB")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    assert backend.count() == 30
    latest = backend.search(parse_query("tweede versie"), page_size=50, facets=False)
    assert latest.total == 30
    assert backend.search(parse_query("eerste"), facets=False).total == 0
