"""Memory of a streamed import: peak RSS after reading and writing a 5 MB and a 50 MB barrier file,
and after indexing them, each size in a fresh process.

Reading and writing stream the file (memory stays flat as the file grows); indexing is bounded by
the Whoosh writer's pool (writer_mb). Prints the figures and writes bench/results/bigfile.json.
Usage: python bench/bench_bigfile.py [--mb 5,50]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW_BYTES = 1210  # average size of a generated row, measured on 10,000 rows

PHASES = """
import json, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
from bench.generate import generated_barriers, write_jsonl
from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from drempelbank.setup import initialise
from ingest.barrier_import import import_barriers

rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
home = Path(tempfile.mkdtemp())
source = write_jsonl(home / "big.jsonl", generated_barriers({rows}, seed={rows}))
rt = Runtime(Settings(home=home))
initialise(rt, demo=False)
out = {{"file_mb": round(source.stat().st_size / 1e6, 1), "rows": {rows}, "peak_rss_mb_before": rss()}}
start = time.perf_counter()
report = import_barriers(engine=rt.engine, path=source, actor="bench")
out.update(import_s=round(time.perf_counter() - start, 1), import_rows_per_s=round({rows} / (time.perf_counter() - start)),
           peak_rss_mb_after_import=rss())
start = time.perf_counter()
rt.after_commit()
out.update(index_s=round(time.perf_counter() - start, 1), peak_rss_mb_after_index=rss(), created=report.created)
print(json.dumps(out))
"""


def measure(mb: int) -> dict:
    rows = mb * 1_000_000 // ROW_BYTES
    code = PHASES.format(root=str(ROOT), rows=rows)
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", default="5,50")
    args = parser.parse_args()
    results = []
    for mb in (int(m) for m in args.mb.split(",")):
        results.append(measure(mb))
        print(json.dumps(results[-1]), flush=True)
    (ROOT / "bench" / "results" / "bigfile.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
