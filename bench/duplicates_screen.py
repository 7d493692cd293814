"""Candidate signals for the duplicate decision, screened on the calibration part only.

Each candidate signal is added to search/duplicates.py's model (or replaces its "rare") and scored by
the same cross-validation as `bench_duplicates.py --fit`, over the whole calibration part and over its
demo-register reports (the barrier-like ones). Because the best of many noisy cross-validated figures is
flattered by the choosing, a nested cross-validation then asks whether choosing among the extended menu
beats keeping the model's signals (only the C chosen), on reports the inner choice never saw. The
held-out part is not read. Writes bench/results/duplicates_screen.json.

    .venv/bin/python bench/duplicates_screen.py
"""

from __future__ import annotations

import json
import math
import random
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_duplicates import (  # noqa: E402
    C_GRID, FOLDS, REPEATS, SEED, fit, flags, load_cases, model_decider, observe,
)
from bench.devsets import available  # noqa: E402
from search.duplicates import DUPLICATE_MODEL, RARE_DOCS  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "duplicates_screen.json"
MODEL = tuple(DUPLICATE_MODEL["features"])
# Shares of the register's documents under which a shared term counts as rare ("rare" relative to size).
RARE_SHARES = (0.003, 0.005, 0.01, 0.015)
TIE_GAPS = (0.02, 0.03, 0.05)
OUTER_SEED, OUTER_REPEATS = 99, 2


def candidate_signals(o: dict) -> dict[str, float]:
    """Signals not in the product, from the ranked candidates' scores and the top one's shared terms."""
    top, others, df, size = o["scores"][0], o["scores"][1:], o["shared_df"], o["register_docs"]
    mean = sum(others) / len(others) if others else 0.0
    spread = statistics.pstdev(others) if len(others) > 1 else 0.0
    out = {"zcrowd": (top - mean) / (spread + 0.02),  # crowd in units of the others' spread
           "shared": float(len(df)),  # terms the report and the top candidate share
           "rare_idf": sum(math.log(1 + size / (1 + d)) for d in df if d <= RARE_DOCS),
           "register_size": math.log(size)}  # with two registers: which register
    out.update({f"rare_{share}": float(sum(d <= share * size for d in df)) for share in RARE_SHARES})
    # other candidates scoring within `gap` of the top: a report that matches a kind of record, not one
    out.update({f"ties_{gap}": float(sum(s >= top - gap for s in others)) for gap in TIE_GAPS})
    return out


def folds(n: int, seed: int, k: int = FOLDS):
    order = list(range(n))
    random.Random(seed).shuffle(order)
    for fold in range(k):
        held = set(order[fold::k])
        yield [i for i in order if i not in held], sorted(held)


def right(rows: list[dict], model: dict) -> list[bool]:
    return [(f and o["top_is_duplicate"]) or (not f and not o["has_duplicate"])
            for o, f in zip(rows, flags(rows, model_decider(model)))]


def cv(rows: list[dict], names: tuple[str, ...], c: float) -> tuple[float, float]:
    """bench_duplicates' cross-validated flag accuracy: over all rows, and over the demo register's rows."""
    hits, demo_hits, demo = 0, 0, 0
    for repeat in range(REPEATS):
        for train, test in folds(len(rows), SEED + repeat):
            model = fit([rows[i] for i in train], names, c)
            for i, ok in zip(test, right([rows[i] for i in test], model)):
                hits += ok
                if rows[i]["register"] == "demo":
                    demo_hits, demo = demo_hits + ok, demo + 1
    return round(hits / (REPEATS * len(rows)), 4), round(demo_hits / demo, 4)


def variants(row: dict) -> list[tuple[str, tuple[str, ...]]]:
    """The model, the model plus one signal, and the model with "rare" counted relative to register size."""
    new = [n for n in ("margin", "title", "refs", *candidate_signals(row)) if n not in MODEL]
    out = [("model", MODEL)] + [(f"+ {n}", MODEL + (n,)) for n in new if not n.startswith("rare_0")]
    if "rare" in MODEL:
        out += [(f"rare -> {n}", tuple(n if f == "rare" else f for f in MODEL)) for n in new if n.startswith("rare_0")]
    return out


def screen(rows: list[dict]) -> list[dict]:
    out = []
    for label, names in variants(rows[0]):
        for c in C_GRID:
            accuracy, demo = cv(rows, names, c)
            out.append({"variant": label, "features": list(names), "C": c, "cv_accuracy": accuracy, "cv_demo": demo})
            print(f"  {label:<24} C={c:<7} cv {accuracy:.4f}  demo {demo:.4f}")
    return out


def nested(rows: list[dict], menus: dict[str, list[tuple[str, ...]]]) -> dict:
    """Outer folds measure each menu's choice (best inner cross-validated accuracy, fewer signals on a tie)."""
    tally = {name: {"right": 0, "reports": 0, "demo_right": 0, "demo": 0, "chosen": []} for name in menus}
    for repeat in range(OUTER_REPEATS):
        for train_ix, test_ix in folds(len(rows), OUTER_SEED + repeat):
            train, test = [rows[i] for i in train_ix], [rows[i] for i in test_ix]
            for name, menu in menus.items():
                pick = max(((cv(train, names, c)[0], -len(names), names, c) for names in menu for c in C_GRID))
                t = tally[name]
                t["chosen"].append(["+".join(pick[2]), pick[3]])
                for o, ok in zip(test, right(test, fit(train, pick[2], pick[3]))):
                    t["right"], t["reports"] = t["right"] + ok, t["reports"] + 1
                    if o["register"] == "demo":
                        t["demo_right"], t["demo"] = t["demo_right"] + ok, t["demo"] + 1
    for name, t in tally.items():
        t["accuracy"], t["demo_accuracy"] = round(t["right"] / t["reports"], 4), round(t["demo_right"] / t["demo"], 4)
        print(f"  nested, menu {name:<10} {t['right']}/{t['reports']} ({t['accuracy']:.4f}), "
              f"demo {t['demo_right']}/{t['demo']} ({t['demo_accuracy']:.4f})")
    return tally


def main() -> int:
    cases = [c for c in load_cases() if c["part"] == "calibrate"]
    if not available("dekamer-2017"):
        print("dekamer-2017 not found beside the repo (../shared/devsets): the screen needs both registers")
        return 1
    rows = [o for o in observe(cases) if o["signals"] is not None]
    for o in rows:
        o["signals"] = {**o["signals"], **candidate_signals(o)}
    print(f"{len(rows)} calibration reports with candidates ({sum(o['register'] == 'demo' for o in rows)} demo)")
    screened = screen(rows)
    # the register's size is left out of the menu: with two registers it only names the register
    menus = {"model": [MODEL], "extended": [names for _, names in variants(rows[0]) if "register_size" not in names]}
    report = {"screen": screened, "nested": nested(rows, menus)}
    RESULTS.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
