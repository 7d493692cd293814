"""The equivalence hint: form requirements that the Bestuursdecreet may already let go electronic.

The rule is this visible table: which barrier kinds and which words trigger it, and what it points
to. The Bestuursdecreet's text is not in the register, so no article number is cited as checked:
the hint names title II and marks the numbers used in public sources as still to be checked.
"""

import re
from dataclasses import dataclass

# Barriers already closed need no hint.
CLOSED = frozenset({"opgelost", "niet-weerhouden"})


@dataclass(frozen=True)
class EquivalenceRule:
    requirement: str            # the paper form, in Dutch
    electronic: str             # the electronic form that may be equivalent
    words: tuple[str, ...]      # word starts that trigger the rule (case-insensitive)
    kinds: tuple[str, ...] = ("juridisch", "procesmatig")


RULES = (
    EquivalenceRule("handtekening", "een elektronische handtekening",
                    ("handtekening", "ondertekend", "ondertekenen", "ondertekening", "eigenhandig",
                     "handgeschreven", "handgetekend")),
    EquivalenceRule("aangetekende zending", "een elektronische aangetekende zending",
                    ("aangetekend", "per aangetekende")),
    EquivalenceRule("schriftelijke vorm", "een elektronisch bericht",
                    ("schriftelijk", "op papier", "papieren formulier", "papieren aanvraag")),
)

# What the hint points to. Article numbers are cited only when checked against a text in the
# repository (`checked_articles`); the numbers of public sources stay marked as to be checked.
TARGET_REGULATION = "BD"
TARGET_TEXT = "titel II van het Bestuursdecreet van 7 december 2018"
CHECKED_ARTICLES: tuple[str, ...] = ()
UNCHECKED_NOTE = ("in publieke bronnen geciteerd als art. II.21-II.25; die artikelnummers zijn nog na te kijken "
                  "tegen de geconsolideerde tekst")


def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")", re.IGNORECASE)


_PATTERNS = {rule.requirement: _pattern(rule.words) for rule in RULES}


def matching_rules(kind: str, status: str, text: str) -> list[EquivalenceRule]:
    """The rules a barrier triggers: right kind, still open, and a trigger word in its text."""
    if status in CLOSED:
        return []
    return [rule for rule in RULES if kind in rule.kinds and _PATTERNS[rule.requirement].search(text)]


def citation_text() -> str:
    if CHECKED_ARTICLES:
        return f"art. {', '.join(CHECKED_ARTICLES)} van het Bestuursdecreet ({TARGET_TEXT})"
    return f"{TARGET_TEXT} ({UNCHECKED_NOTE})"


def hint_text(rule: EquivalenceRule, count: int = 1) -> str:
    which = "deze drempel vraagt" if count == 1 else "deze drempels vragen"
    return (f"Vormvereiste ‘{rule.requirement}’: de gelijkstellingsregels in {citation_text()} laten mogelijk al "
            f"{rule.electronic} toe waar een oudere regel van papier uitgaat. Dan {which} eerder een "
            f"juridische lezing (interpretatie) dan een wijziging van de regelgeving.")
