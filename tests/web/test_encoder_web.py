"""The web API with the sentence encoder on (the suite runs with LSA alone, tests/conftest.py): a search is
answered through the encoder, and stopping the register stops its warm-up."""

from tests.web.conftest import make_register


def test_search_through_the_encoder_and_a_clean_stop(tmp_path_factory):
    registers = make_register(tmp_path_factory, semantic_encoder=True)
    register = next(registers)
    ranker = register.rt.search.backend.reranker
    try:
        assert ranker.dense is not None  # the engine runs here
        response = register.api("lezer").get("/api/search", params={"q": "het loket blijft nodig", "in": "barriers"})
        assert response.status_code == 200
        hits = response.json()["hits"]
        assert hits and all(hit["score"] > 0 for hit in hits)
        assert len(ranker.passages) >= len(hits)  # the pool's vectors, embedded for this search or by the warm-up
    finally:
        next(registers, None)  # the fixture's teardown: the register closes
    assert ranker.passages._closed.is_set()
    kept = len(ranker.passages)
    ranker.warm([("Een drempel na het sluiten", "Deze tekst wordt niet meer ingebed.")])
    assert len(ranker.passages) == kept
