"""The demo barriers as ThemeDocs: the real shipped register the theme tests cluster."""
import datetime as dt
import json
from functools import lru_cache

from search.themes import ThemeDoc
from tests.conftest import CORPUS


@lru_cache(maxsize=1)
def demo_docs() -> tuple[ThemeDoc, ...]:
    docs = []
    for line in (CORPUS / "demo" / "barriers.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = "\n".join(t for t in (row["title"], row["description"], row.get("proposed_solution") or "") if t)
        docs.append(ThemeDoc(row["code"], row["title"], text, tuple(row.get("regulations") or ()),
                             dt.date.fromisoformat(row["reported_on"])))
    return tuple(docs)


@lru_cache(maxsize=1)
def thesaurus() -> dict:
    return json.loads((CORPUS / "thesaurus.json").read_text(encoding="utf-8"))
