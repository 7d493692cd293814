"""Memory of a streamed import: peak RSS of `drempelbank import barriers` for a 5 MB and a 50 MB file.

A streamed import keeps memory roughly flat as the file grows; reading the file whole would not.
Prints the figures and writes bench/results/bigfile.json. Usage: python bench/bench_bigfile.py [--mb 5,50]
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generate import generated_barriers, write_jsonl  # noqa: E402

ROW_BYTES = 1210  # average size of a generated row, measured on 10,000 rows


def measure(mb: int, work: Path) -> dict:
    rows = mb * 1_000_000 // ROW_BYTES
    source = write_jsonl(work / f"{mb}mb.jsonl", generated_barriers(rows, seed=mb))
    home = work / f"home-{mb}"
    binary = str(Path(sys.executable).parent / "drempelbank")
    subprocess.run([binary, "init", "--home", str(home)], check=True, capture_output=True)
    script = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
              "r = subprocess.run(sys.argv[1:], capture_output=True); "
              "print(r.returncode, time.perf_counter() - t, "
              "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", script, binary, "import", "barriers", str(source), "--home",
                          str(home)], check=True, capture_output=True, text=True).stdout.split()
    assert out[0] == "0", "import failed"
    return {"file_mb": round(source.stat().st_size / 1e6, 1), "rows": rows, "seconds": round(float(out[1]), 1),
            "rows_per_s": round(rows / float(out[1])), "peak_rss_mb": round(int(out[2]) / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", default="5,50")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (int(m) for m in args.mb.split(",")):
            results.append(measure(mb, Path(tmp)))
            print(json.dumps(results[-1]), flush=True)
    (ROOT / "bench" / "results" / "bigfile.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
