"""Calibrate the "likely" flag of check-duplicate on the demo register's labelled pairs.

Each demo barrier is checked (title + description) against the register; the barrier itself
is left out of its candidates. A candidate is a true duplicate when the pair is one of the
near-duplicate pairs listed in corpus/demo/README.md (bench/eval/duplicates.json). The
threshold maximises F1 of the top candidate (ties: higher precision). Prints a report and
writes bench/results/duplicates.json.

    .venv/bin/python bench/bench_duplicates.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.evaluate import (  # noqa: E402
    choose_threshold,
    demo_service,
    duplicate_candidates,
    flag_at,
    load_barriers,
    load_pairs,
    pair_scores,
    threshold_sweep,
)

RESULTS = ROOT / "bench" / "results" / "duplicates.json"
SHOWN = 5  # check_duplicate's default limit: what a jurist sees under the form


def labelled(candidates, duplicates, depth):
    """(score, is a listed duplicate) for the first `depth` candidates of every checked barrier."""
    return [(score, frozenset((source, code)) in duplicates)
            for source, found in candidates.items() for code, score in found[:depth]]


def at_threshold(scored, positives, threshold):
    return {"threshold": threshold, **{k: round(v, 4) for k, v in flag_at(scored, positives, threshold).items()}}


def calibrate(candidates, duplicates, related, current):
    positives = 2 * len(duplicates)  # each pair is checked from both sides
    top, shown = labelled(candidates, duplicates, 1), labelled(candidates, duplicates, SHOWN)
    sweep = threshold_sweep(top, positives)
    chosen = choose_threshold(sweep)
    threshold = chosen["threshold"]
    return {
        "checked": len(candidates), "positives": positives, "threshold": threshold,
        "top_candidate": at_threshold(top, positives, threshold),
        "shown_candidates": at_threshold(shown, positives, threshold),
        "current_threshold": {"top_candidate": at_threshold(top, positives, current),
                              "shown_candidates": at_threshold(shown, positives, current)},
        "sweep": [{k: round(v, 4) for k, v in row.items()} for row in sweep if row["true"] or row["flagged"] <= 20],
        "near_duplicates": _flag(pair_scores(candidates, duplicates), threshold),
        "related_not_duplicate": _flag(pair_scores(candidates, related), threshold),
        "non_duplicate_top_scores": sorted((round(s, 4) for s, label in top if not label), reverse=True)[:10],
    }


def _flag(rows, threshold):
    return [{**row, "likely": row["score"] >= threshold} for row in rows]


def print_report(report):
    print(f"checked {report['checked']} barriers; {report['positives']} directed near-duplicate pairs")
    print(f"{'cutoff':>8}{'flagged':>9}{'true':>6}{'P':>7}{'R':>7}{'F1':>7}   (top candidate)")
    for row in report["sweep"]:
        print(f"{row['cutoff']:>8.4f}{row['flagged']:>9}{row['true']:>6}"
              f"{row['precision']:>7.3f}{row['recall']:>7.3f}{row['f1']:>7.3f}")
    for name in ("top_candidate", "shown_candidates"):
        r = report[name]
        print(f"threshold {report['threshold']}: {name}: P={r['precision']:.3f} R={r['recall']:.3f} "
              f"F1={r['f1']:.3f} ({r['true']}/{r['flagged']} flagged)")
    for name in ("near_duplicates", "related_not_duplicate"):
        print(f"{name}:")
        for row in report[name]:
            print(f"  {row['checked']} -> {row['candidate']}: {row['score']:.4f} rank {row['rank']}"
                  f"{'  likely' if row['likely'] else ''}")


def main() -> int:
    from search.service import DUPLICATE_THRESHOLD

    duplicates, related = load_pairs()
    with tempfile.TemporaryDirectory(prefix="drempelbank-dup-") as tmp:
        runtime = demo_service(Path(tmp))
        try:
            candidates = duplicate_candidates(runtime.search, load_barriers())
        finally:
            runtime.close()
    report = calibrate(candidates, duplicates, related, DUPLICATE_THRESHOLD)
    print_report(report)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
