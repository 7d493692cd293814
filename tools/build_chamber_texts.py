"""Builds corpus/chamber/: the training half of the Chamber's 2017 written questions and answers (CC0),
the text the semantic ranker (search/semantic.py) learns from besides the shipped legislation.

Run: python -m tools.build_chamber_texts [DEKAMER_JSONL]
DEKAMER_JSONL defaults to shared/devsets/dekamer-2017/dekamer_2017.jsonl beside the project.

Only records on the training side of `search.semantic.training_part` are written, so the other half stays
text the product never learned from (the search evaluation runs on it). The output is sorted by doc_id
and gzip-compressed without a timestamp, so a rebuild gives the same bytes.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

from search.semantic import CHAMBER_TEXTS, training_part

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "devsets" / "dekamer-2017" / "dekamer_2017.jsonl"
OUT = ROOT / "corpus" / CHAMBER_TEXTS
KEPT = ("doc_id", "depotdat", "question", "answer")


def build(source: Path, out: Path = OUT) -> int:
    records = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if training_part((record.get("question") or "").partition("\n")[0]):
            records.append({key: record.get(key) for key in KEPT})
    records.sort(key=lambda r: r["doc_id"])
    payload = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as zipped:
        zipped.write(payload)
    return len(records)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else SOURCE
    count = build(source)
    print(f"{count} Kamervragen (leerdeel) geschreven naar {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
