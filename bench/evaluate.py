"""Search quality on a labelled Dutch query set: nDCG@k, MRR and Recall@k against two baselines.

The metrics are pure functions over a ranking (a list of barrier codes) and graded judgements
(code -> 0/1/2). The baselines are plain Whoosh indexes over the same demo barriers, built in
memory in the same run, so every system sees the same texts and queries:

- "bm25-raw": BM25F over lowercased raw words of title and description (no stemming, no stop words);
- "whoosh-dutch-stem": the same with Whoosh's own LanguageAnalyzer("nl") (original Snowball Dutch);
- "drempelbank": the register's SearchService.

    python -m bench.evaluate [--queries PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.analysis import LanguageAnalyzer, LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUERIES = Path(__file__).resolve().parent / "eval" / "queries.jsonl"
DEMO_BARRIERS = ROOT / "corpus" / "demo" / "barriers.jsonl"
RESULTS = ROOT / "bench" / "results" / "quality.json"
DUPLICATE_PAIRS = Path(__file__).resolve().parent / "eval" / "duplicates.json"
CATEGORIES = ("inflection", "compound", "abbreviation", "citation", "question", "paraphrase")
# Queries over Chamber records may also name a facet beside their subject (a minister, a province).
KNOWN_CATEGORIES = (*CATEGORIES, "facet")
GRADES = (0, 1, 2)
K = 10

Ranking = Sequence[str]
Judgements = Mapping[str, int]
SearchFn = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Query:
    id: str
    category: str
    query: str
    judgements: dict[str, int] = field(default_factory=dict)


# -- metrics ----------------------------------------------------------------


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    """Discounted cumulative gain with linear gains: sum of gain / log2(rank + 1), rank from 1."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains[:k], start=1))


def ndcg_at_k(ranking: Ranking, judgements: Judgements, k: int = K) -> float:
    """DCG of the ranking over the DCG of the ideal ordering of all judged documents.

    A query without any relevant document scores 0 rather than being undefined, so a set
    with such a query cannot look better than it is.
    """
    ideal = dcg_at_k(sorted((g for g in judgements.values() if g > 0), reverse=True), k)
    if ideal == 0:
        return 0.0
    return dcg_at_k([judgements.get(code, 0) for code in _unique(ranking)], k) / ideal


def reciprocal_rank(ranking: Ranking, judgements: Judgements, k: int = K) -> float:
    """1 / rank of the first document with a grade of at least 1 within the top k, else 0."""
    for rank, code in enumerate(_unique(ranking)[:k], start=1):
        if judgements.get(code, 0) > 0:
            return 1.0 / rank
    return 0.0


def mrr(run: Mapping[str, Ranking], qrels: Mapping[str, Judgements], k: int = K) -> float:
    """Mean reciprocal rank over every judged query (a query missing from the run counts 0)."""
    if not qrels:
        return 0.0
    return statistics.fmean(reciprocal_rank(run.get(qid, []), judg, k) for qid, judg in qrels.items())


def recall_at_k(ranking: Ranking, judgements: Judgements, k: int = K) -> float:
    """Share of the relevant documents (grade >= 1) found in the top k."""
    relevant = {code for code, grade in judgements.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_unique(ranking)[:k])) / len(relevant)


def _unique(ranking: Ranking) -> list[str]:
    """Drop repeats: a system that returns a document twice must not earn its gain twice."""
    return list(dict.fromkeys(ranking))


def query_metrics(ranking: Ranking, judgements: Judgements, k: int = K) -> dict[str, float]:
    return {f"ndcg@{k}": ndcg_at_k(ranking, judgements, k), "mrr": reciprocal_rank(ranking, judgements, k),
            f"recall@{k}": recall_at_k(ranking, judgements, k)}


def evaluate(run: Mapping[str, Ranking], qrels: Mapping[str, Judgements],
             categories: Mapping[str, str] | None = None, k: int = K) -> dict[str, Any]:
    """Per-query metrics, their means overall and per category (queries of qrels only)."""
    per_query = {qid: query_metrics(run.get(qid, []), judg, k) for qid, judg in qrels.items()}
    groups: dict[str, list[str]] = {}
    for qid in per_query:
        groups.setdefault((categories or {}).get(qid, "all"), []).append(qid)
    return {"k": k, "queries": per_query, "overall": _means(per_query.values()),
            "categories": {cat: _means(per_query[q] for q in qids) for cat, qids in groups.items()}}


def _means(rows: Iterable[dict[str, float]]) -> dict[str, float]:
    rows = list(rows)
    if not rows:
        return {}
    return {name: statistics.fmean(row[name] for row in rows) for name in rows[0]}


# -- the labelled set -------------------------------------------------------


def load_queries(path: Path | str = DEFAULT_QUERIES) -> list[Query]:
    """Read and check the JSONL query set; zero grades are dropped (unjudged means 0)."""
    queries, seen = [], set()
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        query = Query(id=item["id"], category=item["category"], query=item["query"],
                      judgements={c: int(g) for c, g in item.get("judgements", {}).items() if int(g)})
        _check_query(query, number, seen)
        seen.add(query.id)
        queries.append(query)
    return queries


def _check_query(query: Query, number: int, seen: set[str]) -> None:
    where = f"line {number} ({query.id})"
    if query.id in seen:
        raise ValueError(f"{where}: duplicate query id")
    if query.category not in KNOWN_CATEGORIES:
        raise ValueError(f"{where}: unknown category {query.category!r}; expected one of {KNOWN_CATEGORIES}")
    if not query.query.strip():
        raise ValueError(f"{where}: empty query")
    bad = {c: g for c, g in query.judgements.items() if g not in GRADES}
    if bad:
        raise ValueError(f"{where}: grades must be 0, 1 or 2: {bad}")


def qrels_of(queries: Iterable[Query]) -> dict[str, dict[str, int]]:
    return {q.id: dict(q.judgements) for q in queries}


def categories_of(queries: Iterable[Query]) -> dict[str, str]:
    return {q.id: q.category for q in queries}


# -- systems ----------------------------------------------------------------


@dataclass
class SystemRun:
    name: str
    run: dict[str, list[str]]
    seconds: float


def run_system(name: str, search_fn: SearchFn, queries: Sequence[Query], k: int = K) -> SystemRun:
    """Ask one system every query for its top k codes."""
    start = time.perf_counter()
    run = {q.id: list(search_fn(q.query, k))[:k] for q in queries}
    return SystemRun(name=name, run=run, seconds=time.perf_counter() - start)


def load_barriers(path: Path | str = DEMO_BARRIERS) -> list[dict[str, Any]]:
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def raw_analyzer():
    """Raw lowercased words: no stemming and no stop words (Whoosh's default drops none either)."""
    return RegexTokenizer() | LowercaseFilter()


def dutch_stem_analyzer():
    """Whoosh's own Dutch analyzer: its stop list and the original Snowball Dutch stemmer."""
    return LanguageAnalyzer("nl")


def baseline_search_fn(analyzer, barriers: Iterable[Mapping[str, Any]]) -> SearchFn:
    """BM25F over title and description, built in memory; query words are OR-ed.

    OR rather than Whoosh's default AND: long questions would otherwise match nothing, and a
    baseline that returns nothing is no baseline.
    """
    schema = Schema(code=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer),
                    description=TEXT(analyzer=analyzer))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for barrier in barriers:
            writer.add_document(code=barrier["code"], title=barrier["title"], description=barrier["description"])

    def search(text: str, k: int) -> list[str]:
        terms = list(dict.fromkeys(token.text for token in analyzer(text)))
        if not terms:
            return []
        clause = wq.Or([wq.Term(name, term) for term in terms for name in ("title", "description")])
        with ix.searcher() as searcher:
            return [hit["code"] for hit in searcher.search(clause, limit=k)]

    return search


def service_search_fn(service) -> SearchFn:
    """The register's own search over barriers, as a user's query box calls it."""
    return lambda text, k: [hit.code for hit in service.search(text, scope="barriers", page_size=k).hits]


def compare(systems: Mapping[str, SearchFn], queries: Sequence[Query], k: int = K) -> dict[str, Any]:
    """Run every system on every query and evaluate each run on the same judgements."""
    qrels, categories = qrels_of(queries), categories_of(queries)
    report: dict[str, Any] = {"queries": len(queries), "k": k, "systems": {}}
    for name, search_fn in systems.items():
        result = run_system(name, search_fn, queries, k)
        scores = evaluate(result.run, qrels, categories, k)
        scores.update(run=result.run, seconds=round(result.seconds, 3))
        report["systems"][name] = scores
    return report


def baseline_systems(barriers: Sequence[Mapping[str, Any]]) -> dict[str, SearchFn]:
    return {"bm25-raw": baseline_search_fn(raw_analyzer(), barriers),
            "whoosh-dutch-stem": baseline_search_fn(dutch_stem_analyzer(), barriers)}


# -- the demo register's own duplicate pairs ------------------------------


def load_pairs(path: Path | str = DUPLICATE_PAIRS) -> tuple[set[frozenset], set[frozenset]]:
    """(near-duplicate pairs, related-but-not-duplicate pairs), each pair unordered."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return ({frozenset(p) for p in data["near_duplicates"]}, {frozenset(p) for p in data["related_not_duplicate"]})


def duplicate_candidates(service, barriers: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[str, float]]]:
    """For each barrier, every other barrier check_duplicate returns, best first (self left out)."""
    barriers = list(barriers)
    result = {}
    for barrier in barriers:
        found = service.check_duplicate(barrier["title"], barrier["description"], limit=len(barriers))
        result[barrier["code"]] = [(c["code"], c["score"]) for c in found if c["code"] != barrier["code"]]
    return result


# -- report -----------------------------------------------------------------


def format_table(report: Mapping[str, Any]) -> str:
    """One row per system and scope (overall, then each category), three metric columns."""
    k = report["k"]
    names = [f"ndcg@{k}", "mrr", f"recall@{k}"]
    systems = report["systems"]
    lines = [f"{'scope':<14}{'system':<20}" + "".join(f"{n:>11}" for n in names)]
    scopes = ["overall", *[c for c in CATEGORIES if any(c in s["categories"] for s in systems.values())]]
    for scope in scopes:
        for system, scores in systems.items():
            row = scores["overall"] if scope == "overall" else scores["categories"].get(scope, {})
            lines.append(f"{scope:<14}{system:<20}" + "".join(f"{row.get(n, 0.0):>11.3f}" for n in names))
    return "\n".join(lines)


def summary(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report without the raw runs, rounded: what bench/results/quality.json keeps."""
    systems = {}
    for name, scores in report["systems"].items():
        systems[name] = {"overall": _rounded(scores["overall"]), "seconds": scores["seconds"],
                         "categories": {c: _rounded(v) for c, v in scores["categories"].items()},
                         "queries": {q: _rounded(v) for q, v in scores["queries"].items()}}
    return {"queries": report["queries"], "k": report["k"], "systems": systems}


def _rounded(values: Mapping[str, float]) -> dict[str, float]:
    return {name: round(value, 4) for name, value in values.items()}


def demo_service(home: Path, search_url: str | None = None):
    """A register with the demo data in `home` and its search service (the composed product); with
    `search_url`, the search index is on that PostgreSQL database (the register stays in SQLite).

    Imported here, not at module level: the harness needs the whole product, while the
    metrics above stay free of the composition root.
    """
    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime
    from drempelbank.setup import initialise

    backend = {"search_backend": "postgres", "search_url": search_url} if search_url else {}
    runtime = Runtime(Settings(home=home, **backend))
    initialise(runtime, demo=True)
    return runtime


def run_all(queries: Sequence[Query], k: int = K) -> dict[str, Any]:
    """All three systems over the demo barriers, in one run."""
    with tempfile.TemporaryDirectory(prefix="drempelbank-eval-") as tmp:
        runtime = demo_service(Path(tmp))
        try:
            systems = {**baseline_systems(load_barriers()), "drempelbank": service_search_fn(runtime.search)}
            return compare(systems, queries, k)
        finally:
            runtime.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES, help="JSONL query set")
    parser.add_argument("--json", action="store_true", help="print the JSON summary instead of the table")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON summary")
    args = parser.parse_args(argv)
    result = summary(run_all(load_queries(args.queries)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print(format_table(result))
        print(f"\n{result['queries']} queries; written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
