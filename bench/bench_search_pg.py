"""Benchmark the PostgreSQL search backend on the generated texts of bench_search.py.

Indexes the same documents (rebuild, then incremental adds) into a throwaway
database on 127.0.0.1:5432 and times the same queries; optionally compares
search quality with the Whoosh backend on the labelled query set. Prints a
table and writes bench/results/search_pg.json.

    .venv/bin/python bench/bench_search_pg.py --sizes 1000,10000 [--quality]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_search import generate_documents, generate_queries, load_vocabulary, timed  # noqa: E402
from search.postgres.backend import PostgresBackend  # noqa: E402
from search.query import parse_query  # noqa: E402

PG_ADMIN = os.environ.get("DREMPELBANK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ADD_BATCH = 50


@contextmanager
def throwaway_database():
    name = f"drempelbank_pgbench_{uuid.uuid4().hex[:10]}"
    admin = psycopg.connect(PG_ADMIN, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def table_mb(backend: PostgresBackend) -> float:
    with psycopg.connect(backend._engine.url.render_as_string(hide_password=False).replace("+psycopg", "")) as db:
        size = db.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                          "WHERE c.relkind = 'r' AND c.relname LIKE %s", (backend.table + "%",)).fetchone()[0]
    return round(float(size or 0) / 1e6, 1)


def bench_postgres(url: str, docs, queries) -> dict:
    backend = PostgresBackend(url, table="bench_search")
    start = time.perf_counter()
    backend.rebuild(docs)
    rebuild_s = time.perf_counter() - start
    sample = docs[: min(len(docs), 500)]
    start = time.perf_counter()
    for i in range(0, len(sample), ADD_BATCH):
        backend.add(sample[i:i + ADD_BATCH])  # replaces: the outbox path of a running server
    add_s = time.perf_counter() - start
    parsed = [parse_query(q) for q in queries]
    backend.search(parsed[0])  # warms the pool, as a running server would be
    result = {
        "rebuild_s": round(rebuild_s, 2),
        "rebuild_docs_per_s": round(len(docs) / rebuild_s),
        "add_docs_per_s": round(len(sample) / add_s),
        "size_mb": table_mb(backend),
        "trigram": backend.trigram,
        "query_full": timed(lambda q: backend.search(q), parsed),
        "query_no_facets": timed(lambda q: backend.search(q, facets=False), parsed),
        "similar": timed(lambda d: backend.similar(d.id, limit=10), docs[:50]),
        "hits_mean": round(statistics.mean(backend.search(q, facets=False).total for q in parsed[:50]), 1),
    }
    backend.close()
    return result


def bench_quality(url: str) -> dict:
    """nDCG@10, MRR and Recall@10 of both backends behind the same search service and demo register."""
    import tempfile

    from bench.evaluate import compare, demo_service, load_queries, service_search_fn, summary
    from search.service import SearchService

    with tempfile.TemporaryDirectory(prefix="drempelbank-pgq-") as tmp:
        runtime = demo_service(Path(tmp))
        whoosh = runtime.search
        pg = SearchService(PostgresBackend(url, table="bench_quality",
                                           thesaurus=_thesaurus(runtime)), whoosh.engine)
        try:
            pg.rebuild()
            report = compare({"whoosh": service_search_fn(whoosh), "postgres": service_search_fn(pg)},
                             load_queries())
        finally:
            pg.close()
            runtime.close()
    return {name: data["overall"] for name, data in summary(report)["systems"].items()}


def _thesaurus(runtime) -> dict | None:
    from search.service import load_thesaurus

    return load_thesaurus(runtime.settings.corpus_dir)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--quality", action="store_true", help="also compare search quality with Whoosh")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "search_pg.json"))
    args = parser.parse_args(argv)
    words, weights = load_vocabulary()
    queries = generate_queries(args.queries, words)
    report = {"command": "python bench/bench_search_pg.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "backend": "PostgresBackend", "queries": args.queries, "runs": []}
    with throwaway_database() as url:
        report["server"] = _server_version(url)
        for size in (int(s) for s in args.sizes.split(",")):
            run = {"docs": size, "postgres": bench_postgres(url, generate_documents(size, words, weights), queries)}
            # Other work on the machine disturbs the figures: keep the load beside them.
            run["load_avg_1m"] = round(os.getloadavg()[0], 2)
            report["runs"].append(run)
            print_row(run)
        if args.quality:
            report["quality"] = bench_quality(url)
            print("kwaliteit:", json.dumps(report["quality"]))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"geschreven: {args.out}")
    return 0


def _server_version(url: str) -> str:
    with psycopg.connect(url) as db:
        return db.execute("SHOW server_version").fetchone()[0]


def print_row(run: dict) -> None:
    p = run["postgres"]
    print(f"{run['docs']:>7} docs | rebuild {p['rebuild_s']}s ({p['rebuild_docs_per_s']}/s), "
          f"add {p['add_docs_per_s']}/s, {p['size_mb']} MB | query p50/p95 "
          f"{p['query_full']['p50_ms']}/{p['query_full']['p95_ms']} ms (zonder facetten "
          f"{p['query_no_facets']['p50_ms']}/{p['query_no_facets']['p95_ms']}) | similar p50/p95 "
          f"{p['similar']['p50_ms']}/{p['similar']['p95_ms']} ms | {p['hits_mean']} treffers gem.", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
