"""Similar records on PostgreSQL: the postings candidate query against the per-record scan it replaced.

Indexes the generated texts of bench_search.py into a throwaway database on 127.0.0.1:5432 and, for
each sampled record, ranks its similar records twice, one right after the other (so other work on
the machine weighs on both alike): with the product's candidate query (the postings table) and with
the earlier one, which summed each matching record's shared terms from its tsv (`scan_candidates_sql`,
kept here as the reference; tests/search/test_postgres_similar.py holds both to the same candidates).
Counts the records whose hits, scores, explanations and overlaps are identical. Prints a table and
writes bench/results/similar_pg.json.

    .venv/bin/python bench/bench_similar_pg.py --sizes 20000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_search import generate_documents, load_vocabulary, percentiles  # noqa: E402
from bench.bench_search_pg import throwaway_database  # noqa: E402
from search.postgres.backend import PostgresBackend  # noqa: E402
from search.postgres.similar import REF_CANDIDATE_WEIGHT, Idf, candidates_sql, rank_similar  # noqa: E402
from search.postgres.sql import quote_lexeme  # noqa: E402


def scan_candidates_sql(table: str, source: dict[str, float], refs: list[str], types: list[str] | None,
                        exclude: str | None, size: int, public_only: bool = False, idf: Idf | None = None,
                        ) -> tuple[str, dict]:
    """The candidate query before the postings table: every record sharing a key term or a citation,
    its shared terms summed from its tsv, ~35 us a record."""
    _sql, params = candidates_sql(table, source, refs, types, exclude, size, public_only, idf)
    params = {**params, "q": " | ".join(quote_lexeme(t) for t in params["terms"])}
    where = ["(tsv @@ CAST(:q AS tsquery) OR keys && CAST(:refs AS text[]))" if params["terms"]
             else "keys && CAST(:refs AS text[])"]
    if types:
        where.append("keys && CAST(:type_keys AS text[])")
    if public_only:
        where.append("public")
    if exclude:
        where.append("id <> :exclude")
    ranked = (f"SELECT id, type, code, title, display, tsv, "
              f"(SELECT coalesce(sum(w.weight), 0) FROM unnest(tsv) AS u "
              f" JOIN unnest(CAST(:terms AS text[]), CAST(:weights AS float8[])) AS w(term, weight) "
              f" ON u.lexeme = w.term) "
              f"+ {REF_CANDIDATE_WEIGHT} * cardinality(ARRAY(SELECT unnest(keys) INTERSECT "
              f"SELECT unnest(CAST(:refs AS text[])))) AS pre "
              f"FROM {table} WHERE {' AND '.join(where)} ORDER BY pre DESC, code LIMIT :size")
    return (f"SELECT id, type, code, title, display, pre, "
            f"ARRAY(SELECT lexeme FROM unnest(tsv) ORDER BY lexeme) AS lexemes, "
            f"ARRAY(SELECT cardinality(positions) FROM unnest(tsv) ORDER BY lexeme) AS counts "
            f"FROM ({ranked}) AS candidates ORDER BY pre DESC, code"), params


def bench_size(url: str, size: int, words, weights, records: int) -> dict:
    docs = generate_documents(size, words, weights)
    backend = PostgresBackend(url, table="bench_similar")
    backend.rebuild(docs)
    sample = docs[:: max(1, size // records)][:records]
    times = {"postings": [], "scan": []}
    identical = 0
    with backend._engine.connect() as conn:
        for n, doc in enumerate(sample):
            ranked = {}
            order = (("postings", candidates_sql), ("scan", scan_candidates_sql))
            for name, build in order if n % 2 else order[::-1]:  # each goes first half of the time
                start = time.perf_counter()
                # as more_like_text for the duplicate check: overlaps too
                hits = rank_similar(conn, backend.table, backend.analyzer, doc.title, doc.body, [], limit=10,
                                    types=["barrier"], exclude=doc.id, candidates=build)
                times[name].append(time.perf_counter() - start)
                ranked[name] = [(h.id, h.score, h.why, h.overlap) for h in hits]
            identical += ranked["postings"] == ranked["scan"]
    backend.close()
    return {"docs": size, "records": len(sample), "identical": identical,
            **{name: percentiles(samples) for name, samples in times.items()},
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--records", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "similar_pg.json"))
    args = parser.parse_args(argv)
    words, weights = load_vocabulary()
    report = {"command": "python bench/bench_similar_pg.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "runs": []}
    with throwaway_database() as url:
        for size in (int(s) for s in args.sizes.split(",")):
            run = bench_size(url, size, words, weights, args.records)
            report["runs"].append(run)
            print(f"{run['docs']:>7} docs | postings p50/p95 {run['postings']['p50_ms']}/{run['postings']['p95_ms']} ms"
                  f" | scan p50/p95 {run['scan']['p50_ms']}/{run['scan']['p95_ms']} ms | identical "
                  f"{run['identical']}/{run['records']} (load {run['load_avg_1m']})", flush=True)
            Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"geschreven: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
