"""Similar records on PostgreSQL: candidates from SQL, scores from search.backend's shared helpers.

Candidates are the records sharing the source's strongest terms or its
citations; each is then re-analysed and scored with the same tf-idf cosine
and idf formula as the Whoosh backend, so a score means the same on both
(the duplicate threshold is calibrated once).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from search.backend import Hit, key_terms, overlap, similarity, tfidf_vector
from search.postgres.sql import unit_terms

SIMILAR_TERMS = 25
# Weight of one shared citation when picking candidates (the Whoosh backend's REF_BOOST).
REF_CANDIDATE_WEIGHT = 5.0


def analyze_counts(analyzer, text_: str) -> tuple[Counter, dict[str, str]]:
    """Index-mode term counts, and the first written form of each term."""
    counts: Counter = Counter()
    surface: dict[str, str] = {}
    for unit in analyzer.units(text_):
        written = text_[unit.start:unit.end].lower()
        for term in unit_terms(unit):
            counts[term] += 1
            surface.setdefault(term, written if written.strip() else term)
    return counts, surface


class Idf:
    """log(1 + N / (1 + df)), df from the terms table (title and body counted apart, as in Whoosh)."""

    def __init__(self, conn: Connection, table: str):
        self.conn, self.table = conn, table
        self.total = max(1, conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
        self.df: dict[str, int] = {}

    def load(self, terms: Iterable[str]) -> "Idf":
        missing = sorted({t for t in terms if t not in self.df})
        if missing:
            found = dict(self.conn.execute(
                text(f"SELECT term, df FROM {self.table}_terms WHERE term = ANY(:t)"), {"t": missing}).all())
            self.df.update({t: found.get(t, 0) for t in missing})
        return self

    def __call__(self, term: str) -> float:
        return math.log(1.0 + self.total / (1.0 + self.df.get(term, 0)))


def candidates_sql(table: str, source: dict[str, float], refs: list[str], types: list[str] | None,
                   exclude: str | None, size: int, public_only: bool = False, idf: "Idf | None" = None,
                   ) -> tuple[str, dict]:
    """Rank by the summed weights of shared strong terms plus shared citations (with `idf`, whose
    document frequencies are loaded for the source's terms, only terms few records hold); best `size`
    first, equal sums by code.

    The shared terms are counted on the postings table (term, id), which an index answers alone;
    summing them from each matching record's tsv cost ~35 us a record, ~0.5 s at 100,000 documents
    (bench/results/search_pg_similar_before.json). Only the `size` records kept are read whole.
    """
    ranked = sorted(source, key=lambda t: (-source[t], t))
    top = (key_terms(ranked, lambda t: idf.df.get(t, 0), idf.total, SIMILAR_TERMS) if idf is not None
           else ranked[:SIMILAR_TERMS])
    params: dict = {"terms": top, "weights": [source[t] for t in top], "size": size,
                    "refs": [f"ref={r.lower()}" for r in refs]}
    held, cited = ["TRUE"], ["keys && CAST(:refs AS text[])"]
    if types:
        held.append("p.type = ANY(CAST(:types AS text[]))")
        cited.append("keys && CAST(:type_keys AS text[])")
        params["types"], params["type_keys"] = list(types), [f"type={t}" for t in types]
    if public_only:
        held.append("p.public")
        cited.append("public")
    if exclude:
        held.append("p.id <> :exclude")
        cited.append("id <> :exclude")
        params["exclude"] = exclude
    # A record's shared terms summed strongest first (the order of `top`), whatever plan PostgreSQL
    # picks: records sharing terms of equal weights get equal sums, and equal sums are ordered by code.
    words = (f"SELECT p.id, sum(w.weight ORDER BY w.n) "
             f"FROM unnest(CAST(:terms AS text[]), CAST(:weights AS float8[])) WITH ORDINALITY AS w(term, weight, n) "
             f"JOIN {table}_postings AS p ON p.term = w.term WHERE {' AND '.join(held)} GROUP BY p.id")
    cites = (f"SELECT id, cardinality(ARRAY(SELECT unnest(keys) INTERSECT SELECT unnest(CAST(:refs AS text[])))) "
             f"FROM {table} WHERE {' AND '.join(cited)}")
    if top and refs:
        scored = (f"SELECT coalesce(w.id, c.id), coalesce(w.sum, 0) + {REF_CANDIDATE_WEIGHT} * coalesce(c.n, 0) "
                  f"FROM ({words}) AS w(id, sum) FULL JOIN ({cites}) AS c(id, n) ON c.id = w.id")
    elif refs:
        scored = f"SELECT id, CAST(0 AS float8) + {REF_CANDIDATE_WEIGHT} * n FROM ({cites}) AS c(id, n)"
    else:
        scored = words
    # The `size`-th best sum, so that only records at or above it are looked up for their code.
    kept = (f"WITH scored(id, pre) AS MATERIALIZED ({scored}), "
            f"cut AS (SELECT pre FROM scored ORDER BY pre DESC OFFSET :size - 1 LIMIT 1) "
            f"SELECT d.id, d.type, d.code, d.title, d.display, d.tsv, s.pre FROM scored AS s "
            f"JOIN {table} AS d ON d.id = s.id "
            f"WHERE s.pre >= coalesce((SELECT pre FROM cut), '-Infinity') ORDER BY s.pre DESC, d.code LIMIT :size")
    # Each candidate's term counts come from its tsvector (positions per lexeme: what analysing its
    # title and body gives, up to PostgreSQL's 256 positions a lexeme), not from analysing it again.
    sql = (f"SELECT id, type, code, title, display, pre, "
           f"ARRAY(SELECT lexeme FROM unnest(tsv) ORDER BY lexeme) AS lexemes, "
           f"ARRAY(SELECT cardinality(positions) FROM unnest(tsv) ORDER BY lexeme) AS counts "
           f"FROM ({kept}) AS candidates ORDER BY pre DESC, code")
    return sql, params


def rank_similar(conn: Connection, table: str, analyzer, title: str, body: str, refs: list[str], *,
                 limit: int, types: list[str] | None, exclude: str | None, public_only: bool = False,
                 with_overlap: bool = True, candidates: Callable[..., tuple[str, dict]] = candidates_sql,
                 ) -> list[Hit]:
    """Fetch candidates by key terms and shared refs, then score by tf-idf cosine (0..1, with why);
    `with_overlap`: also tell the `limit` best how they overlap the source (search.backend.overlap).
    `candidates` builds the candidate query (another one only to compare with, bench/bench_similar_pg.py)."""
    counts, surface = analyze_counts(analyzer, f"{title}\n{body}")
    if not counts and not refs:
        return []
    idf = Idf(conn, table)
    source = tfidf_vector(counts, idf.load(counts))
    sql, params = candidates(table, source, refs, types, exclude, max(3 * limit, 20), public_only, idf)
    rows = conn.execute(text(sql), params).all()
    targets = [(row, dict(zip(row.lexemes or [], row.counts or [], strict=True))) for row in rows]
    idf.load(t for _row, c in targets for t in c)
    ranked = []
    for row, target_counts in targets:
        display = dict(row.display or {})
        score, why = similarity(source, tfidf_vector(target_counts, idf), refs, display.get("refs") or [], surface)
        ranked.append((Hit(type=row.type, id=row.id, code=row.code, title=row.title,
                           score=round(score, 4), fields=display, why=why), target_counts))
    ranked.sort(key=lambda pair: (-pair[0].score, pair[0].code))
    ranked = ranked[:limit]
    if with_overlap:
        title_terms = analyze_counts(analyzer, title)[0]
        for hit, target_counts in ranked:
            hit.overlap = overlap(source, title_terms, target_counts, analyze_counts(analyzer, hit.title)[0],
                                  lambda t: idf.df.get(t, 0))
    return [hit for hit, _counts in ranked]
