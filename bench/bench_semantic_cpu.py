"""CPU time of a search with and without the semantic ranker (search/semantic.py), same queries, same run.

The model is loaded before timing (a process learns or reads it once, at its first text search); what
is timed is one query as the web asks it (page 1, 20 hits). Prints and writes bench/results/semantic_cpu.json.

    nice -n 5 .venv/bin/python bench/bench_semantic_cpu.py
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import devsets  # noqa: E402
from bench.quality import product_service, rerankers  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "semantic_cpu.json"
PAGE_SIZE = 20


def timings(service, evalset) -> list[float]:
    out = []
    for query in evalset.queries:
        started = time.process_time()
        service.search(query.query, scope=evalset.scope, page_size=PAGE_SIZE)
        out.append((time.process_time() - started) * 1000)
    return out


def main() -> int:
    ranker = rerankers()["drempelbank"]
    started = time.process_time()
    ranker.model  # noqa: B018  (learn or read the model before timing)
    report = {"model_cpu_s": round(time.process_time() - started, 2), "load": os.getloadavg()[0], "sets": {}}
    for evalset in (devsets.legal_qa_set(), devsets.dekamer_set()):
        row = {}
        with product_service(evalset.documents) as service:
            for name, reranker in (("no-lsa", None), ("drempelbank", ranker)):
                service.backend.reranker = reranker
                timings(service, evalset)  # warm caches
                ms = sorted(timings(service, evalset))
                row[name] = {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(ms[int(0.95 * len(ms))], 1)}
        report["sets"][evalset.name] = {"documents": len(evalset.documents), "queries": len(evalset.queries), **row}
        print(evalset.name, row, flush=True)
    print(f"model learned or read in {report['model_cpu_s']} s CPU; load {report['load']:.1f}")
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
