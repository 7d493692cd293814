"""CPU time (not wall time: the machine is shared) of similar() and check_duplicate() in-process
(check_duplicate: one generic text, and the texts of 20 barriers of the register).

    .venv/bin/python bench/bench_similar_cpu.py --home DIR --barriers N   # DIR built by bench_web_http.py
"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drempelbank.config import Settings  # noqa: E402
from drempelbank.runtime import Runtime  # noqa: E402

TEXT = ("De minister van Mobiliteit antwoordt over de NMBS en het treinverkeer tussen Brussel en Luxemburg, "
        "het station en de reizigers.")


def cpu_ms(fn, items) -> dict:
    samples = []
    for item in items:
        start = time.process_time()
        fn(item)
        samples.append(time.process_time() - start)
    samples.sort()
    return {"p50_ms": round(samples[len(samples) // 2] * 1000, 1),
            "p95_ms": round(samples[int(len(samples) * 0.95)] * 1000, 1)}


def own_texts(home: Path, codes: list[str]) -> list[dict]:
    """The title and description of these barriers, as bench_web_http.py wrote them: checked as new reports
    they meet other candidates each time (nothing analysed before)."""
    wanted, found = set(codes), {}
    with (home / "barriers.jsonl").open(encoding="utf-8") as stream:
        for line in stream:
            if '"code": "KV-' in line[:20]:
                row = json.loads(line)
                if row["code"] in wanted:
                    found[row["code"]] = row
    return [found[c] for c in codes if c in found]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--barriers", type=int, required=True)
    args = parser.parse_args(argv)
    rt = Runtime(Settings(home=args.home))
    rng = random.Random(3)
    codes = [f"KV-{rng.randrange(args.barriers):05d}" for _ in range(40)]
    rt.search.similar(codes[0], limit=8)
    report = {"first_view": cpu_ms(lambda c: rt.search.similar(c, limit=8), codes),
              "next_view": cpu_ms(lambda c: rt.search.similar(c, limit=8), codes),
              "check_duplicate": cpu_ms(lambda c: rt.search.check_duplicate(f"Vraag over {c}", TEXT), codes[:20]),
              "check_duplicate_own_texts": cpu_ms(lambda b: rt.search.check_duplicate(b["title"], b["description"]),
                                                  own_texts(args.home, codes[20:]))}
    rt.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
