"""Benchmark the Whoosh backend against SQLite FTS5 on the same generated texts.

Texts are barrier-like documents built from the word frequencies of a real
Dutch corpus (the UD dev treebanks), so term statistics look like Dutch
prose. With --postgres the PostgreSQL backend indexes the same documents and
answers the same queries in the same run (a throwaway database on
127.0.0.1:5432, bench/bench_search_pg.py). Prints a table and writes
bench/results/search.json.

    .venv/bin/python bench/bench_search.py --sizes 1000,10000 [--postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.documents import SearchDocument  # noqa: E402
from search.query import parse_query  # noqa: E402
from search.whoosh.backend import WhooshBackend, dutch_analyzer, plain_analyzer  # noqa: E402

UD_DIR = Path("/work/shared/corpus-src/ud-nl-dev")
STATUSES = ("gemeld", "in-analyse", "oplossing-voorgesteld", "in-uitvoering", "opgelost")
KINDS = ("juridisch", "procesmatig", "technisch", "organisatorisch", "financieel")
REGULATIONS = ("DLB", "BD", "AVG", "eIDAS", "KB", "BVR", "Archiefdecreet")


def load_vocabulary() -> tuple[list[str], list[int]]:
    """Word forms and their counts from the CoNLL-U FORM column."""
    counts: Counter = Counter()
    for path in sorted(UD_DIR.glob("*.conllu")):
        for line in path.read_text(encoding="utf-8").splitlines():
            cols = line.split("\t")
            if len(cols) > 3 and cols[0].isdigit() and cols[1].isalpha():
                counts[cols[1].lower()] += 1
    words = [w for w, _ in counts.most_common()]
    return words, [counts[w] for w in words]


def generate_documents(n: int, words, weights, seed: int = 7) -> list[SearchDocument]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        title = " ".join(rng.choices(words, weights, k=rng.randint(4, 9))).capitalize()
        body = " ".join(rng.choices(words, weights, k=rng.randint(40, 120))) + "."
        code = f"DR-{2018 + i % 7}-{i:06d}"
        docs.append(SearchDocument(
            type="barrier", id=f"barrier:{code}", code=code, title=title, body=body,
            status=rng.choice(STATUSES), kind=rng.choice(KINDS), year=2018 + i % 7,
            regulations=rng.sample(REGULATIONS, rng.randint(0, 2)), severity=rng.randint(1, 5),
        ))
    return docs


def generate_queries(n: int, words, seed: int = 11) -> list[str]:
    """One to three mid-frequency words: not stop words, not hapaxes."""
    rng = random.Random(seed)
    middle = [w for w in words[150:3000] if len(w) > 3]
    return [" ".join(rng.sample(middle, rng.choice((1, 1, 2, 2, 3)))) for _ in range(n)]


def percentiles(samples: list[float], prefix: str = "") -> dict:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {f"{prefix}p50_ms": round(cuts[49] * 1000, 2), f"{prefix}p95_ms": round(cuts[94] * 1000, 2)}


def timed(fn, queries) -> dict:
    """Wall time, and CPU time of this process (`cpu_`: what other work on the machine disturbs least;
    it leaves out time spent in another process, such as a PostgreSQL server)."""
    samples, cpu = [], []
    for q in queries:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(q)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {**percentiles(samples), **percentiles(cpu, "cpu_")}


def bench_whoosh(docs, queries, workdir: Path, analyzer) -> dict:
    backend = WhooshBackend(workdir / "whoosh", analyzer=analyzer, writer_mb=512)
    start = time.perf_counter()
    backend.rebuild(docs)
    seconds = time.perf_counter() - start
    parsed = [parse_query(q) for q in queries]
    backend.search(parsed[0])  # opens the searcher once, as a running server would
    result = {
        "index_s": round(seconds, 2),
        "docs_per_s": round(len(docs) / seconds),
        "size_mb": round(sum(f.stat().st_size for f in (workdir / "whoosh").iterdir()) / 1e6, 1),
        "query_full": timed(lambda q: backend.search(q), parsed),
        "query_no_facets": timed(lambda q: backend.search(q, facets=False), parsed),
        "hits_mean": round(statistics.mean(backend.search(q, facets=False).total for q in parsed[:50]), 1),
        "writer_procs": backend._rebuild_writer_args(len(docs)).get("procs", 1),
    }
    backend.close()
    return result


def bench_fts5(docs, queries, workdir: Path) -> dict:
    db = sqlite3.connect(workdir / "fts.db")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    start = time.perf_counter()
    with db:
        db.executemany("INSERT INTO docs(title, body) VALUES (?, ?)", ((d.title, d.body) for d in docs))
    seconds = time.perf_counter() - start
    sql = ("SELECT rowid, bm25(docs, 3.0, 1.0), snippet(docs, 1, '<mark>', '</mark>', '…', 24) "
           "FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 1.0) LIMIT 10")

    def run(q: str) -> int:
        # Same behaviour as the Whoosh backend: all words, else any word.
        quoted = [f'"{w}"' for w in q.split()]
        for match in (" ".join(quoted), " OR ".join(quoted)):
            db.execute(sql, (match,)).fetchall()
            total = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]
            if total:
                break
        return total

    result = {
        "index_s": round(seconds, 2),
        "docs_per_s": round(len(docs) / seconds),
        "size_mb": round((workdir / "fts.db").stat().st_size / 1e6, 1),
        "query": timed(run, queries),
        "hits_mean": round(statistics.mean(run(q) for q in queries[:50]), 1),
    }
    db.close()
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--analyzer", choices=("dutch", "plain"), default="dutch")
    parser.add_argument("--postgres", action="store_true", help="also the PostgreSQL backend, same run")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "search.json"))
    args = parser.parse_args(argv)
    analyzer = dutch_analyzer() if args.analyzer == "dutch" else plain_analyzer()
    words, weights = load_vocabulary()
    queries = generate_queries(args.queries, words)
    report = {"command": "python bench/bench_search.py " + " ".join(argv if argv is not None else sys.argv[1:]),
              "analyzer": type(analyzer).__name__, "queries": args.queries, "vocabulary": len(words),
              "cpus": os.cpu_count(), "runs": []}
    with _postgres(args.postgres) as pg_url:
        for size in (int(s) for s in args.sizes.split(",")):
            report["runs"].append(bench_size(size, words, weights, queries, analyzer, pg_url))
            # Written after every size: a long run stopped half-way keeps what it measured.
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"geschreven: {args.out}")
    return 0


def bench_size(size: int, words, weights, queries, analyzer, pg_url: str | None) -> dict:
    """Every engine on the same documents and queries, one after the other."""
    docs = generate_documents(size, words, weights)
    with tempfile.TemporaryDirectory() as tmp:
        run = {"docs": size,
               "whoosh": bench_whoosh(docs, queries, Path(tmp), analyzer),
               "fts5": bench_fts5(docs, queries, Path(tmp))}
    if pg_url:
        from bench.bench_search_pg import bench_postgres

        run["postgres"] = bench_postgres(pg_url, docs, queries)
    ratio = lambda engine: round(run[engine]["query_full"]["p95_ms"] / max(run["fts5"]["query"]["p95_ms"], 0.01), 1)  # noqa: E731
    run["p95_over_fts5"] = {engine: ratio(engine) for engine in ("whoosh", "postgres") if engine in run}
    # Other work on the machine disturbs the figures: keep the load beside them.
    run["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print_row(run)
    return run


@contextmanager
def _postgres(wanted: bool):
    if not wanted:
        yield None
        return
    from bench.bench_search_pg import throwaway_database

    with throwaway_database() as url:
        yield url


def print_row(run: dict) -> None:
    w, f = run["whoosh"], run["fts5"]
    if run["docs"] == 0:
        return
    print(f"{run['docs']:>7} docs | whoosh index {w['index_s']:>7}s ({w['docs_per_s']}/s, {w['size_mb']} MB) "
          f"query p50/p95 {w['query_full']['p50_ms']}/{w['query_full']['p95_ms']} ms "
          f"(zonder facetten {w['query_no_facets']['p50_ms']}/{w['query_no_facets']['p95_ms']}) | "
          f"fts5 index {f['index_s']}s ({f['docs_per_s']}/s, {f['size_mb']} MB) "
          f"query p50/p95 {f['query']['p50_ms']}/{f['query']['p95_ms']} ms", flush=True)
    if "postgres" in run:
        from bench.bench_search_pg import print_row as print_pg

        print_pg(run)
    print(f"{'':>7}      | p95 / fts5 p95: {run['p95_over_fts5']} (load {run['load_avg_1m']})", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
