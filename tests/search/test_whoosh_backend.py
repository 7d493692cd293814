"""The Whoosh backend: the shared contract plus what only Whoosh has."""

from __future__ import annotations

import importlib
import itertools
import multiprocessing
import os
import sys
import threading
import time

import pytest
from whoosh import query as wq
from whoosh.index import LockError

import search.whoosh.backend as whoosh_backend
from search.backend import IndexBusyError
from search.documents import SearchDocument
from search.query import parse_query
from search.whoosh.backend import WhooshBackend, build_fields, build_whoosh_query, dutch_analyzer
from search.whoosh.analyzer import WhooshDutchAnalyzer
from search.whoosh.matching import match
from search.whoosh.query import highlight_terms
from search.snippets import SNIPPET_CHARS, snippet

try:
    from .exclusive_check import check_exclusive_across_processes
except ImportError:  # tests/search is not a package under pytest's default import mode
    from exclusive_check import check_exclusive_across_processes
try:
    from .backend_contract import BackendContract, sample_documents, tiny_citation_finder
except ImportError:  # tests/search is not a package under pytest's default import mode
    from backend_contract import BackendContract, sample_documents, tiny_citation_finder


@pytest.fixture
def make_backend(tmp_path):
    counter = itertools.count()
    opened = []

    def make(**kwargs):
        backend = WhooshBackend(tmp_path / f"index-{next(counter)}", **kwargs)
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.close()


class TestWhooshContract(BackendContract):
    pass


# -- building without searching ---------------------------------------------


@pytest.fixture(scope="module")
def analyzer():
    return dutch_analyzer()


def test_empty_query_builds_nothing(analyzer):
    assert build_whoosh_query(parse_query("  "), analyzer).query is None


def test_filters_only_build_every_with_filter(analyzer):
    plan = build_whoosh_query(parse_query("status:opgelost"), analyzer, types=["barrier"])
    assert isinstance(plan.query, wq.Every)
    assert ("status", "opgelost") in plan.filter.all_terms()
    assert ("type", "barrier") in plan.filter.all_terms()


def test_citation_builds_exact_ref_term(analyzer):
    sq = parse_query("aanplakking art. 285 DLB", citation_finder=tiny_citation_finder)
    plan = build_whoosh_query(sq, analyzer)
    terms = plan.query.all_terms()
    assert ("refs", "dlb:285") in terms and ("refs", "dlb") in terms  # the article, or its regulation
    assert not any(text in ("285", "dlb") for field, text in terms if field != "refs")


def test_phrase_and_exclusion_build_phrase_and_not(analyzer):
    plan = build_whoosh_query(parse_query('"aangetekende zending" -bezwaar'), analyzer)
    kinds = {type(q).__name__ for q in _walk(plan.query)}
    assert {"Phrase", "Not"} <= kinds


def test_unknown_filter_value_resolves_case_insensitively(analyzer):
    plan = build_whoosh_query(
        parse_query("regelgeving:dlb"), analyzer, resolve=lambda field, v: ["DLB"] if v == "dlb" else [v]
    )
    assert ("regulations", "DLB") in plan.filter.all_terms()


def test_build_fields_flattens_lists_and_skips_missing():
    doc = SearchDocument(type="barrier", id="barrier:X", code="X", title="t",
                         tags=["a,b", "c"], regulations=[])
    fields = build_fields(doc)
    assert fields["tags"] == "a b,c"
    assert "regulations" not in fields and "status" not in fields


def _walk(q):
    yield q
    for child in q.children():
        yield from _walk(child)


# -- Whoosh specifics ---------------------------------------------------------


def test_uses_the_dutch_analyzer(make_backend):
    backend = make_backend()
    assert isinstance(backend._ix.schema["body"].analyzer, WhooshDutchAnalyzer)


def test_reopening_keeps_the_index(make_backend, tmp_path):
    first = make_backend()
    first.add(sample_documents())
    again = WhooshBackend.open_or_create(first.path)
    assert again.count() == len(sample_documents())
    again.close()


def test_other_instance_sees_new_writes(make_backend):
    reader = make_backend()
    writer = WhooshBackend(reader.path)
    assert reader.count() == 0
    writer.add(sample_documents()[:2])
    assert reader.count() == 2
    writer.close()


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


def test_waits_for_a_held_lock(make_backend):
    backend = make_backend()
    held = backend._ix.writer()
    done = []
    worker = threading.Thread(target=lambda: done.append(backend.add(sample_documents()[:1])))
    worker.start()
    time.sleep(0.3)
    assert not done
    held.cancel()
    worker.join(timeout=10)
    assert done == [1] and backend.count() == 1


def test_lock_held_too_long_is_our_error_not_lockerror(make_backend):
    backend = make_backend(lock_timeout=0.2)
    held = backend._ix.writer()
    try:
        with pytest.raises(IndexBusyError) as caught:
            backend.add(sample_documents()[:1])
        assert not isinstance(caught.value, LockError)
    finally:
        held.cancel()


def _write_versions(path: str, prefix: str, n: int) -> None:
    backend = WhooshBackend(path)
    for version in ("eerste", "tweede"):
        for i in range(n):
            backend.add([SearchDocument(type="barrier", id=f"barrier:{prefix}-{i}", code=f"{prefix}-{i}",
                                        title=f"{version} versie", body=f"{prefix} document {i}")])
    backend.close()


def test_two_processes_writing_lose_nothing(make_backend):
    backend = make_backend()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    procs = [ctx.Process(target=_write_versions, args=(str(backend.path), p, 15)) for p in ("PA", "PB")]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    assert backend.count() == 30
    latest = backend.search(parse_query("tweede versie"), page_size=50, facets=False)
    assert latest.total == 30
    assert backend.search(parse_query("eerste"), facets=False).total == 0


# -- one matching pass, facets, snippets ------------------------------------


def _docs_in_segments(count: int, start: int = 0) -> list[SearchDocument]:
    """Small documents with a word shared by all and words shared by some."""
    return [SearchDocument(type="barrier", id=f"barrier:S-{i}", code=f"S-{i:03d}",
                           title=f"segment document {i}",
                           body=f"gedeelde tekst {'even' if i % 2 == 0 else 'oneven'} nummer{i % 3}",
                           status="opgelost" if i % 4 == 0 else "gemeld", year=2020 + i % 3)
            for i in range(start, start + count)]


@pytest.fixture
def segmented(make_backend):
    """An index of several segments with deletions, as after incremental writes."""
    backend = make_backend()
    for first in (0, 20, 40):
        backend.add(_docs_in_segments(20, first))
    backend.delete([f"barrier:S-{i}" for i in (3, 24, 45)])
    backend.add([SearchDocument(type="barrier", id="barrier:S-7", code="S-007", title="vervangen",
                                body="andere tekst", status="gemeld", year=2020)])
    return backend


@pytest.mark.parametrize("text", ["gedeelde", "oneven", "gedeelde nummer1", '"gedeelde tekst" -oneven',
                                  "segment OR vervangen", "status:opgelost", "jaar:2021 tekst"])
def test_one_pass_matching_equals_whoosh_own(segmented, text):
    with segmented._reading() as searcher:
        analyzer = searcher.schema["body"].analyzer
        plan = build_whoosh_query(parse_query(text), analyzer, types=["barrier"])
        ours = match(searcher, plan.query, plan.filter).global_docnums()
        allowed = set(searcher.docs_for_query(plan.filter))
        whoosh_own = {d for d in searcher.docs_for_query(plan.query) if d in allowed}
        assert len(list(searcher.leaf_searchers())) > 1
    assert ours == whoosh_own and ours


def test_total_and_facets_count_every_match_across_segments(segmented):
    results = segmented.search(parse_query("gedeelde"), page_size=5)
    expected = [d for d in _docs_in_segments(60) if d.code not in ("S-003", "S-024", "S-045", "S-007")]
    assert results.total == len(expected) and len(results.hits) == 5
    opgelost = sum(d.status == "opgelost" for d in expected)
    assert results.facets["status"] == {"gemeld": len(expected) - opgelost, "opgelost": opgelost}


def test_facet_values_with_equal_counts_are_ordered_by_value(make_backend):
    backend = make_backend()
    backend.add([SearchDocument(type="barrier", id=f"barrier:F-{s}", code=f"F-{s}", title="gelijk",
                                status=s) for s in ("opgelost", "gemeld", "in-analyse")])
    facets = backend.search(parse_query("gelijk")).facets
    assert list(facets["status"]) == ["gemeld", "in-analyse", "opgelost"]


def test_sorted_text_query_orders_all_matches(segmented):
    results = segmented.search(parse_query("gedeelde"), sort="code", page=2, page_size=10)
    all_codes = sorted(d.code for d in _docs_in_segments(60) if d.code not in ("S-003", "S-024", "S-045", "S-007"))
    assert [h.code for h in results.hits] == all_codes[10:20]
    assert all(h.score == 0.0 for h in results.hits)


def test_snippet_marks_every_inflected_form(analyzer):
    text = "De handtekening ontbreekt. Alle handtekeningen worden nagekeken."
    terms = highlight_terms(build_whoosh_query(parse_query("handtekening"), analyzer).query)
    marked = snippet(analyzer, text, terms)
    assert marked.count("<mark>") == 2
    assert "<mark>handtekeningen</mark>" in marked


def test_snippet_never_marks_an_excluded_word(analyzer):
    terms = highlight_terms(build_whoosh_query(parse_query("zending -bezwaar"), analyzer).query)
    marked = snippet(analyzer, "Een zending na een bezwaar.", terms)
    assert "<mark>zending</mark>" in marked and "<mark>bezwaar" not in marked


def test_snippet_of_long_text_is_cut_around_the_match(analyzer):
    filler = " ".join(f"woord{i}" for i in range(120))
    text = f"{filler} de aanplakking aan het gemeentehuis {filler}"
    terms = highlight_terms(build_whoosh_query(parse_query("aanplakking"), analyzer).query)
    marked = snippet(analyzer, text, terms)
    assert "<mark>aanplakking</mark>" in marked
    assert len(marked.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARS


def test_snippet_keeps_two_best_sentences_in_text_order(analyzer):
    text = ("Eerst de retributie. Dan iets anders. Een aangetekende zending en een retributie. "
            "Nog een aangetekende brief.")
    terms = highlight_terms(build_whoosh_query(parse_query("aangetekende retributie"), analyzer).query)
    first, best = snippet(analyzer, text, terms).split(" … ")
    # The sentence with both words, and of the equal others the first.
    assert best == "Een <mark>aangetekende</mark> zending en een <mark>retributie</mark>."
    assert first == "Eerst de <mark>retributie</mark>."


def test_snippet_without_match_is_the_escaped_start(analyzer):
    assert snippet(analyzer, "a < b & c", {"zzz"}) == "a &lt; b &amp; c"


def test_rebuild_uses_one_process_by_default(make_backend):
    assert make_backend()._rebuild_writer_args(1_000_000) == {}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="a parallel rebuild needs two processors")
def test_large_rebuild_writes_in_parallel_and_finds_everything(make_backend, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "PARALLEL_REBUILD_MIN", 10)
    backend = make_backend(writer_procs=2)
    backend.add(sample_documents()[:2])
    assert backend._rebuild_writer_args(60) == {"procs": 2, "multisegment": True}
    assert backend.rebuild(_docs_in_segments(60)) == 60
    assert backend.count() == 60
    assert backend.search(parse_query("gedeelde"), page_size=1).total == 60
    assert backend.search(parse_query("rijksregister")).total == 0


def test_rebuild_with_another_schema_stays_in_one_process(make_backend, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "PARALLEL_REBUILD_MIN", 10)
    first = make_backend()
    other = WhooshBackend(first.path, thesaurus={"entries": [{"terms": ["AVG", "GDPR"]}]}, writer_procs=2)
    try:
        assert other._rebuild_writer_args(60) == {}
        other.rebuild(_docs_in_segments(20))
        assert other.search(parse_query("gdpr")).total == 0 and other.count() == 20
    finally:
        other.close()


def test_exclusive_holds_across_processes(make_backend, tmp_path):
    backend = make_backend()
    check_exclusive_across_processes(backend, WhooshBackend, (str(backend.path),), tmp_path)


def test_an_index_whose_schema_names_a_class_that_is_gone_is_started_anew(tmp_path, monkeypatch):
    """An index written by an older version (its pickled analyzer class moved) must not stop the register."""
    module = tmp_path / "old_analysis.py"
    module.write_text("from whoosh.analysis import CompositeAnalyzer\n\n"
                      "class OldAnalyzer(CompositeAnalyzer):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import old_analysis
    from whoosh.analysis import RegexTokenizer

    old = WhooshBackend(tmp_path / "ix", analyzer=old_analysis.OldAnalyzer(RegexTokenizer()))
    old.add(sample_documents()[:2])
    old.close()
    monkeypatch.delitem(sys.modules, "old_analysis")
    module.unlink()
    importlib.invalidate_caches()

    backend = WhooshBackend(tmp_path / "ix")
    assert backend.stale and backend.count() == 0
    backend.add(sample_documents()[:1])
    backend.close()
    reopened = WhooshBackend(tmp_path / "ix")
    assert not reopened.stale and reopened.count() == 1
    reopened.close()


def test_an_index_without_the_public_field_asks_for_a_rebuild(tmp_path):
    """An index written before records carried `public` is marked stale; the rebuild installs the new fields."""
    from whoosh import index
    from whoosh.fields import Schema

    from search.whoosh.schema import build_schema

    current = build_schema(dutch_analyzer())
    old = Schema(**{name: current[name] for name in current.names() if name not in ("public", "public_words")})
    (tmp_path / "ix").mkdir()
    index.create_in(str(tmp_path / "ix"), old)
    docs = sample_documents()
    for doc in docs:
        doc.public = doc.type == "barrier"
    backend = WhooshBackend(tmp_path / "ix")
    assert backend.stale
    backend.rebuild(docs)
    backend.add(docs[:1])  # writers after the rebuild use the new fields too
    assert backend.search(parse_query("rijksregister", public_only=True)).total == 1
    assert backend.search(parse_query("rijksregster", public_only=True)).suggestion == "rijksregister"
    backend.close()
    reopened = WhooshBackend(tmp_path / "ix")
    assert not reopened.stale and reopened.count() == len(docs)
    reopened.close()


# -- similar records: what they read instead of analysing again --------------


def test_term_vectors_hold_what_analysing_title_and_body_gives(segmented):
    """Candidates of similar records are scored from stored term vectors: they must be the counts the
    analysis of the record's text gives, in every segment, a replaced record included."""
    from search.whoosh.similar import analyze_counts, vector_counts

    with segmented._reading() as searcher:
        analyzer = searcher.schema["body"].analyzer
        checked = 0
        for docnum, stored in searcher.iter_docs():
            expected, _ = analyze_counts(analyzer, f"{stored['title']}\n{stored['body']}")
            assert vector_counts(searcher, docnum) == expected
            checked += 1
        assert checked == 57 and len(list(searcher.leaf_searchers())) > 1


def test_similar_records_of_an_index_without_term_vectors_are_the_same(tmp_path):
    """An index written before term vectors is marked stale (rebuilt at start); until then similar
    records are computed by analysing the texts, with the same answer."""
    from whoosh import index
    from whoosh.fields import Schema

    from search.whoosh.schema import build_schema

    current = build_schema(dutch_analyzer())
    fields = {name: current[name] for name in current.names()}
    fields["title"] = type(current["title"])(analyzer=current["title"].analyzer, stored=True, field_boost=2.0)
    fields["body"] = type(current["body"])(analyzer=current["body"].analyzer, stored=True)
    (tmp_path / "old").mkdir()
    index.create_in(str(tmp_path / "old"), Schema(**fields))
    old, new = WhooshBackend(tmp_path / "old"), WhooshBackend(tmp_path / "new")
    assert old.stale and not new.stale
    with index.open_dir(str(tmp_path / "old")).writer() as writer:  # documents as an old version wrote them
        for doc in sample_documents():
            writer.add_document(**build_fields(doc))
    new.rebuild(sample_documents())
    for code in ("DR-2024-001", "DR-2024-002"):
        assert old.similar(f"barrier:{code}", limit=5) == new.similar(f"barrier:{code}", limit=5)
        assert new.similar(f"barrier:{code}", limit=5)
    old.close()
    new.close()


def test_document_frequencies_kept_per_segment_follow_every_commit(segmented):
    """Similar records keep document frequencies per segment between commits: they must equal the number
    of live records holding each term (Whoosh's own counts deleted ones until a merge) after new segments,
    deletions and a merge."""
    from whoosh import query as wq

    from search.whoosh.similar import SimilarCache

    cache = SimilarCache()

    def check():
        with segmented._reading() as searcher:
            df = cache.doc_frequency(searcher)
            terms = {t.decode() for t in searcher.reader().lexicon("body")}
            assert terms
            for term in terms:
                live = sum(len(list(searcher.docs_for_query(wq.Term(f, term)))) for f in ("body", "title"))
                assert df(term) == live

    check()
    segmented.add(_docs_in_segments(15, 100))
    segmented.delete(["barrier:S-101", "barrier:S-5"])
    check()
    segmented._ix.optimize()
    check()


@pytest.mark.parametrize("word", ["gedeeldt", "gedeedle", "tkest", "nummre", "sgement", "vervagnen", "ondeven"])
def test_spelling_candidates_are_whooshs_ranked_closest_first(segmented, word):
    """close_words finds exactly the words Whoosh's own corrector finds (transpositions count as one
    edit), and ranks them closest first, then the more frequent, as the PostgreSQL backend does."""
    from rapidfuzz.distance import OSA

    from search.whoosh.similar import close_words

    with segmented._reading() as searcher:
        reader, field = searcher.reader(), searcher.schema["words"]
        for maxdist in (1, 2):
            whoosh = searcher.corrector("words").suggest(word, limit=1000, maxdist=maxdist, prefix=1)
            ours = close_words(reader, "words", field, word, limit=1000, maxdist=maxdist)
            assert sorted(ours) == sorted(whoosh)
            ranks = [(OSA.distance(word, w), -reader.doc_frequency("words", w), w) for w in ours]
            assert ranks == sorted(ranks)
        assert close_words(reader, "words", field, word, limit=5, maxdist=2)


def test_key_terms_leave_out_terms_most_records_hold():
    from search.backend import key_terms
    from search.whoosh.similar import KEY_TERMS

    frequencies = {"minister": 9000, "trein": 400, "station": 120, "de": 10000}
    df = frequencies.__getitem__
    source = {"minister": 9.0, "trein": 3.0, "station": 5.0, "de": 8.0}
    ranked = sorted(source, key=source.get, reverse=True)
    assert key_terms(ranked, df, 10000, KEY_TERMS) == ["station", "trein"]
    assert key_terms(["minister", "de"], df, 10000, KEY_TERMS) == ["minister", "de"]  # nothing telling left
    assert key_terms(ranked, lambda t: frequencies[t] // 100, 100, KEY_TERMS) == ["minister", "de", "station", "trein"]
    many = [f"w{i}" for i in range(30)]
    assert key_terms(many, lambda _t: 1, 1000, KEY_TERMS) == many[:KEY_TERMS]


def test_why_says_a_shared_word_once_whatever_its_case():
    from search.backend import similarity

    source = {"eidas": 1.0, "loket": 0.8, "e-loket": 0.5}
    target = {"eidas": 0.9, "loket": 0.7, "e-loket": 0.4}
    surface = {"eidas": "eidas", "loket": "Loket", "e-loket": "e-loket"}
    _, why = similarity(source, target, ["EIDAS"], ["eidas"], surface)
    assert why == ["EIDAS", "Loket", "e-loket"]


def test_compact_drops_replaced_versions_from_the_term_statistics(tmp_path):
    """Whoosh counts a replaced record's old version in a term's document frequency until its segment is
    merged: similar records and the duplicate signals then depended on the index's history (`init
    --demo` indexes each barrier twice). After compact() they are those of an index built once."""
    docs = sample_documents()
    history, fresh = WhooshBackend(tmp_path / "history"), WhooshBackend(tmp_path / "fresh")
    history.add(docs + [SearchDocument(type="project", id=f"project:P{i}", code=f"P{i}", title=f"Project {i}",
                                       body="Een project zonder drempel.") for i in range(40)])
    history.delete([f"project:P{i}" for i in range(40)])
    history.add(docs)  # every record replaced once
    fresh.add(docs)
    try:
        def df(backend):
            with backend._reading() as searcher:
                return searcher.doc_frequency("body", "zending"), searcher.doc_count_all()

        assert df(history) != df(fresh)
        dropped = history.compact()
        assert dropped >= len(docs) and history.compact() == 0
        assert df(history) == df(fresh) and history.count() == fresh.count()
        similar = [(h.code, round(h.score, 9)) for h in history.similar("barrier:DR-2024-001")]
        assert similar == [(h.code, round(h.score, 9)) for h in fresh.similar("barrier:DR-2024-001")]
    finally:
        history.close()
        fresh.close()


def test_similar_records_do_not_depend_on_replaced_or_deleted_versions(tmp_path):
    """Between compactions an edited record's old version stays in its Whoosh segment: similar records and
    the duplicate decision's signals count only the records the index holds, as an index built once."""
    docs = sample_documents()
    history, fresh = WhooshBackend(tmp_path / "history"), WhooshBackend(tmp_path / "fresh")
    history.add(docs + [SearchDocument(type="project", id=f"project:P{i}", code=f"P{i}", title=f"Zending {i}",
                                       body="Een aangetekende zending over een retributie.") for i in range(40)])
    history.delete([f"project:P{i}" for i in range(40)])
    history.add(docs[:4])  # four records edited
    fresh.add(docs)
    try:
        with history._reading() as searcher:
            assert searcher.doc_count_all() > searcher.doc_count()  # the old versions are still there
        for code in ("DR-2024-001", "DR-2024-010", "DR-2022-005"):
            got = [(h.code, round(h.score, 9), h.why) for h in history.similar(f"barrier:{code}")]
            assert got == [(h.code, round(h.score, 9), h.why) for h in fresh.similar(f"barrier:{code}")]
        text = ("Aangetekende zending bij retributie", "De beslissing over een retributie gaat per aangetekende zending.")
        got = [(h.code, round(h.score, 9)) for h in history.more_like_text(*text)]
        assert got == [(h.code, round(h.score, 9)) for h in fresh.more_like_text(*text)]
    finally:
        history.close()
        fresh.close()


def test_an_index_written_by_another_analysis_version_is_stale_until_rebuilt(tmp_path):
    """The terms an index holds depend on the analysis: an index from another ANALYSIS_VERSION (or from
    before versions were kept) is rebuilt from the database at start, so an upgrade never searches old terms."""
    from search.analysis import ANALYSIS_VERSION, DutchAnalysis

    older = DutchAnalysis()
    older.version = ANALYSIS_VERSION - 1
    first = WhooshBackend(tmp_path / "index", analyzer=WhooshDutchAnalyzer(older))
    first.add(sample_documents())
    first.close()
    reopened = WhooshBackend(tmp_path / "index")
    assert reopened.stale
    reopened.rebuild(sample_documents())
    reopened.close()
    assert not WhooshBackend(tmp_path / "index").stale
    unversioned = DutchAnalysis.__new__(DutchAnalysis)
    unversioned.__setstate__({"thesaurus_data": {}, "compounds": True})  # pickled before versions were kept
    assert unversioned.version == 1 != ANALYSIS_VERSION
