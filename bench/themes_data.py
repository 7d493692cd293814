"""Load the evaluation sets for bench_themes.py as ThemeDocs plus true labels.

dekamer-2017: each Chamber question becomes a barrier: code = "KV-<doc_id>", title = the
question's first line, text = the whole question; no regulation links (the set has none).
Only questions with a `question_theme_main` are scored. The demo set uses our own hand
labels in search/eval/demo_themes.json.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from search.themes import ThemeDoc

ROOT = Path(__file__).resolve().parents[1]
DEKAMER = ROOT.parent / "shared" / "devsets" / "dekamer-2017" / "dekamer_2017.jsonl"
DEMO = ROOT / "corpus" / "demo" / "barriers.jsonl"
DEMO_LABELS = ROOT / "search" / "eval" / "demo_themes.json"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def dekamer_docs(*, with_theme_only: bool = True) -> tuple[list[ThemeDoc], dict[str, str]]:
    docs, labels = [], {}
    for row in _rows(DEKAMER):
        theme = row.get("question_theme_main")
        if with_theme_only and not theme:
            continue
        question = row["question"] or ""
        title = question.strip().splitlines()[0] if question.strip() else ""
        code = f"KV-{row['doc_id']}"
        docs.append(ThemeDoc(code=code, title=title, text=question, reported=_date(row.get("depotdat"))))
        if theme:
            labels[code] = theme
    return docs, labels


def dekamer_with_answers() -> list[ThemeDoc]:
    """Questions and answers as separate documents (for the 10,000-document timing)."""
    docs, _ = dekamer_docs(with_theme_only=False)
    answers = {f"KV-{r['doc_id']}": r.get("answer") or "" for r in _rows(DEKAMER)}
    extra = [ThemeDoc(code=d.code + "-A", title=d.title, text=answers[d.code]) for d in docs if answers[d.code].strip()]
    return docs + extra


def demo_docs() -> tuple[list[ThemeDoc], dict[str, str]]:
    labels = {code: theme for theme, codes in json.loads(DEMO_LABELS.read_text("utf-8"))["themes"].items()
              for code in codes}
    docs = []
    for row in _rows(DEMO):
        text = "\n".join(t for t in (row["title"], row["description"], row.get("proposed_solution") or "") if t)
        docs.append(ThemeDoc(code=row["code"], title=row["title"], text=text,
                             refs=tuple(row.get("regulations") or ()), reported=_date(row.get("reported_on"))))
    return docs, labels


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
