"""The equivalence hint's rule table, case by case, and the article numbers it may cite."""

import json
from pathlib import Path

import pytest

from briefs import equivalence
from briefs.equivalence import CHECKED_ARTICLES, hint_text, matching_rules

TEXTS = Path(__file__).resolve().parents[2] / "corpus" / "regulations" / "texts"


@pytest.mark.parametrize("kind, status, text, expected", [
    ("juridisch", "gemeld", "De aanvraag gebeurt met een door de aanvrager ondertekend formulier.", ["handtekening"]),
    ("procesmatig", "in-analyse", "Het reglement vraagt een Ondertekening door beide ouders.", ["handtekening"]),
    ("juridisch", "gemeld", "Een eigenhandig ondertekend origineel is vereist.", ["handtekening"]),
    ("juridisch", "gemeld", "De beslissing wordt per aangetekende zending bezorgd.", ["aangetekende zending"]),
    ("procesmatig", "oplossing-voorgesteld", "Bezwaar moet aangetekend verstuurd worden.", ["aangetekende zending"]),
    ("juridisch", "gemeld", "De aanvraag moet schriftelijk ingediend worden.", ["schriftelijke vorm"]),
    ("juridisch", "gemeld", "Enkel een papieren formulier wordt aanvaard.", ["schriftelijke vorm"]),
    ("juridisch", "gemeld", "Schriftelijk en ondertekend, per aangetekende brief.",
     ["handtekening", "aangetekende zending", "schriftelijke vorm"]),
    # Kinds outside the table: a technical signing tool is not a form requirement.
    ("technisch", "gemeld", "De handtekeningmodule van het dossierbeheer is traag.", []),
    ("financieel", "gemeld", "Aangetekende zendingen kosten veel porto.", []),
    # Closed barriers need no hint.
    ("juridisch", "opgelost", "Een ondertekend formulier was vereist.", []),
    ("juridisch", "niet-weerhouden", "De aanvraag moet schriftelijk gebeuren.", []),
    # Whole words only, and no trigger word at all.
    ("juridisch", "gemeld", "Het onaangetekende bericht bleef liggen.", []),
    ("juridisch", "gemeld", "Papieren archief neemt veel plaats in.", []),
    ("juridisch", "gemeld", "Toegang tot het Rijksregister ontbreekt.", []),
])
def test_rule_table(kind, status, text, expected):
    assert [rule.requirement for rule in matching_rules(kind, status, text)] == expected


def test_hint_names_title_two_and_marks_unchecked_numbers():
    text = hint_text(equivalence.RULES[0])
    assert "titel II van het Bestuursdecreet" in text
    if not CHECKED_ARTICLES:
        assert "II.21" in text and "nog na te kijken" in text
    assert "interpretatie" in text


def test_checked_articles_exist_in_a_shipped_text():
    """An article number is cited as checked only when the Bestuursdecreet's text in corpus/ holds it."""
    shipped = {}
    for path in TEXTS.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        shipped[data["key"]] = {a["number"] for a in data.get("articles", [])}
    for number in CHECKED_ARTICLES:
        assert number in shipped.get(equivalence.TARGET_REGULATION, set()), number
