"""What BM25 on the pool costs a PostgreSQL search: 200 dekamer-2017 queries through the product's search service
(semantic ranker on), in process, with the pool re-scored (BM25_POOL 50) and without (0), twice each, alternating.

    .venv/bin/python bench/bench_pg_pool.py
"""
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
tempfile.tempdir = tempfile.mkdtemp(prefix="drempelbank-pgpool-")
import search.postgres.backend as pb  # noqa: E402
from bench import quality  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "pg_pool.json"


def main() -> int:
    evalset = quality.load_set("dekamer-2017")[0]
    queries = [q.query for q in evalset.queries][:200]
    report = {"queries": len(queries), "runs": []}
    with quality.product_service(evalset.documents, "postgres", quality.rerankers()["drempelbank"]) as service:
        for text in queries[:20]:  # warm the caches
            service.search(text, scope=evalset.scope, page_size=10)
        for pool in (50, 0, 50, 0):
            pb.BM25_POOL = pool
            times = []
            for text in queries:
                started = time.perf_counter()
                service.search(text, scope=evalset.scope, page_size=10)
                times.append(time.perf_counter() - started)
            times.sort()
            run = {"bm25_pool": pool, "p50_ms": round(1000 * times[len(times) // 2], 1),
                   "p95_ms": round(1000 * times[int(len(times) * 0.95)], 1)}
            report["runs"].append(run)
            print(run, flush=True)
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
