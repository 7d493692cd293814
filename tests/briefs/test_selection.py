"""Selections: OR within a field, AND across fields, every value checked, a Dutch message for bad input."""

import json

import pytest
from sqlmodel import Session

from briefs.selection import describe, parse_selection, select_codes
from kb.errors import ValidationFailed
from tests.conftest import CORPUS

DEMO = [json.loads(line) for line in (CORPUS / "demo" / "barriers.jsonl").read_text(encoding="utf-8").splitlines()]


def codes(engine, filters):
    with Session(engine) as session:
        return select_codes(session, parse_selection(session, filters))


def expected(predicate):
    return sorted(row["code"] for row in DEMO if predicate(row))


def test_or_within_a_field_and_across_fields(demo):
    assert codes(demo, {"status": ["gemeld", "opgelost"]}) == \
        expected(lambda r: r["status"] in ("gemeld", "opgelost"))
    assert codes(demo, {"status": ["gemeld", "opgelost"], "niveau": ["vlaams"]}) == \
        expected(lambda r: r["status"] in ("gemeld", "opgelost") and r["level"] == "vlaams")
    assert codes(demo, {}) == expected(lambda r: True)


def test_labels_links_and_dates(demo):
    assert codes(demo, {"niveau": ["Vlaams"], "soort": ["Juridisch"]}) == \
        expected(lambda r: r["level"] == "vlaams" and r["kind"] == "juridisch")
    assert codes(demo, {"gemeld-vanaf": ["2025-01-01"], "gemeld-tot": ["2025-12-31"]}) == \
        expected(lambda r: r["reported_on"].startswith("2025"))
    assert codes(demo, {"trefwoord": ["handtekening"]}) == expected(lambda r: "handtekening" in r["tags"])
    ghent = codes(demo, {"gemeente": ["Gent"]})
    assert ghent and ghent == codes(demo, {"gemeente": ["44021"]})
    assert "DR-2022-001" in codes(demo, {"project": ["GZG-2022-001"]})


def test_theme_groups_by_kind_until_themes_exist(demo):
    assert codes(demo, {"thema": ["Financieel"]}) == expected(lambda r: r["kind"] == "financieel")


def test_regulation_and_article(demo):
    eidas = codes(demo, {"regelgeving": ["eIDAS"]})
    assert "DR-2022-002" in eidas
    assert codes(demo, {"artikel": ["art. 43 eIDAS"]}) == codes(demo, {"artikel": ["EIDAS:43"]})
    assert "DR-2022-002" in codes(demo, {"artikel": ["art. 43 eIDAS"]})
    assert set(codes(demo, {"artikel": ["art. 43 eIDAS"]})) <= set(eidas)


def test_bad_filters_name_field_and_value(demo):
    with Session(demo) as session:
        with pytest.raises(ValidationFailed) as caught:
            parse_selection(session, {"kleur": ["rood"], "status": ["weg"], "gemeente": ["Atlantis"],
                                      "gemeld-vanaf": ["gisteren"], "artikel": ["DLB"]})
    messages = {e.field: e.message for e in caught.value.errors}
    assert "onbekend filterveld 'kleur'" in messages["kleur"]
    assert "onbekende waarde 'weg'" in messages["status"]
    assert "onbekende gemeente 'Atlantis'" in messages["gemeente"]
    assert "ongeldige datum 'gisteren'" in messages["gemeld-vanaf"]
    assert "noemt geen artikel" in messages["artikel"]


def test_selection_in_words(demo):
    with Session(demo) as session:
        selection = parse_selection(session, {"status": ["gemeld"], "gemeente": ["44021"],
                                              "gemeld-vanaf": ["2024-01-01"]})
        text = describe(session, selection)
        assert describe(session, {}) == "Alle drempels in het register."
    assert text == "Drempels met status ‘Gemeld’; gemeente ‘Gent’; gemeld vanaf 1 januari 2024."


def test_a_start_date_after_the_end_date_is_refused(demo):
    """"gemeld vanaf 2026 tot 2020" gave an empty brief without a word; the user swapped the dates."""
    with Session(demo) as session:
        with pytest.raises(ValidationFailed) as caught:
            parse_selection(session, {"gemeld-vanaf": ["2026-01-01"], "gemeld-tot": ["2020-01-01"]})
        assert parse_selection(session, {"gemeld-vanaf": ["2020-01-01"], "gemeld-tot": ["2020-01-01"]})
    [error] = caught.value.errors
    assert error.field == "gemeld-tot" and "na de begindatum" in error.message
