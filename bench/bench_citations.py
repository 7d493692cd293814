"""Citation extraction against the hand-labelled spans of ingest/citations_eval/.

Run: .venv/bin/python bench/bench_citations.py
Builds a throw-away register from corpus/ (so the catalogue is the shipped
one), runs the citation pipeline over every annotated text and prints
precision, recall and F1 of span detection (exact and overlapping spans) and
of resolution (overlapping span with the right ref). Writes
bench/results/citations.json.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlmodel import Session  # noqa: E402

from ingest.corpus import load_reference  # noqa: E402
from kb.db import make_engine, migrate  # noqa: E402
from kb.services.references import ReferenceIndex  # noqa: E402
from search.citations_nlp import citation_pipeline, citation_spans  # noqa: E402

SPANS = ROOT / "ingest" / "citations_eval" / "spans.jsonl"
BARRIERS = ROOT / "corpus" / "demo" / "barriers.jsonl"
OUT = Path(__file__).resolve().parent / "results" / "citations.json"
SUBSETS = {"vrije tekst": ("description", "proposed_solution"), "regulations-veld": ("regulations",)}


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def texts() -> dict[tuple, str]:
    """(code, field, item) → text, for every annotatable text of the demo barriers."""
    out = {}
    for b in load_jsonl(BARRIERS):
        for name in ("description", "proposed_solution"):
            if b.get(name):
                out[(b["code"], name, None)] = b[name]
        for item, typed in enumerate(b.get("regulations") or []):
            out[(b["code"], "regulations", item)] = typed
    return out


def resolver():
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate(engine)
        load_reference(engine=engine, corpus=ROOT / "corpus")
        with Session(engine) as session:
            index = ReferenceIndex(session)
        engine.dispose()
    return index.resolver


def predict(nlp, all_texts: dict[tuple, str]) -> dict[tuple, list[dict]]:
    out = {}
    for key, text in all_texts.items():
        out[key] = [{"start": s.start_char, "end": s.end_char, "text": s.text, "ref": s._.citation.ref}
                    for s in citation_spans(nlp(text))]
    return out


def match(gold: list[dict], pred: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of overlapping spans, largest overlap first."""
    pairs = []
    for g in gold:
        for p in pred:
            overlap = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if overlap > 0:
                pairs.append((overlap, id(g), id(p), g, p))
    used_g, used_p, out = set(), set(), []
    for _, gi, pi, g, p in sorted(pairs, key=lambda t: -t[0]):
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((g, p))
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp,
            "predicted": n_pred, "gold": n_gold}


def score(gold: dict[tuple, list[dict]], pred: dict[tuple, list[dict]], keys: list[tuple]) -> dict:
    exact = overlap = resolved = 0
    n_gold = sum(len(gold.get(k, [])) for k in keys)
    n_pred = sum(len(pred.get(k, [])) for k in keys)
    errors = []
    for key in keys:
        g_spans, p_spans = gold.get(key, []), pred.get(key, [])
        pairs = match(g_spans, p_spans)
        exact += sum(1 for g, p in pairs if (g["start"], g["end"]) == (p["start"], p["end"]))
        overlap += len(pairs)
        resolved += sum(1 for g, p in pairs if g["ref"] == p["ref"])
        errors += describe_errors(key, g_spans, p_spans, pairs)
    return {"spans_exact": prf(exact, n_pred, n_gold), "spans_overlap": prf(overlap, n_pred, n_gold),
            "resolution": prf(resolved, n_pred, n_gold),
            "ref_accuracy_on_found": round(resolved / overlap, 3) if overlap else 0.0, "errors": errors}


def describe_errors(key, g_spans, p_spans, pairs) -> list[dict]:
    where = f"{key[0]} {key[1]}" + (f"[{key[2]}]" if key[2] is not None else "")
    matched_g = {id(g) for g, _ in pairs}
    matched_p = {id(p) for _, p in pairs}
    out = [{"where": where, "kind": "gemist", "gold": g["text"], "ref": g["ref"]}
           for g in g_spans if id(g) not in matched_g]
    out += [{"where": where, "kind": "vals positief", "found": p["text"], "ref": p["ref"]}
            for p in p_spans if id(p) not in matched_p]
    for g, p in pairs:
        if (g["start"], g["end"]) != (p["start"], p["end"]) or g["ref"] != p["ref"]:
            out.append({"where": where, "kind": "grens of ref", "gold": g["text"], "found": p["text"],
                        "ref_gold": g["ref"], "ref_found": p["ref"]})
    return out


def typed_resolution(res, spans: list[dict]) -> dict:
    """The typed-field path (resolve(), not find()) on the regulations entries."""
    typed = [s for s in spans if s["field"] == "regulations"]
    correct = sum(1 for s in typed if res.resolve(s["text"]).ref == s["ref"])
    return {"entries": len(typed), "correct": correct, "accuracy": round(correct / len(typed), 3) if typed else 0.0}


def main() -> None:
    spans = load_jsonl(SPANS)
    all_texts = texts()
    gold: dict[tuple, list[dict]] = defaultdict(list)
    for s in spans:
        gold[(s["code"], s["field"], s.get("item"))].append(s)
    res = resolver()
    nlp = citation_pipeline(res)
    started = time.perf_counter()
    pred = predict(nlp, all_texts)
    elapsed = time.perf_counter() - started
    results = {"spans_annotated": len(spans), "texts": len(all_texts),
               "seconds": round(elapsed, 3), "texts_per_second": round(len(all_texts) / elapsed, 1)}
    for name, fields in {**SUBSETS, "alles": ("description", "proposed_solution", "regulations")}.items():
        results[name] = score(gold, pred, [k for k in all_texts if k[1] in fields])
    results["typed_resolve"] = typed_resolution(res, spans)
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    report(results)


def report(results: dict) -> None:
    print(f"{results['spans_annotated']} gelabelde citaten in {results['texts']} teksten "
          f"({results['texts_per_second']} teksten/s)")
    for name in (*SUBSETS, "alles"):
        r = results[name]
        print(f"\n{name}: {r['spans_exact']['gold']} gelabeld, {r['spans_exact']['predicted']} gevonden")
        for metric in ("spans_exact", "spans_overlap", "resolution"):
            m = r[metric]
            print(f"  {metric:14} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  (tp {m['tp']})")
        for e in r["errors"] if name != "alles" else ():
            print(f"    {e}")
    t = results["typed_resolve"]
    print(f"\nresolve() op getypte citaten: {t['correct']}/{t['entries']} = {t['accuracy']:.3f}")
    print(f"→ {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
