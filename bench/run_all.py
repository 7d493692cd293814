"""Run every benchmark script in turn (`make bench`); each prints its figures and writes bench/results/."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["bench_register.py", "bench_nlp.py", "bench_readers.py", "bench_citations.py", "bench_quality.py",
           "bench_duplicates.py", "bench_search.py", "bench_search_pg.py", "bench_web.py", "bench_web_http.py",
           "load.py", "fuzz_api.py", "bench_briefs.py", "bench_themes.py"]


def main() -> int:
    failed = []
    for script in SCRIPTS:
        if not (HERE / script).exists():
            continue
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script)], cwd=HERE.parent).returncode != 0:
            failed.append(script)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
