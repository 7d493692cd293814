"""Search quality on every evaluation set, with plain and stemmed BM25 in the same run (bench/quality.py).

Prints one table (nDCG@10 and Recall@10 per set and category, per system) and writes
bench/results/quality.json. The development sets are read from ../shared/devsets (or
$DREMPELBANK_DEVSETS); a set whose folder is missing is reported as skipped, never faked.

    .venv/bin/python bench/bench_quality.py [--sets own-demo,own-barriers,own-kamer,...] [--postgres]
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import devsets  # noqa: E402
from bench.quality import ALL_SETS, OWN_KAMER, format_table, load_set, register_texts, rerankers, run_set  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "quality.json"
TRAINING_NOTE = ("drempelbank = no-lsa + the semantic ranker (search/semantic.py), learned from corpus/ legislation, "
                 "the training half of dekamer-2017 and, as the product learns from its register, the set's own "
                 "records of type barrier (their texts only, never a query or a judgement); dekamer-2017 and "
                 "own-kamer index and judge only the other half of the Chamber texts. lsa-laws-only: learned from "
                 "the legislation and the register alone. no-recall: drempelbank without the semantic pass (the "
                 "records nearest the query by meaning added to BM25's candidates). no-e5: drempelbank without the "
                 "shipped sentence encoder (search/encoder.py), LSA alone.")
NEEDS = {"own-kamer": "dekamer-2017", "legal-qa-dev": "legal-qa-dev", "own-legal": "legal-qa-dev",
         "dekamer-2017": "dekamer-2017"}


def rounded(result: dict) -> dict:
    out = {k: v for k, v in result.items() if k != "systems"}
    out["systems"] = {}
    for name, data in result["systems"].items():
        out["systems"][name] = {
            "overall": {m: round(v, 4) for m, v in data["overall"].items()},
            "categories": {c: {m: round(v, 4) for m, v in row.items()} for c, row in data["categories"].items()},
            "queries": {q: round(row["ndcg@10"], 4) for q, row in data["queries"].items()},
            "seconds": data["seconds"],
        }
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(ALL_SETS))
    parser.add_argument("--postgres", action="store_true", help="also run the product on the PostgreSQL backend")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    # Whoosh keeps column temp files in <tempdir>/MAIN.tmp; another Whoosh process on the machine
    # removing that folder broke a run, so this run gets a temp folder of its own.
    tempfile.tempdir = tempfile.mkdtemp(prefix="drempelbank-quality-")
    report, skipped = {}, []
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        if name in NEEDS and not devsets.available(NEEDS[name]) or name == "own-kamer" and not OWN_KAMER.exists():
            skipped.append(name)
            continue
        started = time.perf_counter()
        for part in load_set(name):
            report[part.name] = run_set(part, postgres=args.postgres, variants=rerankers(register_texts(part)))
        print(f"{name}: {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True)
    print(format_table(report))
    print(TRAINING_NOTE)
    if skipped:
        print(f"skipped (no folder in {devsets.DEVSETS}): {', '.join(skipped)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({name: rounded(r) for name, r in report.items()}, indent=1, ensure_ascii=False)
                        + "\n", encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
