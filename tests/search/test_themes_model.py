"""ThemeModel rebuilt from a membership; assign(); emerging patterns; stability under additions."""
import dataclasses
import datetime as dt

import pytest

from search.themes import ThemeDoc, ThemeModel, emerging_patterns, propose_themes, reconcile
from search.themes.emerging import recent
from tests.search.themes_demo import demo_docs, thesaurus


@pytest.fixture(scope="module")
def proposal():
    return propose_themes(list(demo_docs()), thesaurus=thesaurus())


def _membership(proposal):
    return {f"TH-{i}": frozenset(t.members) for i, t in enumerate(proposal.themes)}


def test_model_from_membership_assigns_members_to_their_own_theme(proposal):
    membership = _membership(proposal)
    model = ThemeModel.fit(list(demo_docs()), membership, thesaurus=thesaurus())
    by_code = {d.code: d for d in demo_docs()}
    hits = sum(model.assign(by_code[c])[0] == theme for theme, codes in membership.items() for c in codes)
    assert hits >= 0.9 * sum(len(c) for c in membership.values())


def test_new_barrier_goes_to_the_theme_of_its_subject(proposal):
    membership = _membership(proposal)
    model = ThemeModel.fit(list(demo_docs()), membership, thesaurus=thesaurus())
    new = ThemeDoc("DR-2026-900", "Weigering van een vergunning verplicht per aangetekende zending",
                   "De stad moet de weigering van een vergunning met een aangetekende zending bezorgen; "
                   "een elektronische aangetekende zending via de eBox wordt niet aanvaard.")
    theme, confidence = model.assign(new)
    assert theme is not None and "DR-2024-005" in membership[theme]
    assert 0.5 <= confidence <= 1.0


def test_unrelated_text_is_left_for_review(proposal):
    model = ThemeModel.fit(list(demo_docs()), _membership(proposal), thesaurus=thesaurus())
    theme, confidence = model.assign(ThemeDoc("X-1", "Zomerkermis", "De kermiskramers vragen meer stroomkasten op het plein."))
    assert theme is None and confidence < 0.5


def test_model_is_deterministic_and_order_free(proposal):
    membership = _membership(proposal)
    docs = list(demo_docs())
    one = ThemeModel.fit(docs, membership, thesaurus=thesaurus())
    two = ThemeModel.fit(list(reversed(docs)), membership, thesaurus=thesaurus())
    assert [one.assign(d) for d in docs] == [two.assign(d) for d in docs]


def test_adding_a_few_barriers_keeps_most_themes(proposal):
    extra = [dataclasses.replace(d, code=d.code + "-BIS") for d in demo_docs()[:3]]
    again = propose_themes(list(demo_docs()) + extra, thesaurus=thesaurus())
    result = reconcile(_membership(proposal), [frozenset(t.members) for t in again.themes], new_id=lambda: "NEW")
    kept = [e for e in result.events if e.kind == "kept"]
    assert len(kept) >= 0.7 * len(proposal.themes)


def test_emerging_patterns_group_recent_reports():
    by_code = {d.code: d for d in demo_docs()}
    codes = ["DR-2022-002", "DR-2024-005", "DR-2025-005", "DR-2022-004", "DR-2023-007", "DR-2026-003", "DR-2023-009"]
    patterns = emerging_patterns([by_code[c] for c in codes], thesaurus=thesaurus())
    assert patterns and all(len(p.members) >= 2 and p.label for p in patterns)
    groups = [set(p.members) for p in patterns]
    assert any({"DR-2022-002", "DR-2024-005"} <= g for g in groups)
    assert all(p.representative in p.members for p in patterns)


def test_emerging_patterns_of_nothing_is_nothing():
    assert emerging_patterns([]) == []
    assert emerging_patterns([demo_docs()[0]]) == []


def test_recent_keeps_the_last_ninety_days():
    docs = [dataclasses.replace(demo_docs()[0], code="A", reported=dt.date(2026, 3, 1)),
            dataclasses.replace(demo_docs()[0], code="B", reported=dt.date(2025, 11, 1)),
            dataclasses.replace(demo_docs()[0], code="C", reported=None)]
    assert [d.code for d in recent(docs, today=dt.date(2026, 3, 31))] == ["A"]


def test_proposal_model_can_take_the_reconciled_ids(proposal):
    ids = {f"T{i + 1}": f"TH-{i}" for i in range(len(proposal.themes))}
    model = proposal.model.renamed(ids)
    doc = next(d for d in demo_docs() if d.code == proposal.themes[0].representative)
    assert model.assign(doc)[0] == "TH-0"
