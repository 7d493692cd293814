"""The PostgreSQL backend: the shared contract plus what only PostgreSQL has.

Each test module run gets its own throwaway database on 127.0.0.1:5432 and
each backend its own table, dropped with the database at the end.
"""

from __future__ import annotations

import multiprocessing
from functools import partial
import threading
from collections import Counter

import pytest
from sqlalchemy import text

from search.analysis import ANALYSIS_VERSION, build_analyzer
from search.documents import SearchDocument
from search.postgres.backend import PostgresBackend
from search.postgres.sql import build_plan, build_row, build_tsvector, check_table_name, quote_lexeme
from search.query import parse_query

try:
    from .exclusive_check import check_exclusive_across_processes
except ImportError:  # tests/search is not a package under pytest's default import mode
    from exclusive_check import check_exclusive_across_processes
try:
    from .backend_contract import BackendContract, sample_documents, tiny_citation_finder
except ImportError:  # tests/search is not a package under pytest's default import mode
    from backend_contract import BackendContract, sample_documents, tiny_citation_finder


class TestPostgresContract(BackendContract):
    pass


# -- building without a database ----------------------------------------------


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer()


def test_lexemes_are_quoted_for_tsvector_and_tsquery():
    assert quote_lexeme("auto's") == "'auto''s'"
    assert quote_lexeme("a\\b") == "'a\\\\b'"


def test_tsvector_weights_title_a_body_b_with_a_gap(analyzer):
    literal = build_tsvector(analyzer.units("Rijksregister"), analyzer.units("rijksregister gegevens"))
    assert "'rijksregister':1A,3B" in literal


def test_tsvector_writes_a_compound_modifier_at_c_in_the_title_and_d_in_the_body(analyzer):
    literal = build_tsvector(analyzer.units("Ziekenwagens"), analyzer.units("ziekenwagens"))
    assert "'ziek':1C,3D" in literal and "'wag':1A,3B" in literal and "'ziekenwag':1A,3B" in literal


def test_row_keys_are_lowercase_and_facets_keep_case(analyzer):
    doc = SearchDocument(type="barrier", id="barrier:X", code="DR-1", title="Titel\x00", body="",
                         regulations=["DLB"], refs=["DLB:285"], status="gemeld")
    row = build_row(doc, analyzer)
    assert {"regulation=dlb", "ref=dlb:285", "code=dr-1", "status=gemeld"} <= set(row["keys"])
    assert "regulation=DLB" in row["facets"] and "\x00" not in row["title"]


def test_empty_query_plans_nothing(analyzer):
    assert build_plan(parse_query("de het"), analyzer).where is None


def test_filters_only_plan_is_unscored(analyzer):
    plan = build_plan(parse_query("status:opgelost"), analyzer, types=["barrier"])
    assert plan.text_clauses == 0 and plan.where.startswith("TRUE")
    assert ["status=opgelost"] in plan.params.values() and ["type=barrier"] in plan.params.values()


def test_phrase_and_citation_plan(analyzer):
    sq = parse_query('"aangetekende zending" art. 285 DLB -bezwaar', citation_finder=tiny_citation_finder)
    plan = build_plan(sq, analyzer)
    values = [v for v in plan.params.values() if isinstance(v, str)]
    assert any("<->" in v for v in values)
    assert ["ref=dlb:285"] in plan.params.values()
    assert "NOT " in plan.where


def test_table_name_is_checked():
    with pytest.raises(ValueError):
        check_table_name("x; DROP TABLE y")


# -- PostgreSQL specifics -------------------------------------------------------


def _stats(backend) -> tuple[dict, dict]:
    with backend._engine.connect() as conn:
        words = dict(conn.execute(text(f"SELECT word, docs FROM {backend.table}_words")).all())
        terms = dict(conn.execute(text(f"SELECT term, df FROM {backend.table}_terms")).all())
    return words, terms


def _expected_stats(backend) -> tuple[dict, dict]:
    words, terms = Counter(), Counter()
    with backend._engine.connect() as conn:
        for w, t in conn.execute(text(f"SELECT words, stat_terms FROM {backend.table}")):
            words.update(w)
            terms.update(t)
    return dict(words), dict(terms)


def test_creates_gin_indexes(make_backend):
    backend = make_backend()
    with backend._engine.connect() as conn:
        defs = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE tablename LIKE :t"),
                            {"t": backend.table + "%"}).scalars().all()
    assert sum("USING gin" in d for d in defs) >= 2


def test_statistics_follow_replace_and_delete(make_backend):
    backend = make_backend()
    backend.add(sample_documents())
    doc = sample_documents()[1]
    doc.title, doc.body = "Zwembadtoegang", "Het zwembad vraagt een papieren kaart."
    backend.add([doc])
    backend.delete(["barrier:DR-2022-005"])
    assert _stats(backend) == _expected_stats(backend)
    # The replaced and deleted words are no longer offered as corrections.
    assert backend.suggest("rijksregster") is None
    assert backend.suggest("zwenbad") == "zwembad"


def test_suggestion_without_trigram_extension(make_backend):
    backend = make_backend(trigram=False)
    backend.add(sample_documents())
    assert not backend.trigram
    assert backend.suggest("handtekenig") == "handtekening"
    assert backend.suggest("qqqqqqq") is None


def test_other_instance_sees_new_writes(make_backend):
    reader = make_backend()
    writer = make_backend(table=reader.table)
    writer.add(sample_documents()[:2])
    assert reader.count() == 2


def test_interrupted_rebuild_keeps_old_index(make_backend):
    backend = make_backend()
    backend.add(sample_documents())

    def broken():
        yield from sample_documents()[:2]
        raise RuntimeError("database weg")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken())
    assert backend.count() == len(sample_documents())
    assert backend.search(parse_query("rijksregister")).total == 1


def test_readers_see_old_index_during_rebuild(make_backend):
    backend = make_backend()
    backend.add(sample_documents())
    halfway, release = threading.Event(), threading.Event()

    def slow():
        yield from sample_documents()[:2]
        halfway.set()
        release.wait(10)

    worker = threading.Thread(target=backend.rebuild, args=(slow(),))
    worker.start()
    try:
        assert halfway.wait(10)
        assert backend.count() == len(sample_documents())
        assert backend.search(parse_query("taalwetgeving")).total == 1
    finally:
        release.set()
        worker.join(10)
    assert backend.count() == 2
    assert _stats(backend) == _expected_stats(backend)


def test_writer_waits_for_rebuild_and_lands_in_new_index(make_backend):
    backend = make_backend()
    other = make_backend(table=backend.table)
    halfway, release = threading.Event(), threading.Event()

    def slow():
        yield from sample_documents()[:2]
        halfway.set()
        release.wait(10)

    worker = threading.Thread(target=backend.rebuild, args=(slow(),))
    worker.start()
    assert halfway.wait(10)
    writer = threading.Thread(target=other.add, args=(sample_documents()[5:6],))
    writer.start()
    writer.join(0.3)
    assert writer.is_alive()  # waits on the rebuild, no error
    release.set()
    worker.join(10)
    writer.join(10)
    assert backend.count() == 3


def _write_versions(url: str, table: str, prefix: str, n: int) -> None:
    backend = PostgresBackend(url, table=table)
    for version in ("eerste", "tweede"):
        for i in range(n):
            backend.add([SearchDocument(type="barrier", id=f"barrier:{prefix}-{i % 5}-{i}", code=f"{prefix}-{i}",
                                        title=f"{version} versie", body=f"{prefix} gedeeld document {i}")])
    backend.close()


def test_two_processes_writing_lose_nothing(make_backend, search_db_url):
    backend = make_backend()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    procs = [ctx.Process(target=_write_versions, args=(search_db_url, backend.table, p, 15)) for p in ("PA", "PB")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    assert backend.count() == 30
    assert backend.search(parse_query("tweede versie"), page_size=50, facets=False).total == 30
    assert backend.search(parse_query("eerste"), facets=False).total == 0
    assert _stats(backend) == _expected_stats(backend)


def test_long_and_odd_text_is_indexed(make_backend):
    backend = make_backend()
    body = "a" * 5000 + " auto's \\ § 2 3° " + " gemeente" * 400
    backend.add([SearchDocument(type="barrier", id="barrier:L", code="L", title="Lang", body=body)])
    assert backend.search(parse_query("auto's")).total == 1
    assert backend.search(parse_query("gemeente")).total == 1


def test_exclusive_holds_across_processes(make_backend, search_db_url, tmp_path):
    backend = make_backend()
    check_exclusive_across_processes(backend, partial(PostgresBackend, table=backend.table), (search_db_url,),
                                     tmp_path)


def _public_words(backend) -> tuple[dict, dict]:
    """The public vocabulary table, and what the public rows say it should hold."""
    expected: Counter = Counter()
    with backend._engine.connect() as conn:
        held = dict(conn.execute(text(f"SELECT word, docs FROM {backend.table}_pub_words")).all())
        for (words,) in conn.execute(text(f"SELECT words FROM {backend.table} WHERE public")):
            expected.update(words)
    return held, dict(expected)


def test_public_vocabulary_follows_publishing_and_withdrawing(make_backend):
    backend = make_backend()
    docs = sample_documents()
    backend.add(docs)
    assert _public_words(backend) == ({}, {})
    docs[4].public = True  # DR-2022-005, the only record with "rijksregister"
    backend.add([docs[4]])
    held, expected = _public_words(backend)
    assert held == expected and held["rijksregister"] == 1
    assert backend.suggest("rijksregster", public_only=True) == "rijksregister"
    docs[4].public = False
    backend.add([docs[4]])
    assert _public_words(backend) == ({}, {})
    assert backend.suggest("rijksregster", public_only=True) is None
    docs[4].public = True
    backend.rebuild(docs)
    held, expected = _public_words(backend)
    assert held == expected and held["rijksregister"] == 1


def test_a_table_from_before_public_gets_the_column_and_asks_for_a_rebuild(make_backend):
    backend = make_backend()
    docs = sample_documents()
    for doc in docs:
        doc.public = doc.type == "barrier"
    backend.add(docs)
    with backend._engine.begin() as conn:  # the layout of an index written before `public` existed
        conn.execute(text(f"ALTER TABLE {backend.table} DROP COLUMN public, DROP COLUMN public_words"))
        conn.execute(text(f"DROP TABLE {backend.table}_pub_words"))
    assert not backend.stale
    reopened = make_backend(table=backend.table)
    assert reopened.stale
    # until the rebuild every row counts as not public: anonymous visitors see nothing rather than too much
    assert reopened.search(parse_query("rijksregister", public_only=True)).total == 0
    assert reopened.search(parse_query("rijksregister")).total == 1
    reopened.rebuild(docs)
    assert reopened.search(parse_query("rijksregister", public_only=True)).total == 1
    assert not make_backend(table=backend.table).stale


def test_stored_field_lengths_are_the_positions_each_field_holds_in_the_tsvector(make_backend):
    """BM25 reads the title's and body's lengths from the row (search.postgres.sql.field_lengths): they
    must be what PostgreSQL holds in the tsvector, counted by weight (A, C title; B, D body)."""
    backend = make_backend()
    backend.add(sample_documents())
    with backend._engine.connect() as conn:
        rows = conn.execute(text(
            f"SELECT id, lengths, (SELECT ARRAY[count(*) FILTER (WHERE x.w IN ('A', 'C')), "
            f"count(*) FILTER (WHERE x.w IN ('B', 'D'))] FROM unnest(tsv) u, unnest(u.positions, u.weights) "
            f"AS x(p, w)) AS counted FROM {backend.table}")).all()
    assert len(rows) == len(sample_documents())
    assert all(r.lengths == r.counted and r.lengths[1] > 0 for r in rows), rows


def test_a_table_from_before_field_lengths_gets_the_column_and_asks_for_a_rebuild(make_backend):
    backend = make_backend()
    docs = sample_documents()
    backend.add(docs)
    with backend._engine.begin() as conn:  # the layout of an index written before the lengths were stored
        conn.execute(text(f"ALTER TABLE {backend.table} DROP COLUMN lengths"))
    reopened = make_backend(table=backend.table)
    assert reopened.stale
    assert reopened.search(parse_query("rijksregister")).total == 1  # searchable (unnormalised) until rebuilt
    reopened.rebuild(docs)
    assert not make_backend(table=backend.table).stale
    with backend._engine.connect() as conn:
        assert conn.execute(text(f"SELECT bool_and(lengths[2] > 0) FROM {backend.table}")).scalar_one()


def test_a_table_written_by_another_analysis_version_asks_for_a_rebuild(make_backend):
    """The terms a table holds depend on the analysis: a table from another ANALYSIS_VERSION (or from
    before versions were kept) is stale until rebuilt, so an upgrade never searches old terms."""
    backend = make_backend()
    backend.add(sample_documents())
    assert not make_backend(table=backend.table).stale
    with backend._engine.begin() as conn:  # a table written before versions were kept
        conn.execute(text(f"COMMENT ON TABLE {backend.table} IS NULL"))
    reopened = make_backend(table=backend.table)
    assert reopened.stale
    reopened.rebuild(sample_documents())
    assert not make_backend(table=backend.table).stale
    with backend._engine.begin() as conn:  # written by the version before this one
        conn.execute(text(f"COMMENT ON TABLE {backend.table} IS 'drempelbank-analyse {ANALYSIS_VERSION - 1}'"))
    assert make_backend(table=backend.table).stale


def test_generation_counts_every_write_seen_from_every_process(make_backend):
    """What is kept per state of the index (similar records, the semantic pass's matrix) is kept per
    generation: every write, by any backend on the table, moves it on, a rebuild and a clear included."""
    first = make_backend()
    other = make_backend(table=first.table)
    seen = [other.generation()]
    first.add(sample_documents()[:3])
    seen.append(other.generation())
    first.delete(["barrier:DR-2024-001"])
    seen.append(other.generation())
    first.rebuild(sample_documents())
    seen.append(other.generation())
    first.clear()
    seen.append(other.generation())
    assert seen == sorted(set(seen)), seen
    assert first.generation() == other.generation()
