"""Figures for theme proposal: quality against true labels and speed/memory at scale.

Quality (NMI, adjusted Rand) on the dekamer-2017 Chamber questions that have a
`question_theme_main` (37 themes: all of them, and each half by doc id), on the 50 demo
barriers with our own hand labels (search/eval/demo_themes.json) and on 1,000 articles of
17 Dutch laws (legal-qa-dev, label = the law). Ours is NOT told the number of themes; the
informed baselines are TF-IDF (sklearn defaults + our Dutch stop words) with
AgglomerativeClustering given the TRUE number of themes, Ward and average-cosine
linkage, in the same run. Unassigned documents count as singletons.

Tuning: `--tune` runs the resolution grid on 13 registers drawn from the EVEN half of
dekamer only (100-600 questions, three seeds each, and the whole half); the resolution
with the best mean margin over the better baseline (min of the NMI and ARI margins) is the
default in search/themes/cluster.py. The odd half, demo and the law articles are never
tuned on; the default run reports them.

Speed: propose_themes on 1,000 and 10,000 documents, each size in its own child
process so peak RSS is that size's own; wall and CPU seconds and the machine's load
are recorded, because on a shared machine the wall time mostly measures the others. The 10,000 are dekamer questions (3,811),
their answers (3,483) and the questions again split into first and second half
(question halves fill the rest), in code order; assign() timed per document on a
model fitted on those 10,000.

    .venv/bin/python bench/bench_themes.py [--quick] [--speed-only] [--tune]
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from sklearn.cluster import AgglomerativeClustering  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from search.nlp import STOP_WORDS, get_lemmatizer  # noqa: E402
from search.themes import Pipeline, ThemeDoc, propose_themes  # noqa: E402
from search.themes.cluster import RESOLUTION  # noqa: E402
from themes_data import (  # noqa: E402
    dekamer_docs, dekamer_half, dekamer_with_answers, demo_docs, legal_articles, sample,
)

OUT = ROOT / "bench" / "results" / "themes.json"
TUNE_OUT = ROOT / "bench" / "results" / "themes_tuning.json"
TUNE_GRID = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0)
TUNE_SIZES, TUNE_SEEDS = (100, 200, 300, 600), (1, 2, 3)
THESAURUS = json.loads((ROOT / "corpus" / "thesaurus.json").read_text(encoding="utf-8"))


def scores(labels: dict[str, str], predicted: dict[str, int]) -> dict:
    codes = sorted(labels)
    truth = [labels[c] for c in codes]
    # An unassigned document is its own singleton: it is neither rewarded nor merged.
    pred = [predicted.get(c, -1 - i) for i, c in enumerate(codes)]
    return {"nmi": round(normalized_mutual_info_score(truth, pred), 3),
            "ari": round(adjusted_rand_score(truth, pred), 3), "k": len(set(p for p in pred if p >= 0))}


def ours(docs: list[ThemeDoc], labels: dict[str, str], resolution: float = RESOLUTION) -> dict:
    started = time.perf_counter()
    pipeline = Pipeline.default(thesaurus=THESAURUS)
    pipeline.cluster.resolution = resolution
    proposal = propose_themes(docs, pipeline=pipeline)
    seconds = time.perf_counter() - started
    predicted = {c: i for i, t in enumerate(proposal.themes) for c in t.members}
    result = scores(labels, predicted) | {"unassigned": len(proposal.unassigned), "seconds": round(seconds, 2)}
    result["labels"] = [f"{len(t.members)}: {t.label}" for t in proposal.themes[:12]]
    return result


def baselines(docs: list[ThemeDoc], labels: dict[str, str]) -> dict:
    docs = sorted(docs, key=lambda d: d.code)
    k = len(set(labels.values()))
    matrix = TfidfVectorizer(stop_words=sorted(STOP_WORDS), min_df=2 if len(docs) > 20 else 1).fit_transform(
        [d.title + "\n" + d.text for d in docs]).toarray()
    out = {}
    for name, kwargs in {"ward": {}, "average_cosine": {"metric": "cosine", "linkage": "average"}}.items():
        assigned = AgglomerativeClustering(n_clusters=k, **kwargs).fit_predict(matrix)
        out[name] = scores(labels, dict(zip((d.code for d in docs), (int(a) for a in assigned))))
    return out


def quality() -> dict:
    sets = {"dekamer": dekamer_docs(), "dekamer_even_half (tuning)": dekamer_half("even"),
            "dekamer_odd_half": dekamer_half("odd"), "demo": demo_docs(),
            "legal_articles_1000": sample(*legal_articles(), 1000, seed=1)}
    out = {}
    for name, (docs, labels) in sets.items():
        scored = [d for d in docs if d.code in labels]
        out[name] = {"documents": len(scored), "true_k": len(set(labels.values())),
                     "ours": ours(scored, labels), "ours_resolution_1": ours(scored, labels, 1.0),
                     "baseline_true_k": baselines(scored, labels)}
    return out


def margin(result: dict, base: dict) -> float:
    """How far `result` is above the better baseline on its weaker measure (negative: it loses)."""
    return min(result["nmi"] - max(b["nmi"] for b in base.values()), result["ari"] - max(b["ari"] for b in base.values()))


def tune() -> dict:
    """The resolution grid on registers drawn from the even half of dekamer only."""
    docs, labels = dekamer_half("even")
    registers = {f"{size}-seed{seed}": sample(docs, labels, size, seed) for size in TUNE_SIZES for seed in TUNE_SEEDS}
    registers["whole half"] = (docs, labels)
    rows = {}
    for name, (rdocs, rlabels) in registers.items():
        base = baselines(rdocs, rlabels)
        rows[name] = {str(r): margin(ours(rdocs, rlabels, r), base) for r in TUNE_GRID}
        print(name, " ".join(f"{r}:{m:+.3f}" for r, m in rows[name].items()), flush=True)
    summary = {str(r): {"won": sum(row[str(r)] > 0 for row in rows.values()),
                        "mean_margin": round(float(np.mean([row[str(r)] for row in rows.values()])), 4)}
               for r in TUNE_GRID}
    best = max(TUNE_GRID, key=lambda r: summary[str(r)]["mean_margin"])
    return {"registers": {k: {r: round(m, 3) for r, m in v.items()} for k, v in rows.items()},
            "summary": summary, "chosen": best}


def scale_docs(size: int) -> list[ThemeDoc]:
    docs = dekamer_with_answers()
    if len(docs) < size:
        questions, _ = dekamer_docs(with_theme_only=False)
        for q in questions:
            half = len(q.text) // 2
            docs.append(ThemeDoc(q.code + "-H1", q.title, q.text[:half]))
            docs.append(ThemeDoc(q.code + "-H2", q.title, q.text[half:]))
    return sorted(docs, key=lambda d: d.code)[:size]


def child(size: int) -> dict:
    """Run in a fresh process: time propose_themes and assign() at `size` documents."""
    docs = scale_docs(size)
    get_lemmatizer()  # the lemma tables load once per process, not per register
    started, cpu_started = time.perf_counter(), time.process_time()
    proposal = propose_themes(docs, thesaurus=THESAURUS)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    probes = [ThemeDoc(d.code + "-NEW", d.title, d.text) for d in docs[:: max(1, len(docs) // 200)]]
    timings, cpu_timings = [], []
    for doc in probes:
        t, c = time.perf_counter(), time.process_time()
        proposal.model.assign(doc)
        timings.append((time.perf_counter() - t) * 1000)
        cpu_timings.append((time.process_time() - c) * 1000)
    return {"documents": len(docs), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            "load_average_1min": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(), "themes": len(proposal.themes),
            "unassigned": len(proposal.unassigned), "steps": proposal.info["steps"],
            "assign_ms_p50": round(float(np.percentile(timings, 50)), 2),
            "assign_ms_p95": round(float(np.percentile(timings, 95)), 2), "assign_probes": len(timings),
            "assign_cpu_ms_p50": round(float(np.percentile(cpu_timings, 50)), 2),
            "assign_cpu_ms_p95": round(float(np.percentile(cpu_timings, 95)), 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def speed(sizes) -> dict:
    out = {}
    for size in sizes:
        run = subprocess.run([sys.executable, __file__, "--child", str(size)], capture_output=True, text=True, check=True)
        out[str(size)] = json.loads(run.stdout.strip().splitlines()[-1])
    return out


def table(results: dict) -> None:
    print(f"{'set':27} {'method':28} {'k':>4} {'NMI':>6} {'ARI':>6}")
    for name, q in results["quality"].items():
        o = q["ours"]
        print(f"{name:27} {'ours (k not given)':28} {o['k']:>4} {o['nmi']:>6} {o['ari']:>6}   "
              f"unassigned {o['unassigned']}, true k {q['true_k']}, {q['documents']} documents")
        c = q["ours_resolution_1"]
        print(f"{name:27} {'ours, resolution 1.0':28} {c['k']:>4} {c['nmi']:>6} {c['ari']:>6}")
        for base, b in q["baseline_true_k"].items():
            print(f"{name:27} {'TF-IDF+agglo ' + base + ' (true k)':28} {b['k']:>4} {b['nmi']:>6} {b['ari']:>6}")
        print(f"{'':27} labels: " + "; ".join(o["labels"][:8]))
    for size, s in results.get("speed", {}).items():
        print(f"{size:>6} docs: propose {s['seconds']} s wall, {s['cpu_seconds']} s CPU, load {s['load_average_1min']} "
              f"on {s['cpus']} CPUs ({s['themes']} themes, {s['unassigned']} unassigned), "
              f"assign p50 {s['assign_ms_p50']} ms p95 {s['assign_ms_p95']} ms wall "
              f"(CPU p50 {s['assign_cpu_ms_p50']} p95 {s['assign_cpu_ms_p95']}), peak RSS {s['peak_rss_mb']} MB")


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        print(json.dumps(child(int(sys.argv[2]))))
        return
    if "--tune" in sys.argv:
        tuning = tune()
        TUNE_OUT.write_text(json.dumps(tuning, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(json.dumps(tuning["summary"]), "chosen resolution:", tuning["chosen"])
        return
    if "--speed-only" in sys.argv and OUT.exists():  # keep the last quality figures, re-time only
        results = {"quality": json.loads(OUT.read_text(encoding="utf-8"))["quality"]}
    else:
        results = {"quality": quality()}
    results["speed"] = speed([1000] if "--quick" in sys.argv else [1000, 10000])
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table(results)


if __name__ == "__main__":
    main()
