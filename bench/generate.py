"""Generate realistic barrier files of any size from the demo register (for benchmarks and tests)."""

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "corpus" / "demo" / "barriers.jsonl"


def generated_barriers(count: int, *, seed: int = 7) -> list[dict]:
    """`count` barriers: demo texts recombined, with distinct codes and varied fields."""
    rng = random.Random(seed)
    demo = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = []
    for number in range(count):
        base, other = rng.choice(demo), rng.choice(demo)
        sentences = [s for s in (base["description"] + " " + other["description"]).split(". ") if s]
        rng.shuffle(sentences)
        year = 2021 + number % 6
        row = dict(base)
        row.update(
            code=f"GEN-{year}-{number:06d}",
            title=f"{base['title']} ({other['title'].split()[0].lower()} {number})",
            description=". ".join(sentences[: rng.randint(3, 7)]).strip() + ".",
            severity=rng.randint(1, 5),
            reported_on=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            regulations=list(dict.fromkeys(base.get("regulations", []) + other.get("regulations", [])[:1])),
            tags=list(dict.fromkeys(base.get("tags", []) + other.get("tags", [])[:1])),
            projects=[],
        )
        rows.append(row)
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
