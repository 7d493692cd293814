"""The two real development sets of ../shared/devsets as evaluation sets: documents, queries, judgements.

- legal-qa-dev: 51 Dutch legal questions with human judgements over 4,653 articles of 17 Dutch laws.
  Each law becomes a regulation, each row an article, mapped to search documents by the product's
  own `article_document`; questions run as article searches. Evaluation only (CC BY-NC-SA): read from
  ../shared at bench time, never copied into corpus/.
- own-legal (bench/eval/legal_queries.jsonl): 60 questions in legal-qa-dev's style over the same 4,653 articles,
  written and judged blind by a helper who read only that set (never the product) and drew its source articles
  at random away from legal-qa-dev's judged ones (session 15); half may guide changes, half is only measured.
- dekamer-2017: 3,811 written questions of the Belgian Chamber (CC0), of which only the evaluation half
  is used here (1,875 records): the other half (by title, search/semantic.py: training_part) is text the
  semantic ranker learns from, so no set is ever evaluated on text it was trained on. Each question is
  a record whose text is the question body without its title line; two query kinds:
  * "known-item": the title line as the query; the records with the same question text count 2, other
    records with the same title 1;
  * "descriptor": a thesaurus descriptor of the Chamber ("ELEKTRONISCHE OVERHEID") in lower case as the
    query; every record that carries it counts 1 (only descriptors on 3 to 30 records).
  The queries are a fixed seeded sample, so every run sees the same ones.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, ContextManager

from bench.evaluate import Query
from kb.models import Article, Regulation
from search.documents import SearchDocument
from search.records import article_document
from search.semantic import training_part

ROOT = Path(__file__).resolve().parents[1]
DEVSETS = Path(os.environ.get("DREMPELBANK_DEVSETS", ROOT.parent / "shared" / "devsets"))
SEED = 2017
KNOWN_ITEM_QUERIES = 300
DESCRIPTOR_QUERIES = 100
DESCRIPTOR_RECORDS = (3, 30)
OWN_LEGAL = ROOT / "bench" / "eval" / "legal_queries.jsonl"


@dataclass
class EvalSet:
    """Documents to index, queries with judgements, and the search scope the product runs them in."""

    name: str
    scope: str
    documents: list[SearchDocument]
    queries: list[Query]
    # document code -> the id the judgements use (articles: "KEY:number" -> "DOC0001")
    judged_id: dict[str, str] = field(default_factory=dict)
    # A context manager giving the product's search service for this set, when the set needs more
    # than its documents (our demo set: the whole demo register, so citations resolve).
    service: Callable[[], ContextManager] | None = None

    def judged(self, codes: list[str]) -> list[str]:
        return [self.judged_id.get(code, code) for code in codes]


def available(name: str) -> bool:
    return (DEVSETS / name).is_dir()


# -- legal-qa-dev -------------------------------------------------------------------------------------


def legal_qa_set(folder: Path | None = None) -> EvalSet:
    folder = folder or DEVSETS / "legal-qa-dev"
    documents, judged_id = _legal_articles(folder / "knowledge_corpus_small.csv")
    judgements: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (folder / "qrels_dev.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, doc, grade = line.split("\t")
            if int(grade) > 0:
                judgements[qid][doc] = int(grade)
    queries = []
    for line in (folder / "queries_dev.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, text = line.split("\t", 1)
            queries.append(Query(id=f"legal-{qid}", category="question", query=text.strip(),
                                 judgements=judgements.get(qid, {})))
    return EvalSet("legal-qa-dev", "articles", documents, queries, judged_id)


def own_legal_parts(folder: Path | None = None, path: Path = OWN_LEGAL) -> list[EvalSet]:
    """Our own blind questions over legal-qa-dev's articles (JSON lines: id, query, judgements by DOC_ID, the
    "style" of the question, its category: "close" to the article's words or in "own words", and its "part"):
    a part that may guide changes ("tune") and one only ever measured ("held")."""
    documents, judged_id = _legal_articles((folder or DEVSETS / "legal-qa-dev") / "knowledge_corpus_small.csv")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [EvalSet(f"own-legal-{part}", "articles", documents,
                    [Query(id=row["id"], category=row.get("style", "question"), query=row["query"],
                           judgements={doc: int(grade) for doc, grade in row["judgements"].items() if int(grade) > 0})
                     for row in rows if row["part"] == part], judged_id)
            for part in ("tune", "held")]


def _legal_articles(path: Path) -> tuple[list[SearchDocument], dict[str, str]]:
    """One regulation per law, one article per row; a repeated number keeps the row id beside it."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    regulations: dict[str, Regulation] = {}
    seen: set[tuple[str, str]] = set()
    documents, judged_id = [], {}
    for row in rows:
        law = row["law_id"]
        regulation = regulations.setdefault(law, Regulation(key=law, title=row["law_name"], kind="wet",
                                                            level="buitenlands", abbreviations=[]))
        number = re.sub(r"^artikel\s+", "", row["artikel"].strip(), flags=re.I) or row["DOC_ID"]
        if (law, number) in seen:
            number = f"{number} ({row['DOC_ID']})"
        seen.add((law, number))
        article = Article(number=number, heading=row["article_name"] or None, text=row["text"], status="geldend")
        doc = article_document(article, regulation)
        documents.append(doc)
        judged_id[doc.code] = row["DOC_ID"]
    return documents, judged_id


# -- dekamer-2017 -------------------------------------------------------------------------------------


def dekamer_records(path: Path | None = None) -> list[dict]:
    path = path or DEVSETS / "dekamer-2017" / "dekamer_2017.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_question(question: str) -> tuple[str, str]:
    """(title line, body) of a Chamber question."""
    title, _, body = question.partition("\n")
    return title.strip(), body.strip()


def dekamer_document(record: dict, *, with_title: bool = False) -> SearchDocument:
    title, body = split_question(record["question"])
    code = f"K{record['doc_id']}"
    return SearchDocument(type="barrier", id=f"barrier:{code}", code=code, title=title if with_title else "",
                          body=body, year=int(record["depotdat"][:4]) if record.get("depotdat") else None)


def evaluation_records(records: list[dict]) -> list[dict]:
    """The Chamber records the semantic ranker never learned from (search/semantic.py: training_part):
    the only ones any set here indexes or judges."""
    return [r for r in records if not training_part(split_question(r["question"])[0])]


def dekamer_set(path: Path | None = None) -> EvalSet:
    records = evaluation_records(dekamer_records(path))
    documents = [dekamer_document(r) for r in records]
    rng = random.Random(SEED)
    queries = _known_item_queries(records, rng) + _descriptor_queries(records, rng)
    return EvalSet("dekamer-2017", "barriers", documents, queries)


def _known_item_queries(records: list[dict], rng: random.Random) -> list[Query]:
    by_text: dict[str, list[str]] = defaultdict(list)
    by_title: dict[str, list[str]] = defaultdict(list)
    for record in records:
        title, body = split_question(record["question"])
        by_text[body].append(f"K{record['doc_id']}")
        by_title[title.lower()].append(f"K{record['doc_id']}")
    firsts = {}
    for record in records:
        title, body = split_question(record["question"])
        if len(title.split()) >= 2:
            firsts.setdefault(title.lower(), (title, body))
    chosen = rng.sample(sorted(firsts), min(KNOWN_ITEM_QUERIES, len(firsts)))
    queries = []
    for number, key in enumerate(chosen, start=1):
        title, body = firsts[key]
        judgements = {code: 1 for code in by_title[key]}
        judgements.update({code: 2 for code in by_text[body]})
        queries.append(Query(id=f"kamer-t{number:03d}", category="known-item", query=title, judgements=judgements))
    return queries


def _descriptor_queries(records: list[dict], rng: random.Random) -> list[Query]:
    holders: dict[str, list[str]] = defaultdict(list)
    for record in records:
        for descriptor in dict.fromkeys(record.get("question_theme") or []):
            holders[descriptor].append(f"K{record['doc_id']}")
    low, high = DESCRIPTOR_RECORDS
    eligible = sorted(d for d, codes in holders.items() if low <= len(codes) <= high)
    chosen = rng.sample(eligible, min(DESCRIPTOR_QUERIES, len(eligible)))
    return [Query(id=f"kamer-d{number:03d}", category="descriptor", query=descriptor.lower(),
                  judgements={code: 1 for code in holders[descriptor]})
            for number, descriptor in enumerate(chosen, start=1)]
