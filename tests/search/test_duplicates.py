"""The calibrated duplicate decision: its signals on hand examples, and its warnings on the real demo
register for new reports that are in no labelled set (bench/eval/duplicate_reports.jsonl)."""

import pytest

from bench.evaluate import demo_service
from search.duplicates import CANDIDATES_READ, DUPLICATE_MODEL, RARE_DOCS, Candidate, features, probability, title_similarity


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    runtime = demo_service(tmp_path_factory.mktemp("register"))
    yield runtime
    runtime.close()


def test_signals_on_a_hand_example():
    candidates = [Candidate("A", "Aangetekende zending verplicht", 0.6, ("dlb:285",)),
                  Candidate("B", "Zwembad", 0.2), Candidate("C", "Parkeerkaart", 0.1)]
    first, second, _ = features("Verplichte aangetekende zendingen", ["DLB:285"], candidates)
    assert first["margin"] == pytest.approx(0.4) and second["margin"] == pytest.approx(-0.4)
    # the crowd: over as many others as are read (CANDIDATES_READ - 1), the ones not returned scoring 0
    assert first["crowd"] == pytest.approx(0.6 - 0.3 / (CANDIDATES_READ - 1))
    assert first["refs"] == 1.0 and second["refs"] == 0.0
    assert first["title"] > 0.5 and second["title"] == 0.0


def test_the_crowd_of_a_short_candidate_list_counts_the_barriers_not_returned():
    # A paraphrase of one of two near-duplicate barriers in a small register: the two are all that is returned.
    pair = features("x", [], [Candidate("A", "", 0.54), Candidate("B", "", 0.47)])[0]
    full = [Candidate("A", "", 0.54), Candidate("B", "", 0.47)] + [Candidate(f"C{i}", "", 0.0)
                                                                   for i in range(CANDIDATES_READ - 2)]
    assert pair["crowd"] == pytest.approx(features("x", [], full)[0]["crowd"])
    assert pair["crowd"] == pytest.approx(0.54 - 0.47 / (CANDIDATES_READ - 1))


def test_rare_counts_the_shared_terms_few_records_hold():
    candidate = Candidate("A", "", 0.3, title_cover=0.75, shared_df=(1, 2, 2, RARE_DOCS, RARE_DOCS + 1, 400))
    row = features("x", [], [candidate])[0]
    assert row["rare"] == 4.0 and row["title_cover"] == 0.75
    assert features("x", [], [candidate], rare_docs=1)[0]["rare"] == 1.0


def test_title_similarity_sees_inflections_and_nothing_in_empty_titles():
    assert title_similarity("Aangetekende zending", "aangetekende zendingen") == 1.0
    assert title_similarity("", "Zwembad") == 0.0


def test_a_candidate_that_stands_out_is_more_likely_than_one_in_a_crowd():
    alone = features("x", [], [Candidate("A", "", 0.45), Candidate("B", "", 0.1), Candidate("C", "", 0.1)])[0]
    crowd = features("x", [], [Candidate("A", "", 0.45), Candidate("B", "", 0.42), Candidate("C", "", 0.4)])[0]
    assert probability(alone, DUPLICATE_MODEL) > probability(crowd, DUPLICATE_MODEL)


PARAPHRASES = [
    ("DR-2023-011", "Kleine gemeente kan de certificaten voor digitaal tekenen niet betalen",
     "Elke schepen en de algemeen directeur hebben een betalend gekwalificeerd certificaat nodig om besluiten "
     "elektronisch te ondertekenen. Voor onze kleine gemeente, waar de ondertekenaars vaak wisselen, zijn die "
     "jaarlijkse kosten te hoog."),
    ("DR-2025-002", "Geboorteakte uit een ander EU-land moet op papier worden meegebracht",
     "Nieuwkomers uit andere lidstaten moeten hun geboorteakte en een bewijs van woonst uit het land van "
     "herkomst op papier en vertaald aan de balie afgeven; digitaal opvragen via het Europese systeem kan nog niet."),
    # written in session 4, after the model was fitted, before their scores were seen
    ("DR-2025-007", "Geluidsopname van de gemeenteraad telt niet als verslag",
     "We nemen elke raadszitting op en publiceren de opname, maar de regels vragen nog altijd geschreven notulen "
     "die de secretaris opstelt. De opname zelf mag niet als officieel verslag dienen, dus werken we dubbel."),
    # A fourth report written then, the paraphrase of DR-2026-005 ("Wettelijk samenwonen kan niet online
    # worden aangegeven"), is ranked first but not flagged (0.43; 0.47 after the session-5 refit): a known miss,
    # now in the labelled set's held part (bench/eval/README.md), not a test that expects to fail.
]
SAME_THEME_NOT_DUPLICATE = [
    ("Bibliotheek vraagt een papieren inschrijvingsformulier voor kinderen",
     "Om een kind in te schrijven in de openbare bibliotheek moet een ouder een formulier afdrukken en "
     "ondertekenen. De bibliotheeksoftware kent geen online inschrijving met toestemming van de ouder."),
    ("Sportkampen: medische fiche moet op papier worden afgegeven",
     "Ouders schrijven hun kinderen online in voor de sportkampen van de gemeente, maar de medische fiche "
     "moet op de eerste kampdag op papier worden afgegeven. De sportdienst bewaart die fiches in een map."),
    # written in session 4, after the model was fitted, before their scores were seen
    ("Evenementenvergunning vraagt een getekend inplantingsplan op papier",
     "Wie een buurtfeest of markt organiseert, vraagt de vergunning online aan, maar het inplantingsplan moet "
     "afgedrukt en ondertekend aan de dienst evenementen worden bezorgd."),
    ("Urnenveld of columbarium: aanvraag enkel met een papieren formulier",
     "Nabestaanden die een plaats op het urnenveld willen, moeten een formulier op de begraafplaatsdienst "
     "invullen. De dienst houdt de concessies bij in een register op papier."),
]


@pytest.mark.parametrize("code,title,description", PARAPHRASES)
def test_a_paraphrased_duplicate_is_flagged(rt, code, title, description):
    candidates = rt.search.check_duplicate(title, description)
    assert candidates[0]["code"] == code and candidates[0]["likely"] is True
    assert candidates[0]["confidence"] >= 0.5


@pytest.mark.parametrize("title,description", SAME_THEME_NOT_DUPLICATE)
def test_a_same_theme_report_is_not_flagged(rt, title, description):
    candidates = rt.search.check_duplicate(title, description)
    assert candidates and not any(c["likely"] for c in candidates)
    assert all(0.0 <= c["confidence"] < 0.5 for c in candidates)

