"""How the search opening and the semantic pool move nDCG@10: one index per set, many settings.

Varies search/opening.py (SOFT_FROM: from how many text clauses a query is ranked softly;
FALLBACK_BELOW: below how many complete matches partial ones follow) and the semantic ranker's pool
(search/semantic.py POOL), on the development sets and our own tuning/held parts. The untouched part of
our own Chamber queries ("own-kamer-new") is never run here. Writes bench/results/opening_sweep.json.

    nice -n 5 .venv/bin/python bench/bench_opening_sweep.py [--sets own-demo,own-kamer,legal-qa-dev,dekamer-2017]
"""

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.evaluate import evaluate, qrels_of, run_system  # noqa: E402
from bench.quality import ALL_SETS, baseline_fns, load_set, product_service, rerankers, service_fn  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "opening_sweep.json"
# name -> (SOFT_FROM, FALLBACK_BELOW, POOL)
SETTINGS = {
    "current": (4, 5, 20),
    "soft3": (3, 5, 20),
    "soft2": (2, 5, 20),
    "fallback20": (4, 20, 20),
    "pool50": (4, 5, 50),
    "pool100": (4, 5, 100),
    "soft2-pool50": (2, 5, 50),
    "soft2-pool100": (2, 5, 100),
    "soft3-pool50": (3, 5, 50),
    "fallback20-pool50": (4, 20, 50),
}
UNTOUCHED = "own-kamer-new"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS))
    parser.add_argument("--settings", default=",".join(SETTINGS))
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    from search import opening

    # A folder of this run's own (Whoosh temp files; the semantic model is learned once into it).
    tempfile.tempdir = tempfile.mkdtemp(prefix="drempelbank-sweep-")
    ranker = rerankers()["drempelbank"]
    names = [s.strip() for s in args.settings.split(",") if s.strip()]
    report: dict = {}
    for set_name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        for part in load_set(set_name):
            if part.name == UNTOUCHED:
                continue
            qrels, categories = qrels_of(part.queries), {q.id: q.category for q in part.queries}
            row = report[part.name] = {}
            for name, fn in baseline_fns(part.documents).items():
                result = run_system(name, lambda text, k, fn=fn, part=part: part.judged(fn(text, k)), part.queries, 10)
                row[name] = round(evaluate(result.run, qrels, categories, 10)["overall"]["ndcg@10"], 4)
            with ExitStack() as stack:
                make = part.service
                service = stack.enter_context(make(ranker) if make else
                                              product_service(part.documents, "whoosh", ranker))
                for name in names:
                    opening.SOFT_FROM, opening.FALLBACK_BELOW, ranker.pool = SETTINGS[name]
                    started = time.process_time()
                    result = run_system(name, service_fn(service, part), part.queries, 10)
                    cpu = (time.process_time() - started) / max(1, len(part.queries))
                    row[name] = round(evaluate(result.run, qrels, categories, 10)["overall"]["ndcg@10"], 4)
                    row[f"{name} cpu ms/query"] = round(cpu * 1000, 1)
            print(part.name, json.dumps(row), file=sys.stderr, flush=True)
    head = f"{'setting':<20}" + "".join(f"{s[:15]:>16}" for s in report)
    print(head + "\n" + "-" * len(head))
    for name in ["bm25-raw", "bm25-stem", *names]:
        print(f"{name:<20}" + "".join(f"{report[s].get(name, 0):>16.3f}" for s in report))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"settings": {n: SETTINGS[n] for n in names}, "ndcg@10": report}, indent=1) + "\n",
                        encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
