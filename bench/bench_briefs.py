"""Policy brief figures: time and peak memory per format for a brief over 50 and over 500 barriers.

The 50 are the demo register; the 500 add 450 barriers generated from the demo texts (bench/generate.py).
Each brief is made in a fresh process, so its peak resident memory is its own (interpreter and
libraries included). Prints a table and writes bench/results/briefs.json.
Usage: python bench/bench_briefs.py [--formats md,html,docx,pdf]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMATS = ("md", "html", "docx", "pdf")


def build_register(path: Path, extra: int) -> str:
    from bench.generate import generated_barriers, write_jsonl
    from ingest.barrier_import import import_barriers
    from ingest.corpus import load_demo, load_reference
    from kb.db import make_engine, migrate

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    report = load_reference(engine=engine, corpus=ROOT / "corpus")
    load_demo(engine=engine, corpus=ROOT / "corpus", report=report)
    if extra:
        rows = generated_barriers(extra)
        source = write_jsonl(path.with_suffix(".jsonl"), rows)
        result = import_barriers(engine=engine, path=source, actor="bench")
        assert result.created == extra and not result.rejected, result.rejected[:3]
    engine.dispose()
    return url


def child(url: str, fmt: str) -> None:
    """Make one brief (not recorded) and print its figures as JSON."""
    from briefs.service import make_brief
    from kb.db import make_engine
    from sqlmodel import Session

    engine = make_engine(url)
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    with Session(engine) as session:
        made = make_brief(session=session, filters={}, fmt=fmt, actor="bench")
        session.rollback()
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # CPU seconds too: on a shared machine the wall clock also measures the neighbours.
    print(json.dumps({"barriers": len(made.brief.codes), "format": fmt, "seconds": round(seconds, 2),
                      "cpu_s": round(usage.ru_utime + usage.ru_stime - cpu_before, 2),
                      "peak_mb": round(usage.ru_maxrss / 1024), "bytes": len(made.data),
                      "load_average": round(os.getloadavg()[0], 1)}))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", nargs=2, metavar=("URL", "FORMAT"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    results = []
    with tempfile.TemporaryDirectory() as work:
        for extra in (0, 450):
            url = build_register(Path(work) / f"register-{extra}.db", extra)
            for fmt in args.formats.split(","):
                out = subprocess.run([sys.executable, __file__, "--child", url, fmt], capture_output=True, text=True,
                                     check=True, cwd=ROOT)
                figures = json.loads(out.stdout.strip().splitlines()[-1])
                results.append(figures)
                print(f"{figures['barriers']:>4} drempels  {fmt:<5} {figures['seconds']:>6.2f} s  "
                      f"cpu {figures['cpu_s']:>6.2f} s  piek {figures['peak_mb']:>4} MB  "
                      f"{figures['bytes'] / 1024:>7.0f} kB  (belasting {figures['load_average']})", flush=True)
    target = ROOT / "bench" / "results" / "briefs.json"
    target.write_text(json.dumps({"briefs": results}, indent=1) + "\n", encoding="utf-8")
    print(f"geschreven: {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
