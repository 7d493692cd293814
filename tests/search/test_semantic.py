"""The second ranker (search/semantic.py): learned deterministically from shipped text, cached; it re-orders
by meaning, and its semantic pass finds the records nearest a query by meaning."""

import json

import numpy as np
import pytest

from search.backend import Hit
from search.semantic import SemanticModel, SemanticRanker, load_or_train, training_part, training_texts
from tests.conftest import CORPUS

PRIVACY = "Verwerking van persoonsgegevens vereist toestemming van de betrokkene en een rechtsgrond."
COUNCIL = "De gemeenteraad vergadert openbaar; de burgemeester zit de vergadering voor."


@pytest.fixture(scope="module")
def texts():
    return training_texts(CORPUS)


def test_learned_from_the_shipped_legislation_the_same_every_time(texts, tmp_path):
    assert len(texts) > 1000
    first = load_or_train(texts, tmp_path)
    again = SemanticModel.train(texts)
    cached = load_or_train(texts, tmp_path)
    assert len(list(tmp_path.glob("semantic-*.pickle"))) == 1
    for model in (again, cached):
        assert np.allclose(first.vectors([PRIVACY, COUNCIL]), model.vectors([PRIVACY, COUNCIL]), atol=1e-5)


def test_meaning_beyond_shared_words(shipped_semantic_ranker):
    """The query shares no word with the privacy text, yet lies nearer to it than to the council text."""
    near, far = shipped_semantic_ranker.model.similarities("bescherming van gegevens van burgers", [PRIVACY, COUNCIL])
    assert near > far


def test_rerank_keeps_the_hits_and_moves_the_one_that_means_the_query(shipped_semantic_ranker):
    hits = [Hit("barrier", f"barrier:{c}", c, t, 1.0, text=b) for c, t, b in
            [("A", "Vergadering", COUNCIL), ("B", "Privacy", PRIVACY)]]
    reordered = shipped_semantic_ranker.rerank("toestemming voor verwerking van persoonsgegevens", hits)
    assert [h.code for h in reordered] == ["B", "A"]
    # fused scores on BM25's scale: equal BM25 scores, so the nearer record scores higher; the input is untouched
    assert reordered[0].score > reordered[1].score and [h.score for h in hits] == [1.0, 1.0]
    unscored = [Hit("barrier", "barrier:C", "C", "x", 0.0), Hit("barrier", "barrier:D", "D", "y", 0.0)]
    assert SemanticRanker(lambda: pytest.fail("no model needed")).rerank("x", unscored) == unscored


def test_nearest_records_by_meaning_kept_per_generation(shipped_semantic_ranker):
    """The semantic pass reads every record once per generation, and returns the nearest above the floor."""
    ranker = SemanticRanker(lambda: shipped_semantic_ranker.model, recall=5)
    reads = []

    def records():
        reads.append(1)
        return iter([("a", "Vergadering", COUNCIL), ("b", "Privacy", PRIVACY), ("c", "Leeg", "")])

    query = "toestemming voor de verwerking van persoonsgegevens"
    assert ranker.nearest(query, (1, 7), records, 5)[0] == "b"
    assert "c" not in ranker.nearest(query, (1, 7), records, 5)  # a text without a known word is near nothing
    assert len(reads) == 1
    ranker.nearest(query, (1, 8), records, 5)
    ranker.nearest(query, (1, None), records, 5)  # an unknown generation is never kept
    ranker.nearest(query, (1, None), records, 5)
    assert len(reads) == 4
    assert ranker.nearest(query, (1, 8), records, 1) == ["b"]
    ranker.recall_min = 1.0
    assert ranker.nearest(query, (1, 8), records, 5) == []


def test_the_chamber_texts_add_only_their_training_half(tmp_path):
    titles = ["Treinen te laat.", "Trams te laat.", "Boten te laat.", "Bussen te laat."]
    path = tmp_path / "dekamer.jsonl"
    path.write_text("\n".join(json.dumps({"question": f"{t}\n\nVraag.", "answer": "Antwoord."}) for t in titles),
                    encoding="utf-8")
    added = training_texts(CORPUS, path)[len(training_texts(CORPUS)):]
    assert [t.partition("\n")[0] for t in added] == [t for t in titles if training_part(t)] == ["Trams te laat."]


def test_a_relearned_model_replaces_the_current_one_only_for_other_texts(tmp_path):
    """The model's texts include the register's barriers: relearning swaps in a model of the texts as they are
    now, with its own vectors, and keeps the current one when they have not changed; beside the searches it
    runs in a thread of its own, once the index changed and `relearn_after` seconds passed."""
    from search.semantic import SemanticRanker, load_or_train, terms

    subjects = ["aangetekende zending", "elektronische handtekening", "persoonlijke verschijning", "eBox", "e-loket"]
    texts = [f"De gemeente vraagt een {subject} voor aanvraag {i} van de burger aan het loket."
             for i in range(8) for subject in subjects]
    ranker = SemanticRanker(lambda: load_or_train(list(texts), tmp_path))
    first = ranker.model
    (word,) = terms("zwembadabonnementen")
    assert not ranker.relearn() and ranker.model is first
    texts.extend(f"Zwembadabonnementen {i} worden aan de kassa verkocht, niet in het e-loket." for i in range(3))
    assert ranker.maybe_relearn(("index", 1)) is None  # not yet: learned less than relearn_after ago
    ranker.relearn_after = 0
    thread = ranker.maybe_relearn(("index", 1))
    thread.join(timeout=60)
    assert ranker.model is not first and word in ranker.model.vectorizer.vocabulary_
    assert word not in first.vectorizer.vocabulary_
    assert ranker.maybe_relearn(("index", 1)) is None  # the same generation: nothing to learn


def test_the_cache_keeps_the_models_used_last(tmp_path):
    """A model read from the cache counts as just used: learning newer ones for other registers does not push
    out the one a register keeps loading (the shared folder of the test suite, several registers per host)."""
    import os
    import pickle
    import types

    from search.semantic import MODELS_KEPT, _prune, fingerprint

    texts = ["Een tekst over de gemeenteraad.", "Een tekst over persoonsgegevens."]
    used = tmp_path / f"semantic-{fingerprint(texts)}.pickle"
    used.write_bytes(pickle.dumps(types.SimpleNamespace(name="in gebruik")))
    os.utime(used, (1_000, 1_000))
    for i in range(MODELS_KEPT):
        other = tmp_path / f"semantic-ander{i}.pickle"
        other.write_bytes(b"")
        os.utime(other, (2_000 + i, 2_000 + i))
    assert load_or_train(texts, tmp_path).name == "in gebruik"  # read from the cache, not learned
    _prune(tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("semantic-*.pickle"))
    assert len(kept) == MODELS_KEPT and used.name in kept and "semantic-ander0.pickle" not in kept
