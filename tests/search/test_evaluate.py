"""Search evaluation: metrics on hand-computed examples, the labelled set, the regression guard
against the baselines, and the demo register's near-duplicate pairs."""

import math
import re
from pathlib import Path

import pytest

from bench.evaluate import (
    CATEGORIES,
    baseline_systems,
    compare,
    dcg_at_k,
    demo_service,
    duplicate_candidates,
    evaluate,
    load_barriers,
    load_pairs,
    load_queries,
    mrr,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    service_search_fn,
)

ROOT = Path(__file__).resolve().parents[2]
LOG3 = math.log2(3)

# -- metrics -----------------------------------------------------------------


def test_dcg_uses_linear_gain_and_log2_discount():
    assert dcg_at_k([2, 1, 0], 3) == pytest.approx(2 + 1 / LOG3)
    assert dcg_at_k([2, 1, 3], 2) == pytest.approx(2 + 1 / LOG3)


def test_ndcg_against_the_ideal_order():
    judgements = {"b": 2, "a": 1}
    assert ndcg_at_k(["a", "b", "c"], judgements, 3) == pytest.approx((1 + 2 / LOG3) / (2 + 1 / LOG3))
    assert ndcg_at_k(["b", "a"], judgements, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["c", "d"], judgements, 10) == 0.0


def test_ndcg_ideal_counts_relevant_documents_never_retrieved():
    # Only "b" is found, at rank 1; the missing "a" still belongs in the ideal ranking.
    assert ndcg_at_k(["b"], {"b": 2, "a": 1}, 10) == pytest.approx(2 / (2 + 1 / LOG3))


def test_ndcg_counts_a_repeated_document_once_and_respects_k():
    assert ndcg_at_k(["b", "b"], {"b": 2, "a": 1}, 10) == pytest.approx(2 / (2 + 1 / LOG3))
    assert ndcg_at_k([f"x{i}" for i in range(10)] + ["a"], {"a": 2}, 10) == 0.0


def test_ndcg_of_a_query_without_relevant_documents_is_zero():
    assert ndcg_at_k(["a"], {}, 10) == 0.0


def test_reciprocal_rank_and_mrr():
    assert reciprocal_rank(["x", "y", "a"], {"a": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "a"], {"x": 0, "a": 2}) == pytest.approx(1 / 2)
    assert reciprocal_rank(["x", "a"], {"a": 2}, k=1) == 0.0
    run = {"q1": ["x", "y", "a"], "q2": ["b"]}
    assert mrr(run, {"q1": {"a": 1}, "q2": {"b": 2}}) == pytest.approx((1 / 3 + 1) / 2)
    assert mrr(run, {"q1": {"a": 1}, "q3": {"c": 2}}) == pytest.approx((1 / 3 + 0) / 2)


def test_recall_at_k():
    assert recall_at_k(["a", "x", "b"], {"a": 1, "b": 2}, 2) == pytest.approx(0.5)
    assert recall_at_k(["a", "x", "b"], {"a": 1, "b": 2}, 3) == pytest.approx(1.0)


def test_evaluate_means_per_query_overall_and_per_category():
    run = {"q1": ["a"], "q2": ["x", "b"], "q3": ["c"]}
    qrels = {"q1": {"a": 2}, "q2": {"b": 1}, "q3": {"d": 1}}
    result = evaluate(run, qrels, {"q1": "compound", "q2": "compound", "q3": "citation"}, k=10)
    assert result["queries"]["q2"]["mrr"] == pytest.approx(0.5)
    assert result["categories"]["compound"]["mrr"] == pytest.approx(0.75)
    assert result["categories"]["citation"]["ndcg@10"] == 0.0
    assert result["overall"]["mrr"] == pytest.approx(0.5)
    assert result["overall"]["ndcg@10"] == pytest.approx((1 + 1 / LOG3 + 0) / 3)


# -- the labelled set --------------------------------------------------------


def test_the_labelled_set_covers_every_category_with_known_barriers():
    queries = load_queries()
    codes = {b["code"] for b in load_barriers()}
    assert len(queries) >= 36
    for category in CATEGORIES:
        assert sum(q.category == category for q in queries) >= 6, category
    for q in queries:
        assert set(q.judgements) <= codes, q.id
        assert 2 in q.judgements.values(), f"{q.id} has no highly relevant barrier"


@pytest.mark.parametrize("line, message", [
    ('{"id": "q1", "category": "inflection", "query": "x", "judgements": {"DR-2022-001": 3}}', "grades"),
    ('{"id": "q1", "category": "spelling", "query": "x", "judgements": {}}', "category"),
    ('{"id": "q1", "category": "citation", "query": " ", "judgements": {}}', "empty"),
])
def test_load_queries_rejects_bad_lines(tmp_path, line, message):
    path = tmp_path / "q.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_queries(path)


def test_load_queries_rejects_a_repeated_id(tmp_path):
    line = '{"id": "q1", "category": "citation", "query": "art. 5", "judgements": {"DR-2022-001": 0}}'
    path = tmp_path / "q.jsonl"
    path.write_text(f"{line}\n{line}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_queries(path)


def test_duplicate_pairs_match_the_demo_readme():
    text = (ROOT / "corpus" / "demo" / "README.md").read_text(encoding="utf-8")
    near, related = text.split("## Verwant")[0].split("## Bijna-dubbele")[1], text.split("## Verwant")[1]
    related = related.split("## ")[0]

    def pairs(section):
        return {frozenset(re.findall(r"DR-\d{4}-\d{3}", row)) for row in section.splitlines()
                if len(re.findall(r"DR-\d{4}-\d{3}", row)) == 2}

    assert load_pairs() == (pairs(near), pairs(related))


# -- threshold calibration ---------------------------------------------------


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    runtime = demo_service(tmp_path_factory.mktemp("register"))
    yield runtime
    runtime.close()


@pytest.fixture(scope="module")
def quality(runtime):
    systems = {**baseline_systems(load_barriers()), "drempelbank": service_search_fn(runtime.search)}
    return compare(systems, load_queries())


def test_register_beats_both_baselines_and_its_floor(quality):
    """Measured on 47 queries: drempelbank nDCG@10 0.866, bm25-raw 0.617, whoosh-dutch-stem 0.646.

    The floor sits a few points under the measured value so that a change in analysis or
    ranking that costs quality shows here.
    """
    ndcg = {name: scores["overall"]["ndcg@10"] for name, scores in quality["systems"].items()}
    assert ndcg["drempelbank"] >= ndcg["bm25-raw"]
    assert ndcg["drempelbank"] >= ndcg["whoosh-dutch-stem"]
    assert ndcg["drempelbank"] >= 0.83


@pytest.fixture(scope="module")
def candidates(runtime):
    return duplicate_candidates(runtime.search, load_barriers())


def test_every_near_duplicate_is_the_top_candidate_of_its_partner(candidates):
    duplicates, _ = load_pairs()
    for pair in duplicates:
        first, second = sorted(pair)
        assert candidates[first][0][0] == second
        assert candidates[second][0][0] == first
