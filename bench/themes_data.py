"""Load the evaluation sets for bench_themes.py as ThemeDocs plus true labels.

dekamer-2017: each Chamber question becomes a barrier: code = "KV-<doc_id>", title = the
question's first line, text = the whole question; no regulation links (the set has none).
Only questions with a `question_theme_main` are scored. The demo set uses our own hand
labels in search/eval/demo_themes.json. legal-articles: articles of 17 Dutch laws from the
legal-qa development set (evaluation use only, never shipped), each article a barrier, its law
the true theme; a seeded sample keeps the run short.

Tuning and reporting are kept apart: `dekamer_half("even")` (even doc ids) is the only set the
clustering's settings were chosen on; the odd half, the demo set and the legal articles are
reported, never tuned on.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from search.themes import ThemeDoc

ROOT = Path(__file__).resolve().parents[1]
DEKAMER = ROOT.parent / "shared" / "devsets" / "dekamer-2017" / "dekamer_2017.jsonl"
DEMO = ROOT / "corpus" / "demo" / "barriers.jsonl"
DEMO_LABELS = ROOT / "search" / "eval" / "demo_themes.json"
LEGAL = ROOT.parent / "shared" / "devsets" / "legal-qa-dev" / "knowledge_corpus_small.csv"


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


def dekamer_half(parity: str) -> tuple[list[ThemeDoc], dict[str, str]]:
    """Questions with a main theme whose doc id is even ("even": the tuning half) or odd."""
    docs, labels = dekamer_docs()
    keep = {c for c in labels if int(c.removeprefix("KV-")) % 2 == (0 if parity == "even" else 1)}
    return [d for d in docs if d.code in keep], {c: labels[c] for c in keep}


def legal_articles() -> tuple[list[ThemeDoc], dict[str, str]]:
    """Articles of 17 Dutch laws (title = article name or number, text = the article); label = law."""
    csv.field_size_limit(10**8)
    with LEGAL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    docs = [ThemeDoc(code=r["DOC_ID"], title=r["article_name"] or r["artikel"], text=r["text"]) for r in rows]
    return docs, {r["DOC_ID"]: r["law_id"] for r in rows}


def sample(docs: list[ThemeDoc], labels: dict[str, str], size: int, seed: int
           ) -> tuple[list[ThemeDoc], dict[str, str]]:
    """A seeded sample of `size` labelled documents (a smaller register of the same kind)."""
    scored = sorted((d for d in docs if d.code in labels), key=lambda d: d.code)
    chosen = random.Random(seed).sample(scored, min(size, len(scored)))
    return chosen, {d.code: labels[d.code] for d in chosen}
