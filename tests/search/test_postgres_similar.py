"""Similar records on PostgreSQL: candidates from the postings table, the same as a scan of every record.

The candidate query reads the postings table (term, id). The reference is the query it replaced
(bench/bench_similar_pg.py: scan_candidates_sql), which summed each matching record's shared terms from
its tsv: on the demo register both must pick the same candidates in the same order, so similar() and
the duplicate decision are unchanged. The
postings must also stay true to the rows after every add, replace, delete, rebuild, and for an index
written before they existed.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlmodel import Session

from bench.bench_similar_pg import scan_candidates_sql
from search.backend import tfidf_vector
from search.postgres.similar import Idf, analyze_counts, candidates_sql, rank_similar
from search.postgres.postings import postings_changes
from search.records import all_documents

try:
    from .backend_contract import sample_documents
except ImportError:  # tests/search is not a package under pytest's default import mode
    from backend_contract import sample_documents


@pytest.fixture(scope="module")
def demo_documents(rt):
    """Every record of the demo register (barriers, articles, projects), some of them public."""
    with Session(rt.engine) as session:
        docs = list(all_documents(session))
    return docs


def _both(backend, title, body, refs, types, exclude, public_only, size=20):
    with backend._engine.connect() as conn:
        counts, _surface = analyze_counts(backend.analyzer, f"{title}\n{body}")
        idf = Idf(conn, backend.table)
        source = tfidf_vector(counts, idf.load(counts))
        args = (backend.table, source, refs, types, exclude, size, public_only, idf)
        return [conn.execute(text(sql), params).all()
                for sql, params in (candidates_sql(*args), scan_candidates_sql(*args))]


def _same(postings, scan) -> bool:
    # The scan summed a record's terms in the order its join plan gave: equal up to the last bits.
    return ([(r.id, r.lexemes, r.counts) for r in postings] == [(r.id, r.lexemes, r.counts) for r in scan]
            and all(math.isclose(a.pre, b.pre, rel_tol=1e-12) for a, b in zip(postings, scan)))


def test_candidates_are_those_of_the_scan_on_the_demo_register(make_backend, demo_documents):
    backend = make_backend()
    backend.rebuild(demo_documents)
    checked = 0
    # every third record (barriers and articles alike) under each of the three filters: the scan is a full
    # table read per query, minutes for all 1,183 on a 2-core machine
    sample = demo_documents[::3]
    for doc in sample:
        refs = (doc.display_fields().get("refs") or [])
        for types, public_only, exclude in (([doc.type], False, doc.id), (["barrier"], True, None), (None, False, None)):
            postings, scan = _both(backend, doc.title, doc.body, refs, types, exclude, public_only)
            assert _same(postings, scan), (doc.id, [(a.id, b.id) for a, b in zip(postings, scan) if a.id != b.id])
            checked += bool(scan)
    assert checked > len(sample)  # most records have candidates: the comparison is not vacuous


def test_similar_hits_scores_and_overlaps_are_those_of_the_scan(make_backend, demo_documents):
    backend = make_backend()
    backend.rebuild(demo_documents)
    with backend._engine.connect() as conn:
        for doc in demo_documents[::3]:
            refs = doc.display_fields().get("refs") or []
            hits = [[(h.id, h.score, h.why, h.overlap) for h in rank_similar(
                conn, backend.table, backend.analyzer, doc.title, doc.body, refs, limit=10, types=["barrier"],
                exclude=None, candidates=build)] for build in (candidates_sql, scan_candidates_sql)]
            assert hits[0] == hits[1], doc.id


def test_citations_alone_pick_candidates_as_before(make_backend):
    backend = make_backend()
    backend.add(sample_documents())
    postings, scan = _both(backend, "", "", ["DLB:285"], None, None, False)
    assert _same(postings, scan) and {r.id for r in postings} == {"barrier:DR-2024-001", "article:DLB:285"}
    assert all(type(r.pre) is float for r in postings)
    postings, scan = _both(backend, "aangetekende zending", "", ["DLB:286", "DLB:285"], ["barrier"], None, False)
    assert _same(postings, scan) and postings[0].id == "barrier:DR-2024-001"


def _postings(backend) -> tuple[list, list]:
    with backend._engine.connect() as conn:
        held = conn.execute(text(f"SELECT term, id, type, public FROM {backend.table}_postings "
                                 f"ORDER BY 1, 2")).all()
        derived = conn.execute(text(f"SELECT o.term, d.id, d.type, d.public FROM {backend.table} AS d, "
                                    f"unnest(tsvector_to_array(d.tsv)) AS o(term) ORDER BY 1, 2")).all()
    return held, derived


def test_postings_follow_add_replace_publish_and_delete(make_backend):
    backend = make_backend()
    docs = sample_documents()
    backend.add(docs)
    held, derived = _postings(backend)
    assert held == derived and held
    docs[1].title, docs[1].body, docs[1].public = "Zwembadtoegang", "Het zwembad vraagt een papieren kaart.", True
    docs[2].body += " Een papieren kaart volstaat niet."  # a few terms more, flags unchanged
    backend.add([docs[1], docs[2]])
    backend.delete(["barrier:DR-2022-005"])
    held, derived = _postings(backend)
    assert held == derived
    assert not any(row.term == "handtekening" and row.id == "barrier:DR-2024-002" for row in held)
    assert ("zwembad", "barrier:DR-2024-002", "barrier", True) in held
    assert all(row.id != "barrier:DR-2022-005" for row in held)


def test_an_edit_touches_only_the_postings_of_terms_that_came_or_went():
    def row(id_, terms, public=False, type_="barrier"):
        return SimpleNamespace(id=id_, type=type_, public=public, terms=terms)

    gone, new = postings_changes([row("a", ["x", "y"]), row("b", ["x"]), row("c", ["z"])],
                                 [row("a", ["y", "w"]), row("b", ["x"], public=True), row("d", ["v"])])
    assert sorted(zip(gone["terms"], gone["ids"])) == [("x", "a"), ("x", "b"), ("z", "c")]
    assert sorted(zip(new["terms"], new["ids"], new["publics"])) == [("v", "d", False), ("w", "a", False),
                                                                      ("x", "b", True)]


def test_postings_are_rebuilt_with_the_index(make_backend):
    backend = make_backend()
    backend.add(sample_documents())
    backend.rebuild(sample_documents()[:5])
    held, derived = _postings(backend)
    assert held == derived and {row.id for row in held} == {d.id for d in sample_documents()[:5]}


def test_an_index_from_before_the_postings_gets_them_from_its_rows(make_backend):
    backend = make_backend()
    backend.add(sample_documents())
    expected = backend.similar("barrier:DR-2024-001", limit=5)
    with backend._engine.begin() as conn:  # the layout of an index written before the postings existed
        conn.execute(text(f"DROP TABLE {backend.table}_postings"))
    reopened = make_backend(table=backend.table)
    held, derived = _postings(reopened)
    assert held == derived and held
    assert not reopened.stale  # the postings come from the rows: no rebuild needed
    assert [(h.id, h.score) for h in reopened.similar("barrier:DR-2024-001", limit=5)] == \
        [(h.id, h.score) for h in expected]
