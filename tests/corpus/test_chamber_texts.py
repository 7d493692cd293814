"""The shipped Chamber texts hold the semantic ranker's training half only, and rebuild to the same bytes."""

import gzip
import json
from pathlib import Path

from search.semantic import CHAMBER_TEXTS, training_part
from tools.build_chamber_texts import build

SHIPPED = Path(__file__).resolve().parents[2] / "corpus" / CHAMBER_TEXTS


def test_every_shipped_question_is_training_text_and_has_an_answer():
    records = [json.loads(line) for line in gzip.open(SHIPPED, "rt", encoding="utf-8")]
    assert len(records) > 1_500
    assert all(training_part(r["question"].partition("\n")[0]) for r in records), "no evaluation text shipped"
    assert sum(bool(r["answer"]) for r in records) > 0.8 * len(records)  # a few questions were never answered
    assert [r["doc_id"] for r in records] == sorted(r["doc_id"] for r in records)


def test_build_keeps_the_training_half_and_gives_the_same_bytes_twice(tmp_path):
    titles = [f"Vraag {n} over de dienstverlening." for n in range(40)]
    source = tmp_path / "dekamer.jsonl"
    source.write_text("\n".join(json.dumps({"doc_id": 100 - n, "depotdat": "2017-01-04", "question": f"{t} \n\n Tekst.",
                                            "answer": "Antwoord.", "aut_person": "X"})
                                for n, t in enumerate(titles)), encoding="utf-8")
    first, second = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    kept = build(source, first)
    build(source, second)
    assert first.read_bytes() == second.read_bytes()
    assert kept == sum(training_part(t) for t in titles) and 0 < kept < len(titles)
    written = [json.loads(line) for line in gzip.open(first, "rt", encoding="utf-8")]
    assert set(written[0]) == {"doc_id", "depotdat", "question", "answer"}
