"""PostgreSQL full-text implementation of :class:`SearchBackend`, for several application servers.

The search table is derived data: the backend creates it (and its statistics and postings
tables) itself, outside kb's migrations, and ``rebuild`` recreates it from
the register. Text is analysed by search.analysis, the same Dutch analysis as
the Whoosh backend; SQL building lives in search.postgres.sql.

Writers serialise on one transaction-scoped advisory lock per table, so they
wait for each other instead of failing, and the word and term statistics
stay exact; readers take no lock and read one snapshot per search.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections import Counter
from contextlib import contextmanager
from typing import Iterable, Iterator, Sequence

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection

from search.analysis import MODIFIER_WEIGHT, build_analyzer
from search.backend import (
    TITLE_WEIGHT,
    Hit,
    Progress,
    SearchBackend,
    SearchResults,
)
from search.documents import SearchDocument
from search.postgres.sql import (
    STATS,
    TABLE_SUFFIXES,
    Plan,
    build_plan,
    build_row,
    check_table_name,
    index_ddl,
    insert_sql,
    order_sql,
    stat_deltas,
    stats_upsert_sql,
    table_ddl,
)
from search.postgres.postings import postings_changes, postings_read_sql, postings_sql, postings_write_sql
from search.postgres.schema import LOCK_SQL, setup_tables, vacuum, version_comment
from search.postgres.semantic_pass import admit, merge_facets
from search.postgres.similar import rank_similar
from search.opening import open_search
from search.query import SearchQuery
from search.snippets import snippet
from search.spelling import best_correction, max_distance, needs_correction, suggestion

log = logging.getLogger(__name__)

BATCH = 500
# The best records by ts_rank (which knows no inverse document frequency) re-scored with BM25F as Whoosh scores
# them (k1 1.2, b 0.75, the title TITLE_WEIGHT times the body), before the semantic ranker fuses its cosine with
# them: a rare query word then weighs more than a common one, and both backends rank alike. Field lengths count a
# field's (lexeme, position) entries, as Whoosh counts a compound's extras; their averages are the pool's.
# The ts_rank-scale bonuses are put on BM25's scale: a code or cited article (1.0) as Whoosh's REF_BOOST term
# scores, a named facet value (0.01) as FACET_BOOST, chosen on own-facet-tune (x 600: 0.908, x 300: 0.933).
# Tune sets, drempelbank-pg before -> after (bench/eval/README.md, session 10): dekamer-2017 0.771 -> 0.785,
# own-kamer-tune 0.855 -> 0.890, own-facet-tune 0.915 -> 0.933, legal-qa-dev 0.790 -> 0.785, own-demo 0.913 ->
# 0.905, own-kamer-tune2 0.783 -> 0.779, own-barriers-tune 0.777 -> 0.761.
BM25_POOL = 50
_K1, _B = 1.2, 0.75
BONUS_SCALE = 25.0
FACET_SCALE = 300.0
TRIGRAM_THRESHOLD = 0.2
TRIGRAM_CANDIDATES = 50
# The row fields whose statistics tables follow every add and delete (search.postgres.sql.STATS).
_STAT_COLUMNS = ", ".join(name for *_, name in STATS)


def sqlalchemy_url(url: str) -> str:
    """Accept plain libpq URLs too; the driver is psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class PostgresBackend(SearchBackend):
    """A search table in a PostgreSQL database, shared by every application server."""

    def __init__(self, url: str, *, table: str = "search_document", thesaurus: dict | None = None,
                 trigram: bool | None = None, engine=None):
        self.table = check_table_name(table)
        self.analyzer = build_analyzer(thesaurus)
        self._owns_engine = engine is None
        self._engine = engine if engine is not None else create_engine(sqlalchemy_url(url), pool_pre_ping=True)
        self.trigram = self._setup(trigram)

    # -- schema ------------------------------------------------------------

    def _setup(self, trigram: bool | None) -> bool:
        """The tables, created once even when several servers start together (search.postgres.schema)."""
        setup = setup_tables(self._engine, self.table, version=self.analyzer.version, trigram=trigram)
        self.stale = self.stale or setup.stale
        if setup.backfilled:
            vacuum(self._engine, [f"{self.table}_postings"])
        return setup.trigram

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            conn.execute(text(LOCK_SQL), {"name": self.table})
            yield conn
            # In the same transaction: a reader that sees the new generation sees the write.
            conn.execute(text(f"UPDATE {self.table}_generation SET generation = generation + 1"))

    def generation(self) -> int:
        """How many writes the table has had, by any process (search.postgres.schema.generation_ddl)."""
        with self._engine.connect() as conn:
            return conn.execute(text(f"SELECT generation FROM {self.table}_generation")).scalar_one()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """A session-level advisory lock, held on its own connection for the whole drain."""
        with self._engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(hashtext('drempelbank.sync'), hashtext(:name))"),
                         {"name": self.table})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(hashtext('drempelbank.sync'), hashtext(:name))"),
                             {"name": self.table})
                conn.commit()

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One snapshot for count, page and facets, so they agree with each other."""
        with self._engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                yield conn

    # -- writing -----------------------------------------------------------

    def add(self, docs: Iterable[SearchDocument]) -> int:
        latest = {doc.id: doc for doc in docs}  # the last version of an id wins
        if not latest:
            return 0
        rows = [build_row(doc, self.analyzer) for doc in latest.values()]
        ids = {"ids": [r["id"] for r in rows]}
        with self._writing() as conn:
            old = conn.execute(text(f"SELECT {_STAT_COLUMNS} FROM {self.table} WHERE id = ANY(:ids)"), ids).all()
            before = conn.execute(text(postings_read_sql(self.table)), ids).all()
            conn.execute(text(insert_sql(self.table)), rows)
            self._write_postings(conn, before, conn.execute(text(postings_read_sql(self.table)), ids).all())
            self._apply_stats(conn, self.table, rows, old)
        return len(latest)

    def _write_postings(self, conn: Connection, before: list, after: list) -> None:
        """The postings of rows rewritten from `before` to `after`, read from their tsv in the database
        within the write's transaction, so they always agree with the rows."""
        gone, new = postings_changes(before, after)
        delete_sql, insert_sql_ = postings_write_sql(self.table)
        if gone["terms"]:
            conn.execute(text(delete_sql), gone)
        if new["terms"]:
            conn.execute(text(insert_sql_), new)

    def delete(self, ids: Iterable[str]) -> int:
        ids = list(dict.fromkeys(ids))
        if ids:
            with self._writing() as conn:
                conn.execute(text(postings_sql(self.table, delete=True)), {"ids": ids})
                old = conn.execute(
                    text(f"DELETE FROM {self.table} WHERE id = ANY(:ids) RETURNING {_STAT_COLUMNS}"),
                    {"ids": ids},
                ).all()
                self._apply_stats(conn, self.table, [], old)
        return len(ids)

    @staticmethod
    def _apply_stats(conn: Connection, table: str, rows: list[dict], old: list) -> None:
        for index, (suffix, key, count, name) in enumerate(STATS):
            delta = stat_deltas((r[name] for r in rows), (o[index] for o in old))
            _write_counts(conn, table, suffix, key, count, delta)

    def rebuild(self, docs: Iterable[SearchDocument], progress: Progress | None = None) -> int:
        """Load a new table and swap it in at commit; an error leaves the old one untouched."""
        total = len(docs) if hasattr(docs, "__len__") else None
        new = f"{self.table}_r{uuid.uuid4().hex[:8]}"
        with self._writing() as conn:
            for statement in table_ddl(new):
                conn.execute(text(statement))
            written = self._load(conn, new, docs, progress, total)
            conn.execute(text(postings_sql(new, delete=False, ids=False)))
            for statement in index_ddl(new, trigram=self.trigram):
                conn.execute(text(statement))
            # Fresh tables have no planner statistics until autovacuum comes by.
            for suffix in TABLE_SUFFIXES:
                conn.execute(text(f"ANALYZE {new}{suffix}"))
            conn.execute(text(version_comment(new, self.analyzer.version)))
            self._swap(conn, new)
        vacuum(self._engine, [self.table, f"{self.table}_postings"])
        if progress:
            progress(written, total)
        return written

    def _load(self, conn: Connection, table: str, docs: Iterable[SearchDocument],
              progress: Progress | None, total: int | None) -> int:
        seen: set[str] = set()
        counts = [Counter() for _ in STATS]
        batch: list[dict] = []
        for doc in docs:
            if doc.id in seen:
                log.warning("dubbel document %s overgeslagen bij herbouw", doc.id)
                continue
            seen.add(doc.id)
            batch.append(build_row(doc, self.analyzer))
            if len(batch) >= BATCH:
                self._insert_batch(conn, table, batch, counts)
                batch = []
            if progress and len(seen) % 1000 == 0:
                progress(len(seen), total)
        self._insert_batch(conn, table, batch, counts)
        for (suffix, key, count, _name), delta in zip(STATS, counts):
            _write_counts(conn, table, suffix, key, count, delta)
        return len(seen)

    @staticmethod
    def _insert_batch(conn: Connection, table: str, batch: list[dict], counts: list[Counter]) -> None:
        if not batch:
            return
        conn.execute(text(insert_sql(table)), batch)
        for (_suffix, _key, _count, name), counter in zip(STATS, counts):
            for row in batch:
                counter.update(row[name])

    def _swap(self, conn: Connection, new: str) -> None:
        suffixes = TABLE_SUFFIXES
        conn.execute(text("DROP TABLE IF EXISTS " + ", ".join(self.table + s for s in suffixes)))
        for suffix in suffixes:
            conn.execute(text(f"ALTER TABLE {new}{suffix} RENAME TO {self.table}{suffix}"))
        indexes = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY(:t)"),
            {"t": [self.table + s for s in suffixes]},
        ).scalars()
        for name in list(indexes):
            if name.startswith(new):
                conn.execute(text(f"ALTER INDEX {name} RENAME TO {self.table}{name[len(new):]}"))

    def clear(self) -> None:
        with self._writing() as conn:
            conn.execute(text("TRUNCATE " + ", ".join(self.table + s for s in TABLE_SUFFIXES)))

    # -- reading -----------------------------------------------------------

    def count(self) -> int:
        with self._reading() as conn:
            return conn.execute(text(f"SELECT count(*) FROM {self.table}")).scalar_one()

    def _search(self, query: SearchQuery, out: SearchResults, *, types: list[str] | None, sort: str,
                facets: bool, near: Sequence[str] = ()) -> list[Hit]:
        with self._reading() as conn:
            opening = open_search(query, lambda any_terms, coord: build_plan(query, self.analyzer, types=types,
                                                                             any_terms=any_terms, coord=coord),
                                  lambda plan: self._total(conn, plan), int, empty=lambda plan: plan.where is None)
            if opening is None:
                return []
            plan, total = opening.plan, opening.found
            if opening.notice:
                out.notices.append(opening.notice)
            admitted = admit(conn, self.table, self.analyzer, query, types, near, plan) if near else []
            new = [row for row in admitted if not row.matched]
            out.total, out.matched = total + len(new), total
            if total:
                out.hits = self._page(conn, plan, sort, out.page, out.page_size)
            if facets and out.total:
                out.facets = merge_facets(self._facets(conn, plan) if total else {},
                                          [entry for row in new for entry in row.facets or ()])
            out.suggestion = suggestion(query, lambda word: self._correct(conn, word, query.public_only),
                                        opening.strict_total)
        order = {doc_id: i for i, doc_id in enumerate(near)}
        return [self._row_hit(row, 0.0, set()) for row in sorted(admitted, key=lambda row: order[row.id])]

    def _total(self, conn: Connection, plan: Plan) -> int:
        return conn.execute(text(f"SELECT count(*) FROM {self.table} WHERE {plan.where}"), plan.params).scalar_one()

    def _page(self, conn: Connection, plan: Plan, sort: str, page: int, page_size: int) -> list[Hit]:
        scored = sort == "relevance" and plan.text_clauses > 0
        start, end = (page - 1) * page_size, page * page_size
        if not (scored and plan.alternatives):
            return self._rows(conn, plan, sort, scored, start, end)
        # The pool re-scored, then (past it) the records ts_rank placed after it: no record on two pages.
        hits = self._bm25_pool(conn, plan)[start:end] if start < BM25_POOL else []
        return hits + (self._rows(conn, plan, sort, scored, max(start, BM25_POOL), end) if end > BM25_POOL else [])

    def _rows(self, conn: Connection, plan: Plan, sort: str, scored: bool, start: int, end: int) -> list[Hit]:
        sql = (f"SELECT id, type, code, title, body, display, {plan.rank if scored else '0'} AS score "
               f"FROM {self.table} WHERE {plan.where} ORDER BY {order_sql(sort, scored)} "
               f"LIMIT :_limit OFFSET :_offset")
        params = {**plan.params, "_limit": end - start, "_offset": start}
        return [self._row_hit(r, float(r.score) if scored else 0.0, plan.marks) for r in conn.execute(text(sql), params)]

    def _bm25_pool(self, conn: Connection, plan: Plan) -> list[Hit]:
        """The BM25_POOL best records by ts_rank, re-scored with BM25F and ordered by it."""
        lexemes = sorted({t for alts in plan.alternatives for alt in alts for t in alt})
        sql = (f"SELECT c.*, (SELECT array_agg(u.lexeme || ' ' || array_to_string(u.weights, '')) FROM unnest(c.tsv) u "
               f"WHERE u.lexeme = ANY(:_lex)) AS qt "
               f"FROM (SELECT id, type, code, title, body, display, tsv, lengths, {plan.rank} AS score, {plan.bonus} AS bonus, "
               f"{plan.facet} AS facet, {plan.factor} AS factor FROM {self.table} WHERE {plan.where} "
               f"ORDER BY {order_sql('relevance', True)} LIMIT :_limit) c")
        rows = list(conn.execute(text(sql), {**plan.params, "_lex": lexemes, "_limit": BM25_POOL}))
        if not rows:
            return []
        n = conn.execute(text(f"SELECT count(*) FROM {self.table}")).scalar_one()
        df = dict(conn.execute(text(f"SELECT term, df FROM {self.table}_terms WHERE term = ANY(:t)"),
                               {"t": lexemes}).all())
        idf = {t: max(0.1, math.log(n / (df.get(t, 0) + 1)) + 1) for t in lexemes}
        lens = [(r.lengths[0], r.lengths[1]) for r in rows]
        avg_t = max(1.0, sum(a for a, _ in lens) / len(lens))
        avg_b = max(1.0, sum(b for _, b in lens) / len(lens))

        def sat(tf: float, length: int, avg: float) -> float:
            return tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * length / avg)) if tf else 0.0

        scored = []
        for r, (tlen, blen) in zip(rows, lens):
            tf = {}
            for item in r.qt or ():
                lexeme, _, labels = item.rpartition(" ")
                tf[lexeme] = (labels.count("A") + MODIFIER_WEIGHT * labels.count("C"),
                              labels.count("B") + MODIFIER_WEIGHT * labels.count("D"))

            weight = {t: idf[t] * (TITLE_WEIGHT * sat(title_tf, tlen, avg_t) + sat(body_tf, blen, avg_b))
                      for t, (title_tf, body_tf) in tf.items()}
            text_score = sum(max((sum(weight[t] for t in alt) for alt in alts if all(t in weight for t in alt)),
                                 default=0.0) for alts in plan.alternatives)
            score = (text_score + BONUS_SCALE * float(r.bonus) + FACET_SCALE * float(r.facet)) * float(r.factor)
            scored.append((score, r))
        scored.sort(key=lambda pair: (-pair[0], pair[1].code, pair[1].id))
        return [self._row_hit(r, score, plan.marks) for score, r in scored]

    def _row_hit(self, r, score: float, marks: set[str]) -> Hit:
        return Hit(type=r.type, id=r.id, code=r.code, title=r.title, score=score,
                   snippet=snippet(self.analyzer, (r.display or {}).get("summary") or r.body, marks),
                   fields=dict(r.display or {}), text=r.body or "")

    def _facets(self, conn: Connection, plan: Plan) -> dict[str, dict[str, int]]:
        """Counts over the whole matching set; list fields count each of their values."""
        sql = (f"SELECT f, count(*) AS n FROM {self.table}, unnest({self.table}.facets) AS f "
               f"WHERE {plan.where} GROUP BY f ORDER BY n DESC, f")
        out: dict[str, dict[str, int]] = {}
        for entry, n in conn.execute(text(sql), plan.params):
            name, _, value = entry.partition("=")
            out.setdefault(name, {})[value] = n
        return out

    def record_texts(self) -> Iterator[tuple[str, str, str]]:
        with self._reading() as conn:
            rows = conn.execute(text(f"SELECT title, body, display->>'summary' FROM {self.table} "
                                    "ORDER BY type <> 'barrier'")).all()
        for title, body, summary in rows:
            yield title or "", body or "", summary or ""

    def id_texts(self) -> Iterator[tuple[str, str, str]]:
        with self._reading() as conn:
            rows = conn.execute(text(f"SELECT id, title, body FROM {self.table}")).all()
        for doc_id, title, body in rows:
            yield doc_id, title or "", body or ""

    def text_analysis(self):
        return self.analyzer

    # -- spelling ------------------------------------------------------------

    def suggest(self, word: str, *, public_only: bool = False) -> str | None:
        with self._reading() as conn:
            return self._correct(conn, word, public_only)

    def held_words(self, words: set[str], *, public_only: bool = False) -> set[str]:
        table = f"{self.table}_pub_words" if public_only else f"{self.table}_words"
        with self._reading() as conn:
            rows = conn.execute(text(f"SELECT word FROM {table} WHERE word = ANY(:words)"), {"words": sorted(words)})
            return {row[0] for row in rows}

    def _correct(self, conn: Connection, word: str, public_only: bool = False) -> str | None:
        word = (word or "").strip().lower()
        if not needs_correction(word):
            return None
        # The public vocabulary: an anonymous visitor is never offered a word only non-public records hold.
        words = f"{self.table}_pub_words" if public_only else f"{self.table}_words"
        if conn.execute(text(f"SELECT 1 FROM {words} WHERE word = :w"), {"w": word}).first():
            return None
        return best_correction(word, self._candidates(conn, word, words))

    def _candidates(self, conn: Connection, word: str, words: str) -> list[tuple[str, int]]:
        if self.trigram:
            conn.execute(text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"),
                         {"t": str(TRIGRAM_THRESHOLD)})
            sql = (f"SELECT word, docs FROM {words} WHERE word % :w "
                   f"ORDER BY similarity(word, :w) DESC, word LIMIT {TRIGRAM_CANDIDATES}")
            return [tuple(r) for r in conn.execute(text(sql), {"w": word})]
        # Without pg_trgm: every word of a possible length, compared in Python.
        reach = max_distance(word)
        sql = f"SELECT word, docs FROM {words} WHERE length(word) BETWEEN :lo AND :hi"
        return [tuple(r) for r in conn.execute(text(sql), {"lo": len(word) - reach, "hi": len(word) + reach})]

    # -- similarity ------------------------------------------------------------

    def similar(self, doc_id: str, *, limit: int = 10, types: Iterable[str] | None = None,
                public_only: bool = False) -> list[Hit]:
        with self._reading() as conn:
            row = conn.execute(text(f"SELECT type, title, body, display, public FROM {self.table} WHERE id = :id"),
                               {"id": doc_id}).first()
        if row is None or (public_only and not row.public):
            return []
        refs = (row.display or {}).get("refs") or []
        return self.more_like_text(row.title, row.body, limit=limit, refs=refs,
                                   types=types or [row.type], public_only=public_only, _exclude=doc_id)

    def more_like_text(
        self,
        title: str,
        body: str,
        *,
        limit: int = 10,
        refs: Iterable[str] = (),
        types: Iterable[str] | None = ("barrier",),
        public_only: bool = False,
        _exclude: str | None = None,
    ) -> list[Hit]:
        with self._reading() as conn:
            return rank_similar(conn, self.table, self.analyzer, title, body, list(refs), limit=limit,
                                types=list(types) if types else None, exclude=_exclude, public_only=public_only,
                                # similar() of an indexed record (it excludes itself) shows no duplicate decision
                                with_overlap=_exclude is None)

    def close(self) -> None:
        if self._owns_engine:
            self._engine.dispose()


def _write_counts(conn: Connection, table: str, suffix: str, key: str, count: str, delta: Counter) -> None:
    items = sorted((k, n) for k, n in delta.items() if n)
    if not items:
        return
    keys = [k for k, _ in items]
    conn.execute(text(stats_upsert_sql(table, suffix, key, count)), {"keys": keys, "counts": [n for _, n in items]})
    if any(n < 0 for _, n in items):
        conn.execute(text(f"DELETE FROM {table}{suffix} WHERE {key} = ANY(:keys) AND {count} <= 0"), {"keys": keys})
