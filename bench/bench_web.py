"""Server-side render time of the web pages with 10,000 barriers.

Generates barriers by recombining the sentences of the demo barriers (so texts, citations and
municipalities look real), imports them through ingest.barrier_import, indexes them, then times
the list, search and barrier pages and /api/search with FastAPI's TestClient (in-process, so the
figures are server time plus a negligible client overhead). Prints a table and writes
bench/results/web.json.

    .venv/bin/python bench/bench_web.py [--barriers 10000] [--requests 60]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from drempelbank.config import Settings  # noqa: E402
from drempelbank.runtime import Runtime  # noqa: E402
from drempelbank.setup import build_app, initialise  # noqa: E402
from ingest.barrier_import import import_barriers  # noqa: E402
from kb.db import session_scope  # noqa: E402
from kb.services.users import create_token, create_user  # noqa: E402

DEMO = ROOT / "corpus" / "demo" / "barriers.jsonl"
QUERIES = ["handtekening", "aangetekende zending", "art. 285 DLB", "e-loket", "bekendmaking gemeenteraad",
           "rijksregister machtiging", "digitaal archief", "betaling retributie", "persoonlijke verschijning",
           "AVG", "papieren formulier", "volmacht"]
FILTERS = [{}, {"status": "gemeld"}, {"kind": "juridisch"}, {"level": "vlaams"}, {"werf": "frontoffice"}]


def generate(path: Path, count: int, seed: int = 7) -> list[str]:
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences = [s.strip() + "." for d in demo for s in d["description"].split(".") if len(s.strip()) > 20]
    rng = random.Random(seed)
    codes = []
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            base = rng.choice(demo)
            code = f"GEN-{number:05d}"
            codes.append(code)
            record = {**{k: base.get(k) for k in ("kind", "werf", "level", "status", "severity", "regulations",
                                                   "projects", "municipalities", "tags")},
                      "code": code, "title": f"{base['title']} ({number})",
                      "description": " ".join(rng.sample(sentences, 4)), "reported_on": base.get("reported_on")}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return codes


def p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 1)


def timed(client: TestClient, urls: list[str]) -> dict[str, float]:
    samples = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
    return {"p50_ms": round(statistics.median(samples) * 1000, 1), "p95_ms": p95(samples), "requests": len(urls)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--barriers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        rt = Runtime(Settings(home=home))
        initialise(rt, demo=False)
        codes = generate(home / "barriers.jsonl", args.barriers)
        start = time.perf_counter()
        report = import_barriers(engine=rt.engine, path=home / "barriers.jsonl", actor="bench")
        imported_s = time.perf_counter() - start
        start = time.perf_counter()
        rt.after_commit()
        indexed_s = time.perf_counter() - start
        with session_scope(rt.engine) as session:
            create_user(session=session, name="bench", role="lezer", password="bench-wachtwoord")
            token = create_token(session=session, name="bench")
        client = TestClient(build_app(rt), headers={"Authorization": f"Bearer {token}"})
        n = args.requests
        pick = lambda items: [rng.choice(items) for _ in range(n)]  # noqa: E731
        client.get("/drempels")  # warm caches (templates, reference data) once
        lists = [f"/drempels?page={rng.randint(1, 50)}" + "".join(f"&{k}={v}" for k, v in f.items())
                 for f in pick(FILTERS)]
        figures = {
            "barriers": report.created, "import_s": round(imported_s, 1), "index_s": round(indexed_s, 1),
            "list_page": timed(client, lists),
            "search_page": timed(client, [f"/drempels?q={q}" for q in pick(QUERIES)]),
            "barrier_page": timed(client, [f"/drempels/{c}" for c in pick(codes)]),
            "api_search": timed(client, [f"/api/search?q={q}&limit=20" for q in pick(QUERIES)]),
        }
        rt.search.close()
        rt.close()
    print(f"{figures['barriers']} barriers (import {figures['import_s']} s, index {figures['index_s']} s)")
    for name in ("list_page", "search_page", "barrier_page", "api_search"):
        f = figures[name]
        print(f"{name:14} p50 {f['p50_ms']:7.1f} ms   p95 {f['p95_ms']:7.1f} ms   ({f['requests']} requests)")
    out = ROOT / "bench" / "results" / "web.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
