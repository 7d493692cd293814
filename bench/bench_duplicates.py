"""The duplicate decision of check-duplicate, measured on labelled new reports; `--fit` calibrates it.

Each case of bench/eval/duplicate_reports.jsonl is a new report checked against a register: the
demo register (corpus/demo, with its regulations so citations resolve) or the 3,352 distinct Chamber
questions of dekamer-2017 (read from ../shared/devsets). The report itself and the records its
labeller could not decide on ("ignore") are left out of its candidates. The flag is right when it is
raised on a true duplicate ranked first, or not raised when the register holds no duplicate.

Systems, on the same candidates:
- "threshold-0.49": the old rule, top score >= 0.49 (calibrated on 5 demo pairs);
- "score-refit": a logistic regression on the score alone, fitted on the calibration part;
- "model-score-crowd": the previous model (score and crowd only), for comparison;
- "model": search/duplicates.py's DUPLICATE_MODEL (several signals).

Figures are reported per part; the held-out part never chose features or weights.

    .venv/bin/python bench/bench_duplicates.py          # measure, write bench/results/duplicates.json
    .venv/bin/python bench/bench_duplicates.py --fit    # choose features and fit on the calibration part
    .venv/bin/python bench/bench_duplicates.py --refit  # refit DUPLICATE_MODEL's own signals, C and RARE_DOCS
    .venv/bin/python bench/bench_duplicates.py --postgres   # both registers on PostgreSQL search

Signals not in the model are screened by bench/duplicates_screen.py (calibration part only).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.devsets import available, dekamer_document, dekamer_records, split_question  # noqa: E402
from bench.evaluate import load_barriers  # noqa: E402
from bench.quality import demo_register_service, product_service  # noqa: E402
from search.duplicates import CANDIDATES_READ, DUPLICATE_MODEL, RARE_DOCS, features, probability  # noqa: E402
from search.service import duplicate_candidate  # noqa: E402

CASES = ROOT / "bench" / "eval" / "duplicate_reports.jsonl"
RESULTS = ROOT / "bench" / "results" / "duplicates.json"
OLD_THRESHOLD = 0.49
# The model before the overlap signals (title_cover, rare): fitted the same way on the same calibration part.
PREVIOUS_MODEL = {"features": ["score", "crowd"], "weights": [-3.1728, 16.9261], "intercept": -2.7911}
ALL_FEATURES = ("score", "margin", "crowd", "title", "refs", "title_cover", "rare")
FOLDS, REPEATS, SEED = 5, 5, 2017
C_GRID = (1.0, 10.0, 100.0, 1000.0)
# search/duplicates.py's RARE_DOCS is chosen among these with the features (only "rare" depends on it).
RARE_GRID = (4, 8, 12, 20)
TIE = 0.005
# The written batches reported apart in each part (their reports were scored only after the split).
WRITTEN_BATCHES = ("demo-new3", "demo-new4", "demo-new5", "demo-new6", "demo-new7", "demo-new8", "demo-new9", "demo-new10",
                   "demo-new11", "demo-new12", "demo-new13", "demo-new14")


def load_cases(path: Path = CASES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report_text(case: dict, demo: dict, kamer: dict) -> tuple[str, str]:
    if "title" in case:
        return case["title"], case["description"]
    code = case["report"]
    if code in demo:
        return demo[code]["title"], demo[code]["description"]
    return split_question(kamer[code]["question"])


def distinct_questions() -> list[dict]:
    """One record per distinct question text (the same question put to several ministers is one)."""
    seen, rows = set(), []
    for record in dekamer_records():
        text = record["question"].strip()
        if text not in seen:
            seen.add(text)
            rows.append(record)
    return rows


@contextmanager
def register(name: str, backend: str = "whoosh"):
    if name == "demo":
        with demo_register_service(backend=backend) as service:
            yield service
    else:
        docs = [dekamer_document(r, with_title=True) for r in distinct_questions()]
        with product_service(docs, backend) as service:
            yield service


def observe(cases: list[dict], backend: str = "whoosh", lsa=None) -> list[dict]:
    """For each case: the candidates' signals, the top candidate's code and whether it is a duplicate;
    with `lsa` (a search.semantic.SemanticModel) also the LSA cosine of report and top candidate."""
    demo = {b["code"]: b for b in load_barriers()}
    kamer = {f"K{r['doc_id']}": r for r in dekamer_records()} if available("dekamer-2017") else {}
    out = []
    for name in sorted({c["register"] for c in cases}, reverse=True):
        with register(name, backend) as service:
            start = time.process_time()
            mine = [c for c in cases if c["register"] == name]
            size = service.backend.count()
            for case in mine:
                text = report_text(case, demo, kamer)
                out.append({**_observe(service, case, *text), "register_docs": size})
                if lsa is not None and out[-1]["signals"] is not None:
                    add_lsa(out[-1], lsa, text, demo, kamer)
            print(f"{name}: {len(mine)} reports checked, {time.process_time() - start:.1f} s CPU")
    return out


def add_lsa(observed: dict, lsa, text: tuple[str, str], demo: dict, kamer: dict) -> None:
    """The LSA cosine of the report and its top candidate, and whether either is a Chamber record the LSA
    model learned from (its training half)."""
    from search.semantic import training_part

    code = observed["top"]
    body = demo[code]["description"] if code in demo else split_question(kamer[code]["question"])[1]
    observed["signals"]["lsa"] = float(lsa.similarities("\n".join(text), [f"{observed['top_title']}\n{body}"])[0])
    observed["lsa_trained"] = observed["register"] != "demo" and (training_part(text[0])
                                                                   or training_part(observed["top_title"]))


def _observe(service, case: dict, title: str, description: str) -> dict:
    left_out = {case.get("report"), *case["ignore"]}
    refs, hits = service.duplicate_candidates(title, description, CANDIDATES_READ + len(left_out))
    hits = [h for h in hits if h.code not in left_out][:CANDIDATES_READ]
    candidates = [duplicate_candidate(h) for h in hits]
    rows = features(title, refs, candidates)
    top = hits[0].code if hits else None
    judged = set(case["duplicates"]) | set(case["not_duplicates"])
    return {"id": case["id"], "register": case["register"], "part": case["part"],
            "has_duplicate": bool(case["duplicates"]), "top": top, "top_title": hits[0].title if hits else "",
            "top_is_duplicate": top in case["duplicates"], "top_judged": top in judged or not hits,
            "signals": rows[0] if rows else None,
            "shared_df": list(candidates[0].shared_df) if candidates else [],
            "scores": [c.score for c in candidates]}


def semantic_model():
    """The product's LSA model as `init` learns it (shipped legislation and Chamber training half)."""
    import tempfile

    from drempelbank.runtime import semantic_ranker, shipped_chamber_texts

    corpus = ROOT / "corpus"
    return semantic_ranker(corpus, shipped_chamber_texts(corpus), Path(tempfile.gettempdir()) / "semantic").model


# -- deciding -------------------------------------------------------------------------------------


def flags(observed: list[dict], decide) -> list[bool]:
    return [o["signals"] is not None and decide(o["signals"]) for o in observed]


def scores(observed: list[dict], flagged: list[bool]) -> dict:
    right = [(f and o["top_is_duplicate"]) or (not f and not o["has_duplicate"]) for o, f in zip(observed, flagged)]
    true_flags = sum(f and o["top_is_duplicate"] for o, f in zip(observed, flagged))
    positives = sum(o["has_duplicate"] for o in observed)
    return {"reports": len(observed), "with_duplicate": positives, "flagged": sum(flagged),
            "flag_right": sum(right), "accuracy": round(sum(right) / len(observed), 3) if observed else 0.0,
            "precision": round(true_flags / sum(flagged), 3) if sum(flagged) else 0.0,
            "recall": round(true_flags / positives, 3) if positives else 0.0}


def fit(rows: list[dict], names: tuple[str, ...], c: float) -> dict:
    from sklearn.linear_model import LogisticRegression

    x = [[o["signals"][n] for n in names] for o in rows]
    y = [int(o["top_is_duplicate"]) for o in rows]
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    return {"features": list(names), "weights": [round(float(w), 4) for w in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 4)}


def model_decider(model: dict):
    return lambda signals: probability(signals, model) >= 0.5


def cross_validated(rows: list[dict], names: tuple[str, ...], c: float) -> float:
    """Flag accuracy of `names` in REPEATS x FOLDS-fold cross-validation over the calibration part."""
    right = 0
    for repeat in range(REPEATS):
        order = list(range(len(rows)))
        random.Random(SEED + repeat).shuffle(order)
        for fold in range(FOLDS):
            held = set(order[fold::FOLDS])
            test = [rows[i] for i in sorted(held)]
            model = fit([rows[i] for i in order if i not in held], names, c)
            right += scores(test, flags(test, model_decider(model)))["flag_right"]
    return right / (REPEATS * len(rows))


def with_rare(observed: list[dict], rare_docs: int) -> list[dict]:
    """The observations with the "rare" signal counted at another RARE_DOCS."""
    return [{**o, "signals": {**o["signals"], "rare": float(sum(1 for df in o["shared_df"] if df <= rare_docs))}}
            if o["signals"] is not None else o for o in observed]


def choose(calibration: list[dict], signals: tuple[str, ...] = ALL_FEATURES) -> tuple[dict, list[dict]]:
    """Every subset of the signals that holds the score, at every regularisation strength of C_GRID (and,
    with "rare", every RARE_GRID), by cross-validated flag accuracy; the fewest signals within TIE of the
    best win (less to overfit), then the best accuracy."""
    tried = []
    for size in range(1, len(signals) + 1):
        for names in itertools.combinations(signals, size):
            if "score" not in names:
                continue
            for rare_docs in RARE_GRID if "rare" in names else (None,):
                rows = [o for o in with_rare(calibration, rare_docs or RARE_DOCS) if o["signals"] is not None]
                for c in C_GRID:
                    tried.append({"features": list(names), "C": c, "rare_docs": rare_docs,
                                  "cv_accuracy": round(cross_validated(rows, names, c), 4)})
    best = max(t["cv_accuracy"] for t in tried)
    tried.sort(key=lambda t: (-t["cv_accuracy"], len(t["features"]), t["C"]))
    pick = min((t for t in tried if t["cv_accuracy"] >= best - TIE),
               key=lambda t: (len(t["features"]), -t["cv_accuracy"], t["C"]))
    rows = [o for o in with_rare(calibration, pick["rare_docs"] or RARE_DOCS) if o["signals"] is not None]
    model = {**fit(rows, tuple(pick["features"]), pick["C"]), "C": pick["C"]}
    return {**model, "rare_docs": pick["rare_docs"]}, tried


def refit(calibration: list[dict]) -> dict:
    """DUPLICATE_MODEL's own signals, C and RARE_DOCS fitted anew (after a change to analysis or ranking,
    without choosing the signals again)."""
    names, c = tuple(DUPLICATE_MODEL["features"]), DUPLICATE_MODEL["C"]
    rows = [o for o in with_rare(calibration, RARE_DOCS) if o["signals"] is not None]
    print(f"  cv {cross_validated(rows, names, c):.4f}  C={c:<7}{'+'.join(names)} rare_docs={RARE_DOCS}")
    return {**fit(rows, names, c), "C": c}


def ablation(tried: list[dict], model: dict, signals: tuple[str, ...] = ALL_FEATURES) -> list[dict]:
    """The best cross-validated accuracy of the chosen signals with one left out or one added."""
    chosen = set(model["features"])
    variants = [("chosen", chosen)] + [(f"- {n}", chosen - {n}) for n in model["features"] if n != "score"]
    variants += [(f"+ {n}", chosen | {n}) for n in signals if n not in chosen]
    variants += [("score+crowd (previous model)", {"score", "crowd"}), ("score alone", {"score"})]
    out = []
    for label, names in variants:
        rows = [t for t in tried if set(t["features"]) == names]
        best = max(rows, key=lambda t: t["cv_accuracy"])
        out.append({"variant": label, "features": sorted(names), "cv_accuracy": best["cv_accuracy"],
                    "C": best["C"], "rare_docs": best["rare_docs"]})
        print(f"  {label:<30} cv {best['cv_accuracy']:.4f}")
    return out


# -- report ---------------------------------------------------------------------------------------


def belongs(observed: dict, where: str) -> bool:
    """Whether a case counts under `where`: "all", a register's name or a batch's id prefix."""
    return where in ("all", observed["register"]) or observed["id"].startswith(f"{where}-")


def measure(observed: list[dict]) -> dict:
    calibration = [o for o in observed if o["part"] == "calibrate"]
    refit = fit([o for o in calibration if o["signals"] is not None], ("score",), max(C_GRID))
    systems = {"threshold-0.49": lambda s: s["score"] >= OLD_THRESHOLD,
               "score-refit": model_decider(refit), "model-score-crowd": model_decider(PREVIOUS_MODEL),
               "model": model_decider(DUPLICATE_MODEL)}
    report = {"cases": str(CASES.relative_to(ROOT)), "model": DUPLICATE_MODEL, "score_refit": refit,
              "load_average_1min": round(os.getloadavg()[0], 2), "parts": {}}
    for part in ("calibrate", "held"):
        for where in ("all", "demo", "dekamer-2017", *WRITTEN_BATCHES):
            rows = [o for o in observed if o["part"] == part and belongs(o, where)]
            report["parts"][f"{part}/{where}"] = {name: scores(rows, flags(rows, d)) for name, d in systems.items()}
    report["unjudged_top_candidates"] = [
        {"id": o["id"], "top": o["top"], "title": o["top_title"], "score": o["signals"]["score"]}
        for o in observed if not o["top_judged"] and o["signals"]["score"] >= 0.3]
    # every candidate's score is kept for bench/duplicates_screen.py, not written
    report["observed"] = [{k: v for k, v in o.items() if k != "scores"} for o in observed]
    return report


def print_report(report: dict) -> None:
    print(f"{'part/register':<24}{'system':<19}{'right':>8}{'acc':>7}{'P':>7}{'R':>7}{'flagged':>9}")
    for key, systems in report["parts"].items():
        for name, s in systems.items():
            print(f"{key:<24}{name:<19}{s['flag_right']:>4}/{s['reports']:<3}{s['accuracy']:>7.3f}"
                  f"{s['precision']:>7.3f}{s['recall']:>7.3f}{s['flagged']:>9}")
    print(f"unjudged top candidates scoring >= 0.3: {len(report['unjudged_top_candidates'])}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="choose signals and fit on the calibration part")
    parser.add_argument("--postgres", action="store_true",
                        help="both registers on the PostgreSQL search backend (the demo register's database "
                             "stays SQLite); writes bench/results/duplicates_pg.json")
    parser.add_argument("--lsa", action="store_true",
                        help="with --fit: try the LSA cosine of report and candidate (search/semantic.py, the "
                             "shipped model) beside the model's signals; writes bench/results/duplicates_fit_lsa.json")
    parser.add_argument("--refit", action="store_true",
                        help="refit search/duplicates.py's own signals at its C and RARE_DOCS on the calibration "
                             "part (no choice of signals); prints the new DUPLICATE_MODEL")
    args = parser.parse_args(argv)
    cases = load_cases()
    if not available("dekamer-2017"):
        print("dekamer-2017 not found beside the repo (../shared/devsets): only the demo register's reports")
        cases = [c for c in cases if c["register"] == "demo"]
    print(f"{len(cases)} reports: " + ", ".join(f"{k[0]}/{k[1]}: {v}" for k, v in
                                                sorted(Counter((c['register'], c['part']) for c in cases).items())))
    observed = observe(cases, "postgres" if args.postgres else "whoosh", semantic_model() if args.lsa else None)
    if args.refit:
        print("DUPLICATE_MODEL = " + json.dumps(refit([o for o in observed if o["part"] == "calibrate"])))
        return 0
    if args.fit:
        # with --lsa: the chosen signals and the previous model's, each with and without the LSA cosine
        signals = (tuple(dict.fromkeys([*DUPLICATE_MODEL["features"], *PREVIOUS_MODEL["features"], "lsa"]))
                   if args.lsa else ALL_FEATURES)
        calibration = [o for o in observed if o["part"] == "calibrate"]
        if args.lsa:
            print(f"calibration reports whose report or top candidate the LSA model learned from: "
                  f"{sum(bool(o.get('lsa_trained')) for o in calibration)} of {len(calibration)}")
        model, tried = choose(calibration, signals)
        for row in tried[:15]:
            rare = f" rare_docs={row['rare_docs']}" if row["rare_docs"] else ""
            print(f"  cv {row['cv_accuracy']:.4f}  C={row['C']:<7}{'+'.join(row['features'])}{rare}")
        rare_docs = model.pop("rare_docs")
        if rare_docs:
            print(f"RARE_DOCS = {rare_docs}")
        print("DUPLICATE_MODEL = " + json.dumps(model))
        fitted = RESULTS.with_name("duplicates_fit_lsa.json" if args.lsa else "duplicates_fit.json")
        fitted.write_text(json.dumps({"chosen": {**model, "rare_docs": rare_docs},
                                      "ablation": ablation(tried, model, signals),
                                      "tried": tried}, indent=1) + "\n", encoding="utf-8")
        print(f"every subset's cross-validated accuracy written to {fitted}")
        return 0
    report = measure(observed)
    print_report(report)
    out = RESULTS.with_name("duplicates_pg.json") if args.postgres else RESULTS
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
