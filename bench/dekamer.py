"""Barrier files and queries made from the Belgian Chamber's written questions of 2017 (CC0).

The 3,811 questions are real Dutch administrative prose: each becomes one barrier (first line the
title, the rest the description). Larger registers recombine the questions' sentences, so term
statistics stay those of the real texts. Queries are the Chamber's own subject descriptors
(`question_theme`, e.g. "vervoer per spoor"), i.e. words a person chose to find these texts by.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from kb.enums import Kind, Level, Status, Werf

DEKAMER = Path("/work/shared/devsets/dekamer-2017/dekamer_2017.jsonl")
if not DEKAMER.exists():  # CI clones the repo beside a copy of shared/
    DEKAMER = Path(__file__).resolve().parents[2] / "shared" / "devsets" / "dekamer-2017" / "dekamer_2017.jsonl"
KINDS, LEVELS, STATUSES, WERVEN = ([m.value for m in e] for e in (Kind, Level, Status, Werf))
SENTENCE = re.compile(r"(?<=[.?!])\s+")


def questions() -> list[dict]:
    return [json.loads(line) for line in DEKAMER.read_text(encoding="utf-8").splitlines() if line.strip()]


def _split(question: str) -> tuple[str, str]:
    title, _, body = question.strip().partition("\n")
    title = title.strip().rstrip(".- ")[:300] or "Vraag"
    return title, (body.strip() or title)[:50_000]


def barrier_records(count: int, seed: int = 7) -> list[dict]:
    """`count` barriers in the exchange format: the real questions first, then recombinations."""
    rows = questions()
    rng = random.Random(seed)
    sentences = [s for r in rows for s in SENTENCE.split(_split(r["question"])[1]) if len(s) > 40]
    records = []
    for number in range(count):
        if number < len(rows):
            title, description = _split(rows[number]["question"])
        else:
            base = rows[number % len(rows)]
            title = f"{_split(base['question'])[0][:280]} ({number})"
            description = " ".join(rng.sample(sentences, rng.randint(3, 9)))
        records.append({"code": f"KV-{number:05d}", "title": title, "description": description,
                        "kind": rng.choice(KINDS), "werf": rng.choice(WERVEN), "level": rng.choice(LEVELS),
                        "status": rng.choice(STATUSES), "severity": rng.randint(1, 5),
                        "reported_on": rows[number % len(rows)]["depotdat"]})
    return records


def write_barriers(path: Path, count: int) -> list[str]:
    records = barrier_records(count)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [r["code"] for r in records]


def theme_queries(n: int, seed: int = 11) -> list[str]:
    """`n` subject descriptors, drawn by how often the Chamber used them."""
    descriptors = [t.lower() for r in questions() for t in (r.get("question_theme") or [])]
    rng = random.Random(seed)
    return [rng.choice(descriptors) for _ in range(n)]
