"""What the semantic pass (search/semantic.py: RECALL) adds to a search's cost, measured in-process.

At 3,811 records (every Chamber question of dekamer-2017) and 20,000 (those and generated barriers,
bench/generate.py), on Whoosh and, with --postgres, on PostgreSQL: the same queries (dekamer-2017's and
our own Chamber queries) as the web asks them (page 1, 20 hits), with the semantic ranker on and the pass
off, then on; after warming (every record's vector computed, as `serve` does at start). Also timed: building
the matrix of record vectors (once per index generation) and reading the generation. CPU time of this
process (a PostgreSQL server's own CPU is not in it: its wall time is given beside it). Not an HTTP timing:
run it with nice on a quiet machine and read the load it prints.

    nice -n 10 .venv/bin/python bench/bench_recall_cpu.py [--postgres]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import devsets  # noqa: E402
from bench.generate import generated_barriers  # noqa: E402
from bench.quality import OWN_KAMER, product_service, rerankers  # noqa: E402
from bench.evaluate import load_queries  # noqa: E402
from search.documents import SearchDocument  # noqa: E402
from search.semantic import RECALL, RecordMatrix  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "recall_cpu.json"
PAGE_SIZE = 20
SIZES = (3811, 20_000)


def documents(size: int) -> list[SearchDocument]:
    docs = [devsets.dekamer_document(r, with_title=True) for r in devsets.dekamer_records()]
    for row in generated_barriers(max(0, size - len(docs))):
        docs.append(SearchDocument(type="barrier", id=f"barrier:{row['code']}", code=row["code"],
                                   title=row["title"], body=row["description"]))
    return docs[:size]


def timed(fn, repeat: int = 1) -> tuple[float, float]:
    """(CPU ms, wall ms) of one call, the median of `repeat`."""
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def per_query(service, queries: list[str]) -> dict[str, float]:
    cpu, wall = [], []
    for text in queries:
        c, w = timed(lambda text=text: service.search(text, scope="barriers", page_size=PAGE_SIZE))
        cpu.append(c)
        wall.append(w)
    cpu.sort()
    wall.sort()
    return {"cpu_median_ms": round(statistics.median(cpu), 2), "cpu_p95_ms": round(cpu[int(0.95 * len(cpu))], 2),
            "wall_median_ms": round(statistics.median(wall), 2), "wall_p95_ms": round(wall[int(0.95 * len(wall))], 2)}


def measure(backend: str, size: int, ranker, queries: list[str]) -> dict:
    docs = documents(size)
    with product_service(docs, backend, ranker) as service:
        search_backend = service.backend
        warm_cpu, _ = timed(search_backend.warm_up)
        row: dict = {"records": len(docs), "warm_up_cpu_ms": round(warm_cpu)}
        generation = search_backend.generation()
        row["generation_cpu_ms"], row["generation_wall_ms"] = (round(v, 2) for v in
                                                               timed(search_backend.generation, 20))
        build = lambda: RecordMatrix.build(generation, search_backend.id_texts(), ranker.model, ranker.vector_cache)  # noqa: E731
        row["matrix_cpu_ms"], row["matrix_wall_ms"] = (round(v, 1) for v in timed(build, 3))
        for name, recall in (("pass-off", 0), ("pass-on", RECALL or 20)):
            ranker.recall = recall
            per_query(service, queries)  # warm: the matrix, analysed words, vectors
            row[name] = per_query(service, queries)
        ranker.recall = RECALL
    row["added_cpu_median_ms"] = round(row["pass-on"]["cpu_median_ms"] - row["pass-off"]["cpu_median_ms"], 2)
    row["added_wall_median_ms"] = round(row["pass-on"]["wall_median_ms"] - row["pass-off"]["wall_median_ms"], 2)
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    ranker = rerankers()["drempelbank"]
    ranker.model  # noqa: B018  (learn or read the model before timing)
    queries = [q.query for q in devsets.dekamer_set().queries] + [q.query for q in load_queries(OWN_KAMER)]
    report: dict = {"load_before": os.getloadavg()[0], "queries": len(queries), "recall": RECALL or 20, "runs": {}}
    for backend in ("whoosh", "postgres") if args.postgres else ("whoosh",):
        for size in SIZES:
            row = measure(backend, size, ranker, queries)
            report["runs"][f"{backend}-{size}"] = row
            print(backend, size, json.dumps(row), f"load {os.getloadavg()[0]:.1f}", flush=True)
    report["load_after"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
