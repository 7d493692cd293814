"""Search quality on every evaluation set in one run: the register against plain and stemmed BM25.

Sets: our own labelled queries over the demo barriers ("own-demo"), queries over the demo barriers and 60
barriers written blind by helpers ("own-barriers", a tuning part and a held-out part; "own-barriers2" to
"own-barriers5", 50 more barriers and 42 queries each by other helpers, all held out, though
own-barriers3 has been tuned on since its first measurement; "own-tune3", 36 paraphrase
and facet tuning queries over own-barriers2's register), our own judged queries over
Chamber records nobody on the team wrote ("own-kamer", a tuning part and a held-out part reported
apart), and the two real development sets of ../shared/devsets (bench/devsets.py). Every set is run
by three systems over the same texts in the same run:

- "bm25-raw": BM25F over lowercased raw words of title and body (no stemming, no stop words);
- "bm25-stem": the same with Whoosh's LanguageAnalyzer("nl") (stop words, original Snowball Dutch);
- "drempelbank": the register's SearchService on its Whoosh backend (and "drempelbank-pg" on
  PostgreSQL with --postgres), with its ablations (see rerankers()).

    .venv/bin/python bench/bench_quality.py [--sets own-demo,own-kamer,legal-qa-dev,dekamer-2017]
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from bench import devsets
from bench.devsets import EvalSet
from bench.evaluate import (
    K,
    SearchFn,
    baseline_search_fn,
    dutch_stem_analyzer,
    evaluate,
    load_queries,
    qrels_of,
    raw_analyzer,
    run_system,
)

ROOT = Path(__file__).resolve().parents[1]
OWN_KAMER = Path(__file__).resolve().parent / "eval" / "kamer_queries.jsonl"
OWN_FACET = Path(__file__).resolve().parent / "eval" / "facet_queries.jsonl"
# Barriers written blind by a helper who never saw the demo register nor the search code (session 10),
# and the queries another helper wrote and judged over them beside the demo barriers.
EVAL = Path(__file__).resolve().parent / "eval"
NEW_BARRIERS = EVAL / "new_barriers.jsonl"
OWN_BARRIERS = EVAL / "barrier_queries.jsonl"
# Registers of the demo barriers and barriers written blind, with queries judged against all of them:
# name -> (the extra barriers, the queries; each query's "part" names its part of the set).
BARRIER_SETS = {
    "own-barriers": (NEW_BARRIERS, OWN_BARRIERS),  # session 10: 60 barriers, 42 queries (14 tune, 28 held)
    "own-barriers2": (EVAL / "new_barriers2.jsonl", EVAL / "barrier_queries2.jsonl"),  # session 11: 50, 42 (all held)
    # session 12: 24 paraphrase and 12 facet queries over own-barriers2's register, written blind (all tune)
    "own-tune3": (EVAL / "new_barriers2.jsonl", EVAL / "tune_queries3.jsonl"),
    # session 12: 50 more barriers and 42 queries by other helpers (all held)
    "own-barriers3": (EVAL / "new_barriers3.jsonl", EVAL / "barrier_queries3.jsonl"),
    # session 13: 30 facet-like tuning queries over own-barriers3's register, written blind (all tune)
    "own-tune4": (EVAL / "new_barriers3.jsonl", EVAL / "tune_queries4.jsonl"),
    # session 13: 50 more barriers and 42 queries by other helpers (all held)
    "own-barriers4": (EVAL / "new_barriers4.jsonl", EVAL / "barrier_queries4.jsonl"),
    # session 14: 50 more barriers and 42 queries by other helpers (all held)
    "own-barriers5": (EVAL / "new_barriers5.jsonl", EVAL / "barrier_queries5.jsonl"),
    # session 14: 30 facet-like tuning queries over own-barriers5's register, written blind (all tune)
    "own-tune5": (EVAL / "new_barriers5.jsonl", EVAL / "tune_queries5.jsonl"),
    # session 16: 50 more barriers and 42 queries by other helpers (all held), after the sentence encoder
    "own-barriers6": (EVAL / "new_barriers6.jsonl", EVAL / "barrier_queries6.jsonl"),
    # session 17: 50 more barriers and 42 queries by other helpers (all held)
    "own-barriers7": (EVAL / "new_barriers7.jsonl", EVAL / "barrier_queries7.jsonl"),
}
BASELINES = {"bm25-raw": raw_analyzer, "bm25-stem": dutch_stem_analyzer}
ALL_SETS = ("own-demo", "own-facet", "own-barriers", "own-barriers2", "own-barriers3", "own-barriers4", "own-barriers5",
            "own-barriers6", "own-barriers7", "own-tune3", "own-tune4", "own-tune5", "own-kamer", "legal-qa-dev",
            "own-legal", "dekamer-2017")
# Records the "lsa-recall" ablation adds when the product's semantic pass is off.
RECALL_MEASURED = 20
# The benches' semantic cache (learned models, the sentence encoder's record vectors): kept between runs, as a
# register's is, so a second run does not embed the dev sets' records again (the first: ~10 minutes).
BENCH_CACHE = ROOT / ".drempelbank" / "bench-semantic"


def baseline_fns(docs: Sequence) -> dict[str, SearchFn]:
    """Plain and stemmed BM25 over exactly the title and body the product indexes."""
    rows = [{"code": d.code, "title": d.title, "description": d.body} for d in docs]
    return {name: baseline_search_fn(make(), rows) for name, make in BASELINES.items()}


def rerankers(register: Sequence[str] = ()) -> dict[str, Any]:
    """The product with its semantic ranker, and the ablations: without it, without the sentence encoder (LSA
    alone), learned from the shipped legislation alone (without the Chamber's training half), and with the
    semantic pass (the records nearest the query by meaning added to BM25's candidates, search/semantic.py:
    RECALL) switched the other way: "no-recall" when the product has it on, "lsa-recall" (RECALL_MEASURED
    records) when off. Each model also learns from `register`, as the product learns from its barriers
    (register_texts). The encoder's record vectors are kept in BENCH_CACHE between runs."""
    from drempelbank.config import Settings
    from drempelbank.runtime import semantic_ranker, shipped_chamber_texts
    from search.semantic import RECALL

    cache = BENCH_CACHE
    chamber = Settings().semantic_texts or shipped_chamber_texts(ROOT / "corpus")
    texts = list(register)
    product = semantic_ranker(ROOT / "corpus", chamber, cache, register=lambda: texts)
    switched = semantic_ranker(ROOT / "corpus", chamber, cache, register=lambda: texts)
    switched.recall = 0 if RECALL else RECALL_MEASURED
    return {"drempelbank": product,
            "no-recall" if RECALL else "lsa-recall": switched,
            "no-lsa": None,
            "no-e5": semantic_ranker(ROOT / "corpus", chamber, cache, register=lambda: texts, encoder=False),
            "lsa-laws-only": semantic_ranker(ROOT / "corpus", None, cache, register=lambda: texts)}


def register_texts(evalset: EvalSet) -> list[str]:
    """What the product's semantic model learns from a set's register: its barriers' titles and texts, in
    code order (drempelbank.runtime.Runtime.barrier_texts; a Chamber set's records are its barriers)."""
    return [f"{d.title}\n{d.body}" for d in sorted(evalset.documents, key=lambda d: d.code) if d.type == "barrier"]


@contextmanager
def product_service(docs: Sequence, backend: str = "whoosh", reranker: Any = None) -> Iterator[Any]:
    """The register's search service over `docs`, on an empty register (no citations resolve)."""
    from drempelbank.runtime import open_backend
    from kb.db import make_engine, migrate
    from search.service import SearchService, load_thesaurus

    with tempfile.TemporaryDirectory(prefix="drempelbank-quality-") as tmp, ExitStack() as stack:
        engine = make_engine(f"sqlite:///{tmp}/register.db")
        migrate(engine)
        stack.callback(engine.dispose)
        url = stack.enter_context(_pg_database()) if backend == "postgres" else None
        search_backend = open_backend(Path(tmp) / "index", thesaurus=load_thesaurus(ROOT / "corpus"), kind=backend,
                                      url=url)
        search_backend.reranker = reranker
        service = SearchService(search_backend, engine)
        stack.callback(service.close)
        search_backend.rebuild(docs)
        yield service


@contextmanager
def _pg_database():
    from bench.bench_search_pg import throwaway_database

    with throwaway_database() as url:
        yield url


def service_fn(service, evalset: EvalSet) -> SearchFn:
    def search(text: str, k: int) -> list[str]:
        hits = service.search(text, scope=evalset.scope, page_size=k).hits
        return evalset.judged([hit.code for hit in hits])
    return search


def run_set(evalset: EvalSet, *, postgres: bool = False, k: int = K, variants: dict[str, Any] | None = None
            ) -> dict[str, Any]:
    """Every system on one set; scores per query, per category and overall."""
    qrels = qrels_of(evalset.queries)
    categories = {q.id: q.category for q in evalset.queries}
    out: dict[str, Any] = {"queries": len(evalset.queries), "documents": len(evalset.documents), "systems": {},
                           "sizes": dict(Counter(categories.values()))}

    def record(name: str, fn: SearchFn) -> None:
        result = run_system(name, fn, evalset.queries, k)
        scores = evaluate(result.run, qrels, categories, k)
        out["systems"][name] = {"overall": scores["overall"], "categories": scores["categories"],
                                "queries": scores["queries"], "seconds": round(result.seconds, 2),
                                "run": result.run}

    for name, fn in baseline_fns(evalset.documents).items():
        record(name, lambda text, k, fn=fn: evalset.judged(fn(text, k)))
    variants = variants if variants is not None else {"drempelbank": None}
    for name, reranker in variants.items():
        make = evalset.service
        with make(reranker) if make else product_service(evalset.documents, "whoosh", reranker) as service:
            service.warm_up()  # as `serve` does at start: every record's vectors, the semantic pass's matrix
            record(name, service_fn(service, evalset))
    if postgres:
        reranker = variants.get("drempelbank")
        make = evalset.service
        with (make(reranker, backend="postgres") if make else
              product_service(evalset.documents, "postgres", reranker)) as service:
            service.warm_up()
            record("drempelbank-pg", service_fn(service, evalset))
    return out


def _demo_documents(*extra: Path) -> list:
    """The demo barriers' title and description (and those of `extra` barrier files): what the
    baselines index."""
    from bench.evaluate import DEMO_BARRIERS, load_barriers
    from search.documents import SearchDocument

    return [SearchDocument(type="barrier", id=f"barrier:{b['code']}", code=b["code"], title=b["title"],
                           body=b["description"]) for path in (DEMO_BARRIERS, *extra) for b in load_barriers(path)]


def own_demo_set() -> EvalSet:
    """Our original 47 queries over the demo barriers (written by the same hands as the data)."""
    return EvalSet("own-demo", "barriers", _demo_documents(), load_queries(), service=demo_register_service)


def own_facet_parts() -> list[EvalSet]:
    """Facet-like queries over the demo register (a status, level, kind, werf, municipality or province
    named beside a subject), split by "part": "tune" may guide changes, "held" is only ever measured.
    The baselines see the texts only; the product also knows each barrier's facet values."""
    docs = _demo_documents()
    queries = load_queries(OWN_FACET)
    lines = [json.loads(line) for line in OWN_FACET.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = {item["id"]: item["part"] for item in lines}
    return [EvalSet(f"own-facet-{part}", "barriers", docs, [q for q in queries if parts[q.id] == part],
                    service=demo_register_service) for part in ("tune", "held")]


def own_barrier_parts(name: str = "own-barriers") -> list[EvalSet]:
    """Queries over a register of the demo barriers and barriers nobody on the team wrote (BARRIER_SETS),
    judged against all of them; "tune" may guide changes, "held" is only ever measured."""
    barriers, judged = BARRIER_SETS[name]
    if not judged.is_file():
        return []
    docs = _demo_documents(barriers)
    queries = load_queries(judged)
    lines = [json.loads(line) for line in judged.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = {item["id"]: item["part"] for item in lines}
    return [EvalSet(f"{name}-{part}", "barriers", docs, [q for q in queries if parts[q.id] == part],
                    service=_register_with(barriers)) for part in ("tune", "held") if part in parts.values()]


@contextmanager
def demo_register_service(reranker: Any = None, backend: str = "whoosh", *extra: Path) -> Iterator[Any]:
    """The whole demo register (regulations, so citations in queries resolve), with the barriers of
    `extra` files imported as a jurist would, and its search service."""
    from bench.evaluate import demo_service
    from ingest.barrier_import import import_barriers

    with tempfile.TemporaryDirectory(prefix="drempelbank-demo-") as tmp, ExitStack() as stack:
        url = stack.enter_context(_pg_database()) if backend == "postgres" else None
        runtime = demo_service(Path(tmp), search_url=url)
        stack.callback(runtime.close)
        for path in extra:
            report = import_barriers(engine=runtime.engine, path=path, actor="bench")
            if report.rejected:
                raise SystemExit(f"{path.name}: {report.rejected}")
            runtime.after_commit()
        runtime.search.backend.reranker = reranker
        yield runtime.search


def _register_with(barriers: Path):
    """The service of the demo register with the barriers of `barriers` imported (EvalSet.service)."""
    def service(reranker: Any = None, backend: str = "whoosh") -> Iterator[Any]:
        return demo_register_service(reranker, backend, barriers)
    return service


def own_kamer_parts() -> list[EvalSet]:
    """Our own judged queries over Chamber records (title and body indexed, as a barrier has both),
    split by their "part": "tune" may guide changes, "held" is only ever measured."""
    records = devsets.evaluation_records(devsets.dekamer_records())
    docs = [devsets.dekamer_document(r, with_title=True) for r in records]
    indexed = {d.code for d in docs}
    # Judgements of records in the semantic ranker's training half are dropped, and queries left without any.
    queries = [replace(q, judgements=kept) for q in load_queries(OWN_KAMER)
               if (kept := {c: g for c, g in q.judgements.items() if c in indexed})]
    lines = [json.loads(line) for line in OWN_KAMER.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = {item["id"]: item.get("part", "tune") for item in lines}
    return [EvalSet(f"own-kamer-{part}", "barriers", docs, [q for q in queries if parts[q.id] == part])
            for part in ("tune", "held", "new", "tune2", "held2", "held3")]


def load_set(name: str) -> list[EvalSet]:
    """The set as one or more parts (own-kamer: its tuning part and its held-out part)."""
    if name == "own-kamer":
        return own_kamer_parts()
    if name == "own-facet":
        return own_facet_parts()
    if name in BARRIER_SETS:
        return own_barrier_parts(name)
    if name == "own-legal":
        return devsets.own_legal_parts()
    return [{"own-demo": own_demo_set, "legal-qa-dev": devsets.legal_qa_set, "dekamer-2017": devsets.dekamer_set}[name]()]


def format_table(report: dict[str, Any], k: int = K) -> str:
    """One table: a row per set and category, nDCG@k and Recall@k of each system side by side."""
    systems = list(next(iter(report.values()))["systems"]) if report else []
    head = f"{'set':<14}{'category':<14}{'n':>5}" + "".join(f"{s[:14]:>15}" for s in systems)
    lines = [f"nDCG@{k} (Recall@{k} in brackets)", head, "-" * len(head)]
    for set_name, result in report.items():
        cats = list(next(iter(result["systems"].values()))["categories"])
        for scope in ["overall", *sorted(cats)] if len(cats) > 1 else ["overall"]:
            n = result["queries"] if scope == "overall" else _count(result, scope)
            cells = []
            for system in systems:
                data = result["systems"].get(system)
                row = (data["overall"] if scope == "overall" else data["categories"].get(scope, {})) if data else {}
                cells.append(f"{row.get(f'ndcg@{k}', 0):.3f} ({row.get(f'recall@{k}', 0):.2f})" if row else "-")
            lines.append(f"{set_name:<14}{scope:<14}{n:>5}" + "".join(f"{c:>15}" for c in cells))
    return "\n".join(lines)


def _count(result: dict[str, Any], category: str) -> int:
    return result.get("sizes", {}).get(category, 0)
