"""Contract tests every SearchBackend must pass.

A backend's test module subclasses :class:`BackendContract` and provides a
``make_backend`` fixture returning a factory of fresh, empty backends. The
documents are short barrier-like texts written for these tests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from search.backend import SearchBackend, SearchResults
from search.documents import SearchDocument
from search.facet_words import facet_matches, without_scope_words
from search.query import parse_query
from search.semantic import SemanticModel, SemanticRanker

WEDDING_CODE = "DR-2021-020"
# Texts from which a model learns that "trouwen" and "huwelijk" (and "ambtenaar", "burgerlijke stand") go
# together, as it learns other pairs: four subjects, six texts each.
MEANING_TEXTS = [
    *[f"Trouwen {i}: het huwelijk wordt voltrokken door de ambtenaar van de burgerlijke stand." for i in range(6)],
    *[f"Fietsen {i}: de fietsenstalling en het rijwiel van de fietser." for i in range(6)],
    *[f"Huisvuil {i}: de container voor restafval en de ophaling door de intercommunale." for i in range(6)],
    *[f"Subsidie {i}: de toelage of premie voor de aanvrager van de tegemoetkoming." for i in range(6)],
]



SHIPPED_THESAURUS = json.loads((Path(__file__).resolve().parents[2] / "corpus" / "thesaurus.json").read_text("utf-8"))


def _shipped_thesaurus_register(make_backend, records: list[tuple[str, str, str]]):
    """A backend with the shipped thesaurus holding barriers given as (code, title, body)."""
    backend = make_backend(thesaurus=SHIPPED_THESAURUS)
    backend.add([_barrier(code, title, body) for code, title, body in records])
    return backend


def _barrier(code, title, body, **kw) -> SearchDocument:
    kw.setdefault("status", "gemeld")
    kw.setdefault("kind", "juridisch")
    return SearchDocument(type="barrier", id=f"barrier:{code}", code=code, title=title, body=body, **kw)


def sample_documents() -> list[SearchDocument]:
    return [
        _barrier("DR-2024-001", "Aangetekende zending voor beslissingen",
                 "Het bestuur moet elke beslissing over een retributie per aangetekende zending "
                 "bezorgen. Een elektronische aangetekende zending wordt niet aanvaard.",
                 regulations=["DLB"], refs=["DLB:285", "art. 285 DLB"], year=2024, severity=4,
                 municipalities=["44021"], provinces=["Oost-Vlaanderen"], projects=["GZG-2022-001"], werf="backoffice",
                 updated=dt.datetime(2024, 5, 1), theme="t1"),
        _barrier("DR-2024-002", "Handtekening op papier bij aanvraag",
                 "Het aanvraagformulier vraagt een handgeschreven handtekening. Burgers kunnen "
                 "de aanvraag daardoor niet volledig online indienen.",
                 regulations=["eIDAS"], year=2024, severity=5, status="in-analyse",
                 municipalities=["11002"], provinces=["Antwerpen"], updated=dt.datetime(2024, 6, 1), theme="t2"),
        _barrier("DR-2023-003", "Persoonlijke verschijning aan het loket",
                 "Voor een attest moet de aanvrager persoonlijk aan het loket verschijnen, "
                 "ook wanneer de identiteit digitaal vastgesteld kan worden.",
                 year=2023, severity=3, status="opgelost", kind="procesmatig", werf="frontoffice",
                 municipalities=["24062"], provinces=["Vlaams-Brabant"], updated=dt.datetime(2023, 2, 1)),
        _barrier("DR-2023-004", "Bekendmaking van besluiten enkel via aanplakking",
                 "De gemeente maakt besluiten bekend door aanplakking aan het gemeentehuis. "
                 "Een bekendmaking op de website volstaat volgens de lokale praktijk niet.",
                 regulations=["DLB"], refs=["DLB:286"], year=2023, severity=2, status="opgelost",
                 werf="beleidsvoering", updated=dt.datetime(2023, 9, 1)),
        _barrier("DR-2022-005", "Toegang tot het Rijksregister",
                 "Het OCMW krijgt geen machtiging om gegevens uit het Rijksregister op te vragen, "
                 "waardoor burgers hun attesten zelf moeten aanleveren.",
                 level="federaal", kind="organisatorisch", year=2022, severity=4,
                 updated=dt.datetime(2022, 4, 1)),
        _barrier("DR-2022-006", "Btw op kostendeling tussen gemeenten",
                 "Wanneer gemeenten samen software aankopen en de kosten delen, rekent de "
                 "fiscus btw aan op de doorgerekende kosten.",
                 kind="financieel", level="federaal", year=2022, severity=3, status="gemeld",
                 updated=dt.datetime(2022, 8, 1)),
        _barrier("DR-2024-007", "Digitale gemeenteraad zonder wettelijke basis",
                 "Een volledig digitale vergadering van de gemeenteraad is enkel toegelaten in "
                 "uitzonderlijke omstandigheden; hybride vergaderen blijft onzeker.",
                 regulations=["DLB"], year=2024, severity=3, status="oplossing-voorgesteld",
                 werf="beleidsvoering", updated=dt.datetime(2024, 2, 1)),
        _barrier("DR-2024-008", "Online betaling van retributies",
                 "Het retributiereglement vermeldt enkel betaling aan het loket of via "
                 "overschrijving; een online betaling is niet voorzien.",
                 kind="procesmatig", year=2024, severity=2, updated=dt.datetime(2024, 3, 1)),
        _barrier("DR-2023-009", "Digitale archivering van dossiers",
                 "Papieren dossiers moeten bewaard blijven, ook als een digitale kopie met "
                 "gekwalificeerde handtekening bestaat.",
                 kind="technisch", year=2023, severity=3, tags=["archief"],
                 updated=dt.datetime(2023, 11, 1)),
        _barrier("DR-2024-010", "Aangetekende brief bij bezwaarprocedure",
                 "Bezwaren tegen een retributie moeten per aangetekende brief ingediend worden; "
                 "een bezwaar via het e-loket telt niet mee.",
                 year=2024, severity=4, status="gemeld", updated=dt.datetime(2024, 7, 1), theme="t1"),
        _barrier("DR-2022-011", "Taalwetgeving bij meertalige e-loketten",
                 "De taalwetgeving in bestuurszaken beperkt welke talen een e-loket mag tonen "
                 "<aan> burgers & bedrijven.",
                 level="federaal", year=2022, severity=1, updated=dt.datetime(2022, 1, 1)),
        SearchDocument(type="article", id="article:DLB:285", code="DLB art. 285",
                       title="Artikel 285 (testartikel)",
                       body="Testtekst voor een artikel over de bekendmaking van besluiten.",
                       regulations=["DLB"], refs=["DLB:285"], level="vlaams",
                       extra={"regulation": "DLB", "article": "285"}),
        SearchDocument(type="project", id="project:GZG-2022-001", code="GZG-2022-001",
                       title="Digitaal e-loket voor attesten",
                       body="Project dat attesten volledig online aanbiedt via het e-loket.",
                       year=2022, updated=dt.datetime(2022, 10, 1)),
    ]


def tiny_citation_finder(text: str):
    """Recognises 'art. N DLB' and 'artikel N DLB' only: enough to test the wiring."""
    for m in re.finditer(r"\bart(?:ikel|\.)\s*(\d+)\s+DLB\b", text, re.IGNORECASE):
        yield m.start(), m.end(), f"DLB:{m.group(1)}"


NASTY_QUERIES = [
    '"aangetekende zending', '"', '""', "-", "- -", "AND", "OR", "NOT", "AND OR NOT",
    ":", "::", "status:", ":gemeld", "foo:bar", "status:onbekend", "jaar:twintig",
    "(((", "*", "?", "a" * 5000, "zending\x00\x07\x1b", "\u200b\u202e", "-status:gemeld",
    'gemeente:"', "regelgeving:", "art. DLB", "   ", "\n\t", "OR OR zending", "^~\\/",
]


def codes(results: SearchResults) -> list[str]:
    return [hit.code for hit in results.hits]


class BackendContract:
    """Subclass and provide a ``make_backend`` fixture (a factory of empty backends)."""

    @pytest.fixture
    def empty(self, make_backend) -> SearchBackend:
        return make_backend()

    @pytest.fixture
    def backend(self, make_backend) -> SearchBackend:
        backend = make_backend()
        backend.add(sample_documents())
        return backend

    def search(self, backend, text, **kw) -> SearchResults:
        filters = kw.pop("filters", None)
        query = parse_query(text, filters=filters, citation_finder=tiny_citation_finder)
        return backend.search(query, **kw)

    # -- writing -----------------------------------------------------------

    def test_empty_index_counts_zero_and_finds_nothing(self, empty):
        assert empty.count() == 0
        assert self.search(empty, "zending").total == 0

    def test_add_counts_every_document(self, backend):
        assert backend.count() == len(sample_documents())

    def test_add_same_id_replaces(self, backend):
        doc = sample_documents()[0]
        doc.title = "Vervangen titel over archeologie"
        backend.add([doc])
        assert backend.count() == len(sample_documents())
        assert codes(self.search(backend, "archeologie")) == [doc.code]

    def test_replaced_or_deleted_text_is_never_found(self, backend):
        assert codes(self.search(backend, "rijksregister")) == ["DR-2022-005"]
        doc = sample_documents()[4]
        doc.title, doc.body = "Toegang tot de kruispuntbank", "Geen machtiging voor de kruispuntbank."
        backend.add([doc])
        assert self.search(backend, "rijksregister").total == 0
        assert codes(self.search(backend, "kruispuntbank")) == ["DR-2022-005"]
        backend.delete([doc.id])
        assert self.search(backend, "kruispuntbank").total == 0
        assert self.search(backend, "rijksregister").total == 0

    def test_facets_follow_a_replaced_document(self, backend):
        before = self.search(backend, "", filters={"type": "barrier"}).facets["status"]
        doc = sample_documents()[5]
        doc.status = "opgelost"
        backend.add([doc])
        after = self.search(backend, "", filters={"type": "barrier"}).facets["status"]
        assert after["opgelost"] == before["opgelost"] + 1
        assert after["gemeld"] == before["gemeld"] - 1

    def test_delete_removes_and_ignores_unknown(self, backend):
        backend.delete(["barrier:DR-2024-001", "barrier:BESTAAT-NIET"])
        assert backend.count() == len(sample_documents()) - 1
        assert "DR-2024-001" not in codes(self.search(backend, "aangetekende"))

    def test_rebuild_replaces_everything_and_reports_progress(self, backend):
        seen = []
        new = sample_documents()[:3]
        assert backend.rebuild(new, progress=lambda done, total: seen.append((done, total))) == 3
        assert backend.count() == 3
        assert seen[-1] == (3, 3)
        assert self.search(backend, "taalwetgeving").total == 0

    def test_clear_empties(self, backend):
        backend.clear()
        assert backend.count() == 0

    # -- matching ----------------------------------------------------------

    def test_empty_query_gives_empty_result(self, backend):
        results = self.search(backend, "")
        assert results.total == 0 and results.hits == []

    def test_word_finds_its_documents(self, backend):
        found = codes(self.search(backend, "rijksregister"))
        assert found == ["DR-2022-005"]

    def test_title_match_ranks_above_body_match(self, backend):
        found = codes(self.search(backend, "handtekening"))
        assert found[0] == "DR-2024-002"
        assert "DR-2023-009" in found

    def test_dutch_inflection_matches(self, backend):
        assert "DR-2024-002" in codes(self.search(backend, "handtekeningen"))

    def test_an_inflected_word_finds_the_forms_the_lemma_table_does_not_know(self, empty):
        # "afgeschaft" is in the lookup table (afschaffen), "afgeschafte" is not: it is indexed under its stem
        empty.add([_barrier("K-1", "Afgeschafte overwegen", "Het spoor blijft.")])
        assert codes(self.search(empty, "afgeschaft")) == ["K-1"]

    def test_a_plural_with_an_apostrophe_finds_the_singular_and_back(self, empty):
        empty.add([_barrier("K-1", "Steun voor kmo's", "Geen risico."),
                   _barrier("K-2", "Een kmo", "De risico's van de fiscus.")])
        assert set(codes(self.search(empty, "kmo"))) == set(codes(self.search(empty, "risico's"))) == {"K-1", "K-2"}

    def test_a_written_word_ranks_above_the_same_word_as_a_compound_modifier(self, empty):
        # "zieke" finds "ziekenwagens" by its modifier, below the record that holds the word itself
        empty.add([_barrier("K-1", "Ziekenwagens", "Sirenes."),
                   _barrier("K-2", "Zieke leerlingen blijven thuis", "Sirenes.")])
        assert codes(self.search(empty, "zieke")) == ["K-2", "K-1"]
        # the head of a compound counts whole: "wagens" finds "ziekenwagens" first
        assert codes(self.search(empty, "wagens"))[0] == "K-1"

    @pytest.mark.parametrize("query, expected", [
        ("dossierarchivering", "DR-2023-009"),  # "archivering van dossiers"
        ("gemeenteraadsvergadering", "DR-2024-007"),  # "vergadering van de gemeenteraad"
        ("e-handtekening", "DR-2024-002"),  # "handtekening"
        ("retributiebetaling", "DR-2024-008"),  # "betaling van retributies" (a compound no lexicon splits)
    ])
    def test_a_compound_query_finds_its_parts_written_apart(self, backend, query, expected):
        assert expected in codes(self.search(backend, query))

    def test_a_compound_query_needs_all_its_parts(self, backend):
        # "gemeenteraad" alone (DR-2024-007 has "vergadering" too; DR-2022-006 has neither) is not enough
        assert "DR-2022-006" not in codes(self.search(backend, "gemeenteraadsvergadering"))

    def test_phrase_needs_adjacent_words(self, backend):
        found = codes(self.search(backend, '"aangetekende zending"'))
        assert found == ["DR-2024-001"]
        assert "DR-2024-010" in codes(self.search(backend, "aangetekende"))

    def test_excluded_word_removes_documents(self, backend):
        found = codes(self.search(backend, "aangetekende -bezwaar"))
        assert "DR-2024-001" in found and "DR-2024-010" not in found

    def test_complete_matches_first_then_partial_ones_when_few(self, backend):
        results = self.search(backend, "aangetekende retributie")
        found = codes(results)
        assert set(found[:2]) == {"DR-2024-001", "DR-2024-010"}
        # fewer complete matches than FALLBACK_BELOW: records with some of the words follow, with a notice
        assert len(found) > 2 and "Weinig resultaten met alle zoekwoorden" in results.notices[0]
        assert codes(self.search(backend, "aangetekende bezwaar"))[0] == "DR-2024-010"

    def test_a_question_is_ranked_softly_not_by_an_all_words_tier(self, backend):
        results = self.search(backend, "Moet de aanvrager persoonlijk aan het loket verschijnen?")
        found = codes(results)
        assert found[0] == "DR-2023-003"
        # records with only some of the words follow without an "all words" notice
        assert "DR-2024-008" in found and not results.notices

    def test_a_long_query_ranks_records_holding_more_of_its_words_first(self, backend):
        found = codes(self.search(backend, "online betaling retributies loket"))
        assert found[0] == "DR-2024-008"
        assert {"DR-2024-001", "DR-2024-010"} <= set(found[1:])

    def test_falls_back_to_any_word_with_notice(self, backend):
        results = self.search(backend, "rijksregister taalwetgeving")
        assert set(codes(results)) == {"DR-2022-005", "DR-2022-011"}
        assert results.notices

    def test_code_is_searchable(self, backend):
        assert codes(self.search(backend, "dr-2023-004"))[0] == "DR-2023-004"

    def test_citation_matches_linked_records_without_the_words(self, backend):
        found = self.search(backend, "art. 285 DLB")
        assert set(codes(found)) == {"DR-2024-001", "DLB art. 285"}

    def test_a_hyphenated_word_no_record_holds_falls_back_to_its_parts(self, backend):
        # No record holds "handtekening" and "loket" together; a hyphenated word asks for both, in order.
        found = self.search(backend, "handtekening-loket")
        assert {"DR-2024-002", "DR-2023-003"} <= set(codes(found))
        assert found.notices[0].startswith("Geen resultaten met alle zoekwoorden")
        # A hyphenated word a record holds is searched as it was.
        assert codes(self.search(backend, "aangetekende-zending"))[0] in {"DR-2024-001", "DR-2024-010"}
        assert self.search(backend, "qqqq-zzzz").total == 0

    def test_a_compound_no_record_writes_whole_is_searched_as_two_words_records_hold(self, backend):
        backend.add([_barrier("DR-2025-027", "Huiszoekingen", "Wie vergoedt de schade na een huiszoeking bij derden?"),
                     _barrier("DR-2025-028", "Vergoeding van brandschade",
                              "De schade na een brand wordt vergoed; de vergoeding volgt snel.")])
        found = self.search(backend, "huiszoekingsschade")
        assert codes(found)[0] == "DR-2025-027"
        assert found.notices[0] == "Geen resultaten voor ‘huiszoekingsschade’; gezocht op ‘huiszoeking schade’."
        # Beside other words too: the compound counts as its parts, not as nothing.
        assert codes(self.search(backend, "huiszoekingsschade vergoed"))[0] == "DR-2025-027"
        # Parts no record writes are not searched for: the word still finds nothing.
        assert self.search(backend, "qqqqschadezzzz").total == 0
        # Nor by an anonymous visitor, where only non-public records write the parts.
        public = parse_query("huiszoekingsschade", public_only=True)
        assert backend.search(public).total == 0 and not backend.held_words({"schade"}, public_only=True)

    def test_an_abbreviation_before_a_hyphen_counts_as_a_word_of_its_own(self, backend):
        # "NMR-scanners": the record that names NMR (with another head) ranks above one that only
        # shares the other word, although it is longer.
        backend.add([_barrier("DR-2025-021", "Beeldvorming",
                              "Het kadaster telt 146 NMR toestellen, waarvan tien wetenschappelijke, in de "
                              "ziekenhuizen van het land, en de evaluatie ervan loopt nog."),
                     _barrier("DR-2025-022", "Dienstverlening", "Een evaluatie van de dienst.")])
        found = codes(self.search(backend, "NMR-scanners evaluatie", types=["barrier"]))
        assert found.index("DR-2025-021") < found.index("DR-2025-022")

    def test_the_exact_spelling_of_a_word_with_an_abbreviation_ranks_first(self, backend):
        # The query "NMR-scanners" asks for NMR and scanners; the record writing the word as asked holds both.
        backend.add([_barrier("DR-2025-023", "Beeldvorming", "Het ziekenhuis vraagt twee NMR-scanners aan."),
                     _barrier("DR-2025-024", "Beeldvorming", "Het ziekenhuis vraagt twee NMR-toestellen aan."),
                     _barrier("DR-2025-025", "Grenscontrole", "De douane zet scanners in aan de grens."),
                     _barrier("DR-2025-026", "Beeldvorming", "Het ziekenhuis vraagt twee toestellen aan.")])
        found = codes(self.search(backend, "NMR-scanners", types=["barrier"]))
        assert found[0] == "DR-2025-023" and "DR-2025-024" in found and "DR-2025-026" not in found

    def test_a_cited_article_finds_other_articles_of_its_regulation_below_it(self, backend):
        # Indexed as search/records.py writes a barrier's refs: the article and its regulation.
        backend.add([_barrier("DR-2025-014", "Bekendmaking op de webtoepassing", "Een ander artikel van het decreet.",
                              regulations=["DLB"], refs=["DLB:290", "DLB"])])
        assert codes(self.search(backend, "art. 285 DLB", types=["barrier"])) == ["DR-2024-001", "DR-2025-014"]
        assert codes(self.search(backend, "art. 290 DLB", types=["barrier"])) == ["DR-2025-014"]

    def test_a_rare_word_weighs_more_than_a_common_one(self, empty):
        # BM25's inverse document frequency: of two records each holding one of the query's words, the one
        # holding the word few records hold ranks first (its code sorts last, so a tie would put it last).
        empty.add([_barrier(f"K-{i}", "Wachttijden in de ziekenhuizen", "Een verslag.") for i in range(1, 6)])
        empty.add([_barrier("K-8", "Keizersneden in België", "Een verslag."),
                   _barrier("K-7", "Ziekenhuizen in België", "Een verslag.")])
        found = codes(self.search(empty, "keizersneden ziekenhuizen"))
        assert found.index("K-8") < found.index("K-7"), found

    def test_a_record_citing_the_article_alone_ranks_above_one_citing_many(self, backend):
        # The same article cited by both; the second cites five other regulations besides (as BM25 weighs a term
        # in a longer field less). Its code sorts first, so a tie would put it first.
        backend.add([_barrier("DR-2025-031", "Verwerking van persoonsgegevens door de stad", "Een protocol.",
                              regulations=["DLB"], refs=["DLB:290", "DLB"]),
                     _barrier("DR-2025-030", "Verwerking van persoonsgegevens door de stad", "Een protocol.",
                              regulations=["DLB", "AVG", "BD", "EGOV", "RRW", "ARCH"],
                              refs=["DLB:290", "DLB", "AVG:6.1.e", "AVG", "BD", "EGOV", "RRW", "ARCH"])])
        assert codes(self.search(backend, "art. 290 DLB", types=["barrier"]))[:2] == ["DR-2025-031", "DR-2025-030"]

    # -- filters, types, facets --------------------------------------------

    @pytest.mark.parametrize(
        "filters, expected",
        [
            ({"status": "opgelost"}, {"DR-2023-003", "DR-2023-004"}),
            ({"soort": "Financieel"}, {"DR-2022-006"}),
            ({"regelgeving": "dlb", "status": "gemeld"}, {"DR-2024-001"}),
            ({"jaar": "2022-2022", "niveau": "federaal"}, {"DR-2022-005", "DR-2022-006", "DR-2022-011"}),
            ({"gemeente": "44021"}, {"DR-2024-001"}),
            ({"project": "gzg-2022-001"}, {"DR-2024-001"}),
            ({"tag": "archief"}, {"DR-2023-009"}),
            ({"thema": "t1"}, {"DR-2024-001", "DR-2024-010"}),
            ({"theme": ["t1", "t2"], "status": "gemeld"}, {"DR-2024-001", "DR-2024-010"}),
            ({"status": ["opgelost", "in-analyse"]}, {"DR-2023-003", "DR-2023-004", "DR-2024-002"}),
        ],
    )
    def test_filters_alone_list_matching_records(self, backend, filters, expected):
        results = self.search(backend, "", filters=filters, page_size=50)
        assert set(codes(results)) == expected
        assert results.total == len(expected)

    def test_filter_in_query_text(self, backend):
        found = codes(self.search(backend, "retributie status:gemeld werf:backoffice"))
        assert found == ["DR-2024-001"]

    def test_types_restrict(self, backend):
        found = self.search(backend, "attesten", types=["project"])
        assert codes(found) == ["GZG-2022-001"]
        assert "GZG-2022-001" not in codes(self.search(backend, "attesten", types=["barrier"]))

    def test_facets_count_whole_result_set(self, backend):
        results = self.search(backend, "", filters={"type": "barrier"}, page_size=1)
        assert len(results.hits) == 1 and results.total == 11
        assert results.facets["status"]["opgelost"] == 2
        assert sum(results.facets["status"].values()) == 11
        assert results.facets["regulation"]["DLB"] == 3
        assert results.facets["year"]["2024"] == 5
        assert results.facets["theme"] == {"t1": 2, "t2": 1}

    def test_province_is_a_facet_and_a_filter_in_any_spelling(self, backend):
        results = self.search(backend, "", filters={"type": "barrier"}, page_size=1)
        assert results.facets["province"] == {"Oost-Vlaanderen": 1, "Antwerpen": 1, "Vlaams-Brabant": 1}
        assert codes(self.search(backend, "", filters={"province": "vlaams-brabant"})) == ["DR-2023-003"]
        assert codes(self.search(backend, "provincie:oost-vlaanderen")) == ["DR-2024-001"]

    def test_facets_can_be_skipped(self, backend):
        assert self.search(backend, "retributie", facets=False).facets == {}

    # -- order and pages ---------------------------------------------------

    def test_second_ranker_reorders_the_best_hits_only(self, backend, shipped_semantic_ranker):
        """With the LSA ranker set (its semantic pass off), a text search gives the same total, facets and
        records, re-ordered within the pool; pages still partition them; a sorted search keeps its order."""
        wide = "gemeente OF burgers OF attest OF digitaal OF aanvraag OF besluiten"
        plain = self.search(backend, wide, page_size=50)
        by_code = self.search(backend, wide, sort="code", page_size=50)
        backend.reranker = SemanticRanker(lambda: shipped_semantic_ranker.model, recall=0)
        try:
            fused = self.search(backend, wide, page_size=50)
            pages = [self.search(backend, wide, page=p, page_size=3) for p in (1, 2)]
            assert codes(self.search(backend, wide, sort="code", page_size=50)) == codes(by_code)
        finally:
            backend.reranker = None
        assert plain.total == fused.total >= 6 and plain.facets == fused.facets
        pool = shipped_semantic_ranker.pool
        assert sorted(codes(fused)[:pool]) == sorted(codes(plain)[:pool])
        assert codes(pages[0]) + codes(pages[1]) == codes(fused)[:6]
        assert all(hit.text for hit in fused.hits)
        scores = [hit.score for hit in fused.hits]
        assert scores == sorted(scores, reverse=True)

    def test_words_written_together_rank_first_among_articles(self, backend, shipped_semantic_ranker):
        """Two articles with the same words, once apart and once together: BM25 and LSA cannot tell them apart
        (the first code wins the tie), the proximity in the ranker's fusion can. A search of barriers, which
        the semantic pass serves, goes without it."""
        def article(code: str, body: str) -> SearchDocument:
            return SearchDocument(type="article", id=f"article:{code}", code=code, title="Wondzorg", body=body)

        apart, together = ("De verbanden voor complexe wonden zijn duur; actieve zorg blijft nodig.",
                           "De actieve verbanden voor complexe wonden zijn duur; zorg blijft nodig.")
        backend.add([article("WZ art. 1", apart), article("WZ art. 2", together),
                     _barrier("DR-2020-001", "Wondzorg", apart), _barrier("DR-2020-002", "Wondzorg", together)])
        backend.reranker = SemanticRanker(lambda: shipped_semantic_ranker.model, recall=0, proximity=0)
        try:
            plain = self.search(backend, "actieve verbanden", types=["article"])
            backend.reranker = SemanticRanker(lambda: shipped_semantic_ranker.model, recall=0)
            closer = self.search(backend, "actieve verbanden", types=["article"])
            barriers = self.search(backend, "actieve verbanden", types=["barrier"])
        finally:
            backend.reranker = None
        assert codes(plain)[:2] == ["WZ art. 1", "WZ art. 2"]
        assert codes(closer)[:2] == ["WZ art. 2", "WZ art. 1"]
        assert closer.hits[0].score > closer.hits[1].score
        assert codes(barriers)[:2] == ["DR-2020-001", "DR-2020-002"]

    # -- the semantic pass: records near the query by meaning join the candidates ---------

    @pytest.fixture
    def meaning_ranker(self) -> SemanticRanker:
        """A semantic ranker with the semantic pass on, over a model learned from MEANING_TEXTS."""
        model = SemanticModel.train(MEANING_TEXTS, components=4)  # one dimension per subject
        return SemanticRanker(lambda: model, recall=5)

    @pytest.fixture
    def wedding(self, backend) -> SearchBackend:
        """The sample records and a public barrier on marriages that holds no form of "trouwen"; a ranker
        whose model learned from texts where "trouwen" and "huwelijk" go together."""
        backend.add([_barrier(WEDDING_CODE, "Huwelijk voor de ambtenaar van de burgerlijke stand",
                              "Een huwelijk moet voltrokken worden in het gemeentehuis, ten overstaan van de "
                              "ambtenaar; de burgerlijke stand aanvaardt geen verklaring op afstand.",
                              status="opgelost", year=2021, public=True)])
        return backend

    def test_semantic_pass_finds_a_record_sharing_no_word_with_the_query(self, wedding, meaning_ranker):
        assert self.search(wedding, "trouwen").total == 0
        wedding.reranker = meaning_ranker
        try:
            found = self.search(wedding, "trouwen")
            off = SemanticRanker(lambda: meaning_ranker.model, recall=0)
            wedding.reranker = off
            without = self.search(wedding, "trouwen")
        finally:
            wedding.reranker = None
        # found by meaning alone, it still scores above 0 (its cosine times the pass's weight)
        assert codes(found) == [WEDDING_CODE] and found.total == 1 and found.hits[0].score > 0.0
        # counted like any match: in the total and in every facet
        assert found.facets["status"] == {"opgelost": 1} and found.facets["year"] == {"2021": 1}
        assert "huwelijk" in found.hits[0].snippet.lower()
        assert without.total == 0 and not without.hits

    def test_semantic_pass_sees_records_added_after_its_first_search(self, wedding, meaning_ranker):
        wedding.reranker = meaning_ranker
        try:
            assert codes(self.search(wedding, "trouwen")) == [WEDDING_CODE]
            wedding.add([_barrier("DR-2021-021", "Huwelijk op afstand", "Een huwelijk via video voor de ambtenaar.")])
            assert set(codes(self.search(wedding, "trouwen"))) == {WEDDING_CODE, "DR-2021-021"}
        finally:
            wedding.reranker = None

    def test_semantic_pass_keeps_filters_excluded_words_and_public_only(self, wedding, meaning_ranker):
        wedding.reranker = meaning_ranker
        try:
            assert codes(self.search(wedding, "trouwen", filters={"status": "opgelost"})) == [WEDDING_CODE]
            assert self.search(wedding, "trouwen", filters={"status": "gemeld"}).total == 0
            assert self.search(wedding, "trouwen", filters={"type": "article"}).total == 0
            assert self.search(wedding, "trouwen", types=["project"]).total == 0
            assert self.search(wedding, "trouwen -ambtenaar").total == 0
            public = parse_query("trouwen", public_only=True)
            assert codes(wedding.search(public)) == [WEDDING_CODE]
            wedding.add([_barrier(WEDDING_CODE, "Huwelijk voor de ambtenaar van de burgerlijke stand",
                                  "Een huwelijk voor de ambtenaar.", public=False)])
            assert wedding.search(public).total == 0
            assert codes(self.search(wedding, "trouwen")) == [WEDDING_CODE]
            wedding.delete([f"barrier:{WEDDING_CODE}"])
            assert self.search(wedding, "trouwen").total == 0
        finally:
            wedding.reranker = None

    def test_semantic_pass_is_not_applied_to_a_search_of_articles_alone(self, wedding, meaning_ranker):
        wedding.add([SearchDocument(type="article", id="article:BW:75", code="BW art. 75", title="Artikel 75",
                                    body="Het huwelijk wordt voltrokken door de ambtenaar van de burgerlijke stand.")])
        wedding.reranker = meaning_ranker
        try:
            assert self.search(wedding, "trouwen", types=["article"]).total == 0
            assert "BW art. 75" in codes(self.search(wedding, "trouwen", types=["barrier", "article"]))
        finally:
            wedding.reranker = None

    def test_semantic_pass_never_drops_a_word_match_and_pages_partition(self, wedding, meaning_ranker):
        text = "aangetekende OF loket OF trouwen"
        plain = self.search(wedding, text, page_size=50)
        wedding.reranker = meaning_ranker
        try:
            found = self.search(wedding, text, page_size=50)
            pages = [self.search(wedding, text, page=p, page_size=2) for p in range(1, 5)]
        finally:
            wedding.reranker = None
        assert plain.total >= 4 and WEDDING_CODE not in codes(plain)
        assert set(codes(found)) == set(codes(plain)) | {WEDDING_CODE} and found.total == plain.total + 1
        assert sum(found.facets["type"].values()) == found.total
        assert found.facets["status"].get("opgelost", 0) == plain.facets["status"].get("opgelost", 0) + 1
        assert [c for page in pages for c in codes(page)] == codes(found)[:8]
        # the score a caller sees is the fused one: it falls with the rank, the added record included
        scores = [hit.score for hit in found.hits]
        assert scores == sorted(scores, reverse=True) and found.hits[codes(found).index(WEDDING_CODE)].score > 0

    def test_a_municipality_s_name_is_not_a_common_word(self, backend):
        """"Wetteren" is no form of "wet", nor "Staden" of "stad": a search for a law or a town does not
        find every record naming those municipalities, and their names still find them."""
        backend.add([_barrier("DR-2030-003", "Loket in Wetteren en Staden", "Het loket van Wetteren en het "
                              "loket van Staden sluiten om twaalf uur.")])
        assert "DR-2030-003" not in codes(self.search(backend, "wet", page_size=50))
        assert "DR-2030-003" not in codes(self.search(backend, "stad", page_size=50))
        assert codes(self.search(backend, "Wetteren")) == ["DR-2030-003"]
        assert codes(self.search(backend, "Staden")) == ["DR-2030-003"]

    def test_record_texts_are_the_title_body_and_summary_of_every_record(self, backend):
        backend.add([_barrier("DR-2030-002", "Met samenvatting", "Een lange tekst.", summary="Kort.")])
        backend.delete(["barrier:DR-2022-006"])
        expected = [(d.title, d.body, d.summary) for d in sample_documents() if d.code != "DR-2022-006"]
        assert sorted(backend.record_texts()) == sorted([*expected, ("Met samenvatting", "Een lange tekst.", "Kort.")])

    def test_record_texts_give_the_barriers_first(self, backend):
        """The warm-up embeds records in this order: after a first start the barriers, what the programme team
        searches, have their meaning before the thousands of articles."""
        late = _barrier("DR-2030-004", "Later gemeld", "Na de artikelen geïndexeerd.")
        backend.add([late])  # written after the sample's article and project
        kinds = {(d.title, d.body): d.type for d in [*sample_documents(), late]}
        order = [kinds[(title, body)] for title, body, _summary in backend.record_texts()]
        assert order.count("barrier") == 12 and {"article", "project"} <= set(order)
        assert order == sorted(order, key=lambda kind: kind != "barrier")

    def test_warm_up_fills_the_caches_and_changes_no_result(self, backend, shipped_semantic_ranker):
        """`serve` warms at start what the first searches would compute: every record's vectors for the
        second ranker (LSA's and the sentence encoder's) and its analysed words. Only caches: the same hits,
        order and snippets."""
        from search.encoder import PassageStore, shared_encoder
        from search.semantic import SemanticRanker

        def ranker() -> SemanticRanker:
            return SemanticRanker(lambda: shipped_semantic_ranker.model, passages=PassageStore(shared_encoder(), None))

        wide = "gemeente OF burgers OF attest OF digitaal OF aanvraag"
        backend.reranker = ranker()
        try:
            cold = self.search(backend, wide, page_size=50)
            backend.reranker = warmed = ranker()
            counts = backend.warm_up()
            assert counts["records"] == counts["vectors"] == len(warmed.vector_cache) == backend.count()
            assert len(warmed.passages) == backend.count()
            assert counts["words"] > 100
            hot = self.search(backend, wide, page_size=50)
            # the search needed no vector it had not
            assert len(warmed.vector_cache) == len(warmed.passages) == backend.count()
        finally:
            backend.reranker = None
        assert cold.total == hot.total >= 6 and codes(hot) == codes(cold)
        assert [h.snippet for h in hot.hits] == [h.snippet for h in cold.hits]

    def test_pages_partition_the_results(self, backend):
        first = self.search(backend, "", filters={"type": "barrier"}, page=1, page_size=4, sort="code")
        second = self.search(backend, "", filters={"type": "barrier"}, page=2, page_size=4, sort="code")
        last = self.search(backend, "", filters={"type": "barrier"}, page=9, page_size=4, sort="code")
        assert first.total == second.total == 11 and first.pages == 3
        assert len(codes(first)) == 4 and not set(codes(first)) & set(codes(second))
        assert last.hits == [] and last.total == 11

    @pytest.mark.parametrize("sort", ["code", "newest", "oldest", "severity"])
    def test_sorts(self, backend, sort):
        docs = {d.code: d for d in sample_documents() if d.type == "barrier"}
        results = self.search(backend, "", filters={"type": "barrier"}, sort=sort, page_size=50)
        keys = {
            "code": lambda c: c,
            "newest": lambda c: -docs[c].updated.timestamp(),
            "oldest": lambda c: docs[c].updated.timestamp(),
            "severity": lambda c: (-docs[c].severity, -docs[c].updated.timestamp()),
        }
        assert codes(results) == sorted(docs, key=keys[sort])

    def test_unknown_sort_is_a_notice(self, backend):
        results = self.search(backend, "retributie", sort="willekeurig")
        assert results.total > 0 and any("sortering" in n for n in results.notices)

    # -- presentation ------------------------------------------------------

    def test_snippet_marks_matches_and_escapes_html(self, backend):
        hit = self.search(backend, "taalwetgeving").hits[0]
        assert "<mark>" in hit.snippet.lower()
        assert "&lt;aan&gt;" in hit.snippet and "&amp;" in hit.snippet
        assert "<aan>" not in hit.snippet

    def test_snippet_comes_from_the_summary_when_given(self, backend):
        backend.add([_barrier("DR-2030-001", "Drempel met trefwoorden", "Het loket vraagt papier.\n\nxylofoonsleutel",
                              summary="Het loket vraagt papier.")])
        hit = self.search(backend, "xylofoonsleutel").hits[0]
        assert hit.code == "DR-2030-001" and "xylofoonsleutel" not in hit.snippet
        assert hit.snippet.startswith("Het loket vraagt papier")

    def test_hit_carries_fields(self, backend):
        hit = self.search(backend, "rijksregister").hits[0]
        assert (hit.type, hit.id, hit.title) == ("barrier", "barrier:DR-2022-005", "Toegang tot het Rijksregister")
        assert hit.fields["level"] == "federaal" and hit.score > 0

    def test_suggestion_for_misspelled_word(self, backend):
        results = self.search(backend, "rijksregster status:gemeld")
        assert results.suggestion == "rijksregister status:gemeld"
        assert self.search(backend, "rijksregister").suggestion is None

    def test_suggestions_only_for_small_results(self, backend, monkeypatch):
        import search.spelling

        assert self.search(backend, "handtekenig").suggestion == "handtekening"
        monkeypatch.setattr(search.spelling, "SUGGEST_BELOW", 0)
        assert self.search(backend, "handtekenig").suggestion is None

    def test_suggest_word(self, backend):
        assert backend.suggest("handtekenig") == "handtekening"
        assert backend.suggest("handtekening") is None
        assert backend.suggest("qqqqqqq") is None

    # -- words naming a facet value (search/facet_words.py) -------------------------------------------

    def facet_search(self, backend, text, types=("barrier",)) -> SearchResults:
        """As the service searches: the words' named facet values attached, scope words left out."""
        query = parse_query(text)
        query.facets = facet_matches(query, {"gent": "44021"}.get, {"antwerpen": "Antwerpen"}.get)
        return backend.search(without_scope_words(query, list(types)), types=list(types))

    def test_a_word_naming_a_facet_value_finds_the_records_holding_it(self, backend):
        # Two barriers are "opgelost"; neither text says so.
        assert set(codes(self.facet_search(backend, "opgeloste"))) == {"DR-2023-003", "DR-2023-004"}
        # Only DR-2024-001 is in Gent (44021); its text never names the town.
        assert codes(self.facet_search(backend, "aangetekende zending Gent"))[0] == "DR-2024-001"
        assert codes(self.facet_search(backend, "Antwerpen"))[0] == "DR-2024-002"

    def test_a_named_facet_ranks_its_records_first_and_drops_no_record(self, backend):
        plain = self.search(backend, "attesten", types=["barrier"])
        named = self.facet_search(backend, "federale attesten")
        # DR-2022-005 is federal; DR-2023-003 speaks of attests at a counter, with no level.
        assert codes(named)[0] == "DR-2022-005"
        assert set(codes(plain)) <= set(codes(named))

    def test_beside_the_words_of_a_matter_a_named_facet_value_ranks_what_they_find(self, backend):
        # No barrier on retributions is solved: the search falls back to any word, and the two solved barriers,
        # which say nothing of retributions, are not listed for "opgeloste" alone; DR-2024-008, the one
        # "procesmatig" barrier on them, comes first for "procesmatige retributies", DR-2023-003 (procesmatig, on
        # an attest) is not listed.
        assert set(codes(self.facet_search(backend, "opgeloste retributies"))) == {"DR-2024-001", "DR-2024-008",
                                                                                   "DR-2024-010"}
        found = codes(self.facet_search(backend, "procesmatige retributies"))
        assert found[0] == "DR-2024-008" and "DR-2023-003" not in found
        # A long query takes any word too (search/opening.py): the same there.
        long = codes(self.facet_search(backend, "opgeloste drempels bij retributies en hun bezwaren"))
        assert long and not {"DR-2023-003", "DR-2023-004"} & set(long)

    def test_the_word_for_the_searched_record_type_does_not_steer_the_ranking(self, backend):
        backend.add([_barrier("DR-2025-012", "Drempel bij het e-loket",
                              "Deze drempel gaat over een formulier dat niet online staat.")])
        plain = self.search(backend, "aangetekende", types=["barrier"])
        assert codes(self.facet_search(backend, "drempels aangetekende")) == codes(plain)
        assert "DR-2025-012" not in codes(plain)
        # Alone it lists the barriers, the one whose text says it first; in a search of every type it
        # is a word like any other.
        alone = self.facet_search(backend, "drempels")
        assert codes(alone)[0] == "DR-2025-012" and alone.total == len(sample_documents()) - 1
        assert "DR-2025-012" in codes(self.facet_search(backend, "drempel formulier",
                                                        types=("barrier", "article", "project")))

    def test_a_compound_with_the_record_type_and_a_place_adjective_name_what_they_mean(self, backend):
        # No record writes "handtekeningdrempels" nor "Antwerpse": the first asks for the barriers on signatures,
        # the second names Antwerp (DR-2024-002's town and province, which its text never names).
        found = self.facet_search(backend, "handtekeningdrempels")
        assert set(codes(found)) == {"DR-2024-002", "DR-2023-009"}
        assert found.notices == ["Geen resultaten voor ‘handtekeningdrempels’; gezocht op ‘handtekening’."]
        assert codes(self.facet_search(backend, "Antwerpse aanvraag"))[0] == "DR-2024-002"
        # "frontoffice-drempels": the barriers of werf frontoffice, ranked first, not those that write "drempels"
        typed = codes(self.facet_search(backend, "frontoffice-drempels"))
        assert typed[0] == "DR-2023-003" and typed == codes(self.facet_search(backend, "frontoffice"))
        assert codes(self.facet_search(backend, "Gentse beslissingen"))[0] == "DR-2024-001"

    def test_a_word_naming_a_facet_value_is_not_corrected(self, backend):
        backend.add([_barrier("DR-2025-013", "Vlaams decreet over bekendmaking",
                              "Het Vlaams decreet vraagt een aanplakking.", level="vlaams")])
        assert self.search(backend, "vlaamse decreet").suggestion == "vlaams decreet"
        assert self.facet_search(backend, "vlaamse decreet").suggestion is None
        assert self.facet_search(backend, "vlaamse decreeet").suggestion == "vlaamse decreet"

    def test_a_thesaurus_term_of_several_words_in_a_query_finds_its_synonyms(self, make_backend):
        backend = make_backend(thesaurus={"entries": [
            {"terms": ["OCMW", "openbaar centrum voor maatschappelijk welzijn", "sociale dienst"]}]})
        backend.add(sample_documents())
        # Only DR-2022-005 names the OCMW, by its abbreviation.
        assert codes(self.search(backend, "openbaar centrum voor maatschappelijk welzijn"))[0] == "DR-2022-005"
        assert codes(self.search(backend, "machtiging sociale dienst")) == ["DR-2022-005"]

    def test_an_abbreviation_of_local_government_finds_the_words_written_out(self, make_backend):
        # The shipped thesaurus: a query writing out "gemeentelijke administratieve sancties" finds the records
        # that only say GAS, also as part of a hyphenated word, and the other way round.
        backend = _shipped_thesaurus_register(make_backend, [
            ("DR-2025-027", "Beslissingen over GAS enkel per aangetekende brief",
             "De wet schrijft de aangetekende zending voor."),
            ("DR-2025-028", "Gemeentelijke administratieve sancties via de eBox",
             "De sanctionerend ambtenaar wil de beslissing digitaal bezorgen."),
            ("DR-2025-029", "Gemeentelijke premies", "Een administratieve vereenvoudiging."),
            ("DR-2025-032", "Inning van GAS-boetes", "Het betaalverzoek gaat per post.")])
        assert set(codes(self.search(backend, "gemeentelijke administratieve sancties"))[:3]) == {
            "DR-2025-027", "DR-2025-028", "DR-2025-032"}
        assert set(codes(self.search(backend, "GAS"))) == {"DR-2025-027", "DR-2025-028", "DR-2025-032"}
        assert codes(self.search(backend, "GAS-boetes"))[0] == "DR-2025-032"

    def test_a_synonym_of_local_administration_finds_the_other_wording(self, make_backend):
        # The shipped thesaurus: what one municipality calls a "woonstcontrole" by the "wijkinspecteur" another
        # calls a "woonstvaststelling" by the "wijkagent"; a "containerpark" is a "recyclagepark".
        backend = _shipped_thesaurus_register(make_backend, [
            ("DR-2025-040", "Woonstvaststelling door de wijkagent op papier",
             "Na een adreswijziging gaat het dossier op papier naar de politie."),
            ("DR-2025-041", "Toegang tot het recyclagepark met de eID", "De slagboom leest de identiteitskaart."),
            ("DR-2025-042", "Papieren formulieren bij de politie", "Het proces-verbaal wordt afgedrukt."),
            ("DR-2025-043", "Controle van facturen", "De woonst van de leverancier staat erop."),
            ("DR-2025-044", "Hoorzitting over een omgevingsvergunning enkel fysiek",
             "Wie administratief beroep instelt, kan vragen om gehoord te worden."),
            ("DR-2025-045", "Omgevingsvergunning enkel op papier aangevraagd",
             "De bouwvergunning wordt per post aangevraagd en per post bezorgd.")])
        assert codes(self.search(backend, "woonstcontrole wijkinspecteur")) == ["DR-2025-040"]
        # a synonym no record writes is not an unknown compound to split into words records do write
        alone = self.search(backend, "woonstcontrole")
        assert codes(alone) == ["DR-2025-040"] and alone.notices == []
        assert codes(self.search(backend, "verhuis"))[0] == "DR-2025-040"
        assert codes(self.search(backend, "containerpark")) == ["DR-2025-041"]
        assert codes(self.search(backend, "bouwvergunning aanvechten mondelinge toelichting"))[0] == "DR-2025-044"

    def test_a_synonym_whose_entry_no_record_writes_is_split_as_a_compound(self, make_backend):
        # "evenementenvergunning" is a thesaurus term, but no record writes a term of its entry (the words of
        # "vergunning voor een evenement" stand elsewhere): searched as the words records do write, not as a
        # canonical term nothing holds.
        backend = _shipped_thesaurus_register(make_backend, [
            ("DR-2025-046", "Aanvraag voor evenementen versnipperd",
             "Elke vergunning gaat apart, per evenement en per dienst."),
            ("DR-2025-047", "Vergunning voor een terras", "Het terras vraagt een vergunning op papier.")])
        found = self.search(backend, "evenementenvergunning")
        assert codes(found)[0] == "DR-2025-046"
        assert found.notices[0] == "Geen resultaten voor ‘evenementenvergunning’; gezocht op ‘evenementen vergunning’."

    def test_a_citizens_word_finds_the_administrative_term(self, make_backend):
        # The shipped thesaurus: the words a searcher uses beside those a jurist writes in the register.
        backend = _shipped_thesaurus_register(make_backend, [
            ("DR-2025-050", "Persoonlijke verschijning voor een attest",
             "De aanvrager moet het attest zelf afhalen; een volmacht volstaat niet."),
            ("DR-2025-051", "Retributie enkel contant te betalen", "Het reglement vermeldt geen elektronische betaling."),
            ("DR-2025-052", "Schermlezer leest het formulier niet", "Personen met een visuele beperking haken af."),
            ("DR-2025-053", "Huwelijksaangifte vraagt papieren stukken", "De akte wordt op papier opgemaakt."),
            ("DR-2025-054", "Aanmelden op het e-loket met een buitenlandse eID", "Het e-loket kent die sleutel niet.")])
        assert codes(self.search(backend, "moet ik langskomen aan de balie voor een attest"))[0] == "DR-2025-050"
        assert codes(self.search(backend, "cash betalen")) == ["DR-2025-051"]
        assert codes(self.search(backend, "slechtzienden")) == ["DR-2025-052"]
        assert codes(self.search(backend, "trouwen")) == ["DR-2025-053"]
        assert codes(self.search(backend, "inloggen met een buitenlandse identiteitskaart"))[0] == "DR-2025-054"

    def test_the_words_of_municipal_services_find_each_other(self, make_backend):
        # The shipped thesaurus (session 13): the vocabulary of HR, childcare, mobility, burial, sewerage.
        backend = _shipped_thesaurus_register(make_backend, [
            ("DR-2025-060", "Kandidaturen met origineel diploma aan de balie", "De personeelsdienst kijkt elk stuk na."),
            ("DR-2025-061", "Inschrijving in het kinderdagverblijf op papier", "Ouders vullen een formulier in."),
            ("DR-2025-062", "Gegevens van nummerplaatcamera's niet gedeeld", "De zone kan ze niet raadplegen."),
            ("DR-2025-063", "Asverstrooiing aanvragen kan niet online", "De familie komt langs op het kerkhof."),
            ("DR-2025-064", "Rioolkeuring bij verkoop enkel op papier", "De keurder bezorgt een papieren verslag."),
            ("DR-2025-065", "Buitenlandse studiebewijzen", "De erkenning duurt maanden.")])
        # "studiebewijzen", an inflection the lemma data does not know, in a query or in a record, is the term too
        for text in ("studiebewijs", "studiebewijzen", "diploma's"):
            assert set(codes(self.search(backend, text))) == {"DR-2025-060", "DR-2025-065"}, text
        assert codes(self.search(backend, "crèche"))[0] == "DR-2025-061"
        assert codes(self.search(backend, "ANPR-camera"))[0] == "DR-2025-062"
        assert codes(self.search(backend, "as uitstrooien"))[0] == "DR-2025-063"
        assert codes(self.search(backend, "keuring afvoer"))[0] == "DR-2025-064"

    @pytest.mark.parametrize("text", NASTY_QUERIES)
    def test_nasty_input_never_raises(self, backend, text):
        results = self.search(backend, text)
        assert isinstance(results, SearchResults)
        assert results.total >= 0

    # -- similarity --------------------------------------------------------

    def test_similar_finds_precedent_and_explains(self, backend):
        hits = backend.similar("barrier:DR-2024-001", limit=5)
        assert hits and hits[0].code == "DR-2024-010"
        assert "barrier:DR-2024-001" not in [h.id for h in hits]
        assert all(h.type == "barrier" for h in hits)
        assert all(0.0 <= h.score <= 1.0 for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert any("aangetekend" in w for w in hits[0].why)

    def test_similar_unknown_id_is_empty(self, backend):
        assert backend.similar("barrier:BESTAAT-NIET") == []

    def test_more_like_text_ranks_near_copy_first(self, backend):
        hits = backend.more_like_text(
            "Papieren handtekening op aanvraagformulier",
            "Burgers moeten het aanvraagformulier met een handgeschreven handtekening indienen.",
            limit=3,
        )
        assert hits[0].code == "DR-2024-002"
        assert hits[0].score > 0.3
        assert all(h.score < hits[0].score for h in hits[1:])

    def test_more_like_text_tells_the_overlap_beyond_the_score(self, backend):
        hits = backend.more_like_text("Handtekening op papier bij aanvragen",
                                      "Burgers moeten het aanvraagformulier met de hand ondertekenen.", limit=3)
        near, other = hits[0].overlap, hits[-1].overlap
        assert hits[0].code == "DR-2024-002" and near.title_cover == 1.0
        assert near.shared_df == tuple(sorted(near.shared_df)) and min(near.shared_df) >= 1
        assert len(near.shared_df) > len(other.shared_df) and other.title_cover < near.title_cover

    def test_more_like_text_unrelated_scores_low(self, backend):
        hits = backend.more_like_text("Zwembad", "Het zwembad sluit in de winter.", limit=3)
        assert all(h.score < 0.2 for h in hits)

    # -- public_only: what an anonymous visitor may receive ------------------

    @pytest.fixture
    def mixed(self, make_backend) -> SearchBackend:
        """Four public barriers; the other records, and one secret barrier with a word no other has."""
        backend = make_backend()
        docs = sample_documents()
        for doc in docs:
            doc.public = doc.code in PUBLIC_CODES
        backend.add([*docs, secret_barrier()])
        return backend

    def public_search(self, backend, text, **kw) -> SearchResults:
        filters = kw.pop("filters", None)
        query = parse_query(text, filters=filters, citation_finder=tiny_citation_finder, public_only=True)
        return backend.search(query, **kw)

    def test_public_only_lists_counts_and_facets_public_records_alone(self, mixed):
        everything = self.search(mixed, "", filters={"type": "barrier"}, page_size=50)
        assert SECRET_CODE in codes(everything) and everything.facets["kind"]["financieel"] == 2
        results = self.public_search(mixed, "", filters={"type": "barrier"}, page_size=2, sort="code")
        assert results.total == len(PUBLIC_CODES) and results.pages == 2
        assert codes(results) == sorted(PUBLIC_CODES)[:2]
        assert sum(results.facets["status"].values()) == len(PUBLIC_CODES)
        assert "financieel" not in results.facets["kind"] and "2031" not in results.facets["year"]
        second = self.public_search(mixed, "", filters={"type": "barrier"}, page=2, page_size=2, sort="code")
        assert codes(second) == sorted(PUBLIC_CODES)[2:]

    def test_public_only_text_search_finds_no_other_record(self, mixed):
        assert SECRET_CODE in codes(self.search(mixed, "aangetekende"))
        results = self.public_search(mixed, "aangetekende", page_size=50)
        assert set(codes(results)) == {"DR-2024-001", "DR-2024-010"} and results.total == 2
        assert sum(results.facets["status"].values()) == 2
        assert all("zeppelin" not in hit.snippet.lower() for hit in results.hits)
        # articles and projects are not public: a search in every type still lists public barriers only
        assert "GZG-2022-001" in codes(self.search(mixed, "attesten"))
        found = self.public_search(mixed, "attesten", page_size=50)
        assert found.hits and set(codes(found)) <= PUBLIC_CODES and set(found.facets["type"]) == {"barrier"}
        assert self.public_search(mixed, "zeppelinhangar").total == 0
        assert self.public_search(mixed, "", filters={"kind": "financieel"}).total == 0

    def test_public_only_never_suggests_a_word_of_a_non_public_record(self, mixed):
        assert self.search(mixed, "zeppelinhanger").suggestion == "zeppelinhangar"
        assert self.public_search(mixed, "zeppelinhanger").suggestion is None
        assert self.public_search(mixed, "zeppelinhangar").suggestion is None
        assert mixed.suggest("zeppelinhanger") == "zeppelinhangar"
        assert mixed.suggest("zeppelinhanger", public_only=True) is None
        # words of public records are still offered
        assert self.public_search(mixed, "rijksregster").suggestion == "rijksregister"

    def test_public_only_forgets_a_record_withdrawn_from_public_view(self, mixed):
        assert self.public_search(mixed, "rijksregster").suggestion == "rijksregister"
        doc = sample_documents()[4]  # DR-2022-005, the only record with "rijksregister"
        mixed.add([doc])  # public is False now
        assert self.public_search(mixed, "rijksregister").total == 0
        assert self.public_search(mixed, "rijksregster").suggestion is None
        assert mixed.suggest("rijksregster", public_only=True) is None
        assert mixed.suggest("rijksregster") == "rijksregister"

    def test_public_only_on_an_index_without_public_records(self, empty):
        empty.add([secret_barrier()])
        results = self.public_search(empty, "zeppelinhanger")
        assert results.total == 0 and results.suggestion is None and results.facets == {}
        assert empty.similar(f"barrier:{SECRET_CODE}", public_only=True) == []

    def test_public_only_similar_lists_public_records_alone(self, mixed):
        assert SECRET_CODE in [h.code for h in mixed.similar("barrier:DR-2024-001", limit=10)]
        hits = mixed.similar("barrier:DR-2024-001", limit=10, public_only=True)
        assert hits and hits[0].code == "DR-2024-010"
        assert {h.code for h in hits} <= PUBLIC_CODES
        # a record that is not public has no similar records for an anonymous visitor
        assert mixed.similar(f"barrier:{SECRET_CODE}", public_only=True) == []
        assert mixed.similar("barrier:DR-2024-002", public_only=True) == []
        text = ("Zeppelinhangar met aangetekende zending", "Een zeppelinhangar vraagt een aangetekende zending.")
        assert mixed.more_like_text(*text, limit=3)[0].code == SECRET_CODE
        assert {h.code for h in mixed.more_like_text(*text, limit=10, public_only=True)} <= PUBLIC_CODES


PUBLIC_CODES = {"DR-2024-001", "DR-2024-010", "DR-2022-005", "DR-2023-003"}
SECRET_CODE = "DR-2031-001"


def secret_barrier() -> SearchDocument:
    """Not public, close to DR-2024-001, with a word (zeppelinhangar) and facet values no other record has."""
    return _barrier(SECRET_CODE, "Zeppelinhangar met aangetekende zending",
                    "Voor een vergunning voor een zeppelinhangar eist het bestuur een aangetekende zending "
                    "en een retributie, ook als de aanvraag elektronisch kan.",
                    kind="financieel", year=2031, severity=5, updated=dt.datetime(2031, 1, 1))
