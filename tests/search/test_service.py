"""The search service over a real register: the index follows the database through the outbox."""

import pytest
from sqlmodel import select

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from drempelbank.setup import initialise
from kb.db import session_scope
from kb.services.outbox import pending_count
from kb.models import BarrierCreate, BarrierUpdate, OutboxEntry
from kb.services.barriers import create_barrier, delete_barrier, update_barrier
from kb.validation import validate


def codes(results) -> list[str]:
    return [hit.code for hit in results.hits]


def test_init_indexes_everything_and_empties_the_outbox(rt):
    status = rt.search.status()
    with session_scope(rt.engine) as session:
        assert session.exec(select(OutboxEntry)).first() is None
    assert status["documents"] >= 50 + 14


def test_citation_in_query_finds_linked_barriers_that_never_spell_it(rt):
    results = rt.search.search("art. 285 DLB")
    assert results.total >= 1
    with session_scope(rt.engine) as session:
        from web.pages.barriers import barrier_public
        from kb.services.barriers import get_barrier

        cites = []
        for code in codes(results):
            refs = [r.ref for r in barrier_public(session, get_barrier(session, code)).regulation_refs]
            assert any(ref and ref.split(":")[0] == "DLB" for ref in refs), (code, refs)
            cites.append("DLB:285" in refs)
    # The barriers citing the article itself first, then those citing another article of the decree.
    assert cites[0] and cites == sorted(cites, reverse=True)


def test_json_shape_of_spec(rt):
    data = rt.search.search_json(rt.search.search("aangetekende zending", scope="all"), "aangetekende zending")
    assert set(data) >= {"query", "total", "hits", "facets"}
    assert data["hits"] and set(data["hits"][0]) >= {"type", "code", "title", "score", "snippet"}
    assert "status" in data["facets"] and "kind" in data["facets"]


def test_write_then_sync_then_delete(rt):
    data = validate(BarrierCreate, {
        "code": "DR-2099-001", "title": "Kwalificeerbare zeldzaamheid xylofoonregister",
        "description": "Een testdrempel met een woord dat nergens anders voorkomt: xylofoonregister.",
        "kind": "technisch"})
    with session_scope(rt.engine) as session:
        create_barrier(session=session, data=data, actor="test")
    assert codes(rt.search.search("xylofoonregister")) == []  # not yet drained
    assert rt.after_commit().entries == 1
    assert codes(rt.search.search("xylofoonregister")) == ["DR-2099-001"]
    with session_scope(rt.engine) as session:
        update_barrier(session=session, code="DR-2099-001", actor="test",
                       data=BarrierUpdate(title="Andere titel", description="Nu over een marimbaregister."))
    rt.after_commit()
    assert codes(rt.search.search("xylofoonregister")) == []
    assert codes(rt.search.search("marimbaregister")) == ["DR-2099-001"]
    with session_scope(rt.engine) as session:
        delete_barrier(session=session, code="DR-2099-001", actor="test")
    rt.after_commit()
    assert codes(rt.search.search("marimbaregister")) == []


def test_crash_between_commit_and_index_is_repaired_on_next_start(rt):
    """The outbox row is committed with the change; a new process drains it."""
    data = validate(BarrierCreate, {"code": "DR-2099-002", "title": "Na een crash",
                                    "description": "Het woord contrabasregister staat alleen hier.",
                                    "kind": "technisch"})
    with session_scope(rt.engine) as session:
        create_barrier(session=session, data=data, actor="test")
    # A "restarted" process: a fresh runtime over the same home folder.
    restarted = Runtime(Settings(home=rt.settings.home))
    try:
        restarted.after_commit()
        assert codes(restarted.search.search("contrabasregister")) == ["DR-2099-002"]
    finally:
        restarted.close()
    with session_scope(rt.engine) as session:
        delete_barrier(session=session, code="DR-2099-002", actor="test")
    rt.after_commit()


def test_rebuild_gives_the_same_results(rt):
    before = codes(rt.search.search("handtekening", page_size=50))
    count = rt.search.rebuild()
    assert count == rt.search.status()["documents"]
    assert codes(rt.search.search("handtekening", page_size=50)) == before


def test_similar_marks_solved_precedents(rt):
    with session_scope(rt.engine) as session:
        from kb.models import Barrier

        solved = session.exec(select(Barrier.code).where(Barrier.status == "opgelost")).all()
    items = rt.search.similar(solved[0], limit=10)
    assert items and all(item["code"] != solved[0] for item in items)
    for item in items:
        assert item["precedent"] == (item["status"] == "opgelost")
        assert item["why"]


def test_check_duplicate_finds_the_original(rt):
    with session_scope(rt.engine) as session:
        from kb.models import Barrier

        barrier = session.exec(select(Barrier).where(Barrier.code == "DR-2022-002")).one()
    candidates = rt.search.check_duplicate(barrier.title, barrier.description)
    assert candidates[0]["code"] == "DR-2022-002" and candidates[0]["likely"] is True


@pytest.mark.parametrize("q", ["", "-", "AND", '"onevenwichtig', "status:", "x" * 5000, "\x00\x07art", "foo:bar",
                               "status:klaar", "(((", "*"])
def test_bad_queries_give_a_result_never_an_error(rt, q):
    results = rt.search.search(q)
    assert results.total >= 0


def test_unknown_filter_gives_a_dutch_notice(rt):
    results = rt.search.search("handtekening", filters={"kleur": ["rood"]})
    assert any("kleur" in notice for notice in results.notices)


def test_postgres_search_backend_by_configuration(tmp_path):
    """DREMPELBANK_SEARCH_BACKEND=postgres: the same service over PostgreSQL full-text search."""
    from tests.pgtools import temporary_database

    with temporary_database("drempelbank_cfg") as url:
        runtime = Runtime(Settings(home=tmp_path, database_url=url, search_backend="postgres"))
        try:
            initialise(runtime, demo=True)
            assert runtime.search.status()["backend"] == "PostgresBackend"
            with session_scope(runtime.engine) as session:
                assert pending_count(session) == 0
            found = codes(runtime.search.search("aangetekende zending"))
            assert "DR-2022-002" in found
            assert not (tmp_path / "index").exists()  # nothing written beside the database
        finally:
            runtime.close()


def test_postgres_search_backend_needs_postgresql(tmp_path):
    from kb.errors import RegisterError

    runtime = Runtime(Settings(home=tmp_path, search_backend="postgres"))
    with pytest.raises(RegisterError, match="vraagt een PostgreSQL-databank"):
        _ = runtime.search


def test_province_of_a_barriers_municipality_is_a_facet_filter_and_a_facet_word(rt):
    from kb.models import Barrier, BarrierMunicipalityLink, Municipality
    from search.records import barrier_documents

    with session_scope(rt.engine) as session:
        linked = session.exec(select(BarrierMunicipalityLink.barrier_id, Municipality.province)
                              .join(Municipality, Municipality.nis == BarrierMunicipalityLink.nis)).all()
        assert linked, "the demo register links barriers to municipalities"
        barrier_id, province = linked[0]
        barrier = session.get(Barrier, barrier_id)
        assert province in barrier_documents(session, [barrier])[0].provinces
    results = rt.search.search("", filters={"province": province.lower()}, page_size=200)
    assert barrier.code in codes(results)
    assert results.facets["province"][province] == results.total
    hints = rt.search.search(f"aanvraag {province}").facet_hints
    assert {"field": "province", "value": province} in [{k: h[k] for k in ("field", "value")} for h in hints]


def test_the_semantic_ranker_is_wired_by_the_settings(rt, tmp_path):
    from search.semantic import CHAMBER_TEXTS, SemanticRanker

    assert (rt.corpus / CHAMBER_TEXTS).is_file(), "the Chamber training half is shipped (tools/build_chamber_texts.py)"

    assert isinstance(rt.search.backend.reranker, SemanticRanker)
    assert codes(rt.search.search("aangetekende zending"))
    assert list(rt.settings.semantic_cache.glob("semantic-*.pickle")), "the model is cached in its folder"
    off = Runtime(Settings(home=tmp_path, semantic_search=False))
    try:
        assert off.search.backend.reranker is None
    finally:
        off.close()


def test_a_municipality_named_in_a_query_brings_its_barriers_first(rt):
    """The service attaches the facet values a query's words name (search/facet_words.py): the demo
    barriers of Gent come first for "drempels in Gent", though few of their texts name the town."""
    in_gent = set(codes(rt.search.search("", filters={"gemeente": "Gent"}, page_size=200)))
    assert len(in_gent) >= 3
    found = codes(rt.search.search("drempels in Gent", page_size=len(in_gent)))
    assert set(found) == in_gent
    assert rt.search.search("drempels in Gent").suggestion is None


def test_the_semantic_model_learns_the_words_of_the_register(rt):
    """Beside the shipped texts the semantic model learns from the register's barriers as they stand when it
    loads (at the first search; `serve`: at start): a word only the register's jurists write is in the model of
    a process started after they wrote it, not in one loaded before until it relearns; old cached models are
    cleared away."""
    from search.semantic import MODELS_KEPT, terms

    before = Runtime(Settings(home=rt.settings.home))
    new = Runtime(Settings(home=rt.settings.home))
    codes_added = [f"DR-2099-1{i:02d}" for i in range(3)]
    try:
        (word,) = terms("zwembadabonnementen")
        assert word not in before.search.backend.reranker.model.vectorizer.vocabulary_
        with session_scope(rt.engine) as session:
            for i, code in enumerate(codes_added):
                create_barrier(session=session, actor="test", data=validate(BarrierCreate, {
                    "code": code, "title": f"Zwembadabonnementen {i} enkel aan de kassa",
                    "description": "Zwembadabonnementen voor inwoners worden nog aan de kassa verkocht.",
                    "kind": "procesmatig"}))
        new.after_commit()
        assert word in new.search.backend.reranker.model.vectorizer.vocabulary_
        ranker = before.search.backend.reranker
        assert word not in ranker.model.vectorizer.vocabulary_
        assert len(list(rt.settings.semantic_cache.glob("semantic-*.pickle"))) <= MODELS_KEPT
        # a process that keeps serving relearns beside its searches once the index changed (after RELEARN_SECONDS)
        ranker.relearn_after = 0
        assert codes(before.search.search("zwembadabonnementen"))
        ranker.relearning.join(timeout=60)
        assert word in ranker.model.vectorizer.vocabulary_
    finally:
        with session_scope(rt.engine) as session:
            for code in codes_added:
                delete_barrier(session=session, code=code, actor="test")
        new.after_commit()
        before.close()
        new.close()
