"""Search quality on the labelled Dutch query set: the register against two Whoosh baselines.

Runs `python -m bench.evaluate` (same arguments): prints nDCG@10, MRR and Recall@10 per
system, overall and per category, and writes bench/results/quality.json.

    .venv/bin/python bench/bench_quality.py [--queries PATH] [--json]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.evaluate import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
