"""Counting and grouping over the facts: article ranking, extractive sentences, solution groups, changes.

Nothing here invents text: sentences are quoted or shortened from what jurists registered.
"""

import re
from collections import Counter
from typing import Any

from briefs.labels import label

Fact = dict[str, Any]

# Weight of an article: how many barriers, projects and municipalities it blocks (shown in the brief).
WEIGHTS = {"barriers": 3, "projects": 2, "municipalities": 1}
MAX_QUOTE = 260

# Who can act, by the barrier's level, in the order the note treats them.
ACTORS = (
    ("vlaams", "Wat Vlaanderen zelf kan doen"),
    ("federaal", "Wat federaal overleg vraagt"),
    ("europees", "Wat Europees speelt"),
    ("lokaal", "Wat lokale besturen zelf kunnen doen"),
    ("provinciaal", "Wat de provincies kunnen doen"),
    (None, "Bestuursniveau nog te bepalen"),
)

# Solution type when the jurist set none: the first type whose word starts occur in the solution text.
SOLUTION_WORDS = (
    ("interpretatie", ("interpret", "gelijkstelling", "lezing", "gelijkwaardig", "volstaat")),
    ("omzendbrief-of-richtlijn", ("omzendbrief", "richtlijn", "handleiding", "modelreglement")),
    ("wijziging-regelgeving", ("wijzig", "aanpass", "aangepast", "opheff", "decreetswijziging", "wetswijziging",
                               "wetgev", "reglement")),
    ("financiering", ("financier", "subsidie", "budget", "btw", "kostendeling", "vrijstelling")),
    ("technische-oplossing", ("koppeling", "toepassing", "e-loket", "magda", "platform", "software", "api")),
    ("organisatorische-maatregel", ("afspraak", "afspraken", "werkwijze", "samenwerking", "overleg", "procedure")),
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9ÀÉÈËÏÖÜ\"'‘“(])")


def first_sentence(text: str | None) -> str:
    """The first sentence of registered text, shortened at a word boundary (marked with …)."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) <= MAX_QUOTE:
        return sentence
    cut = sentence[:MAX_QUOTE].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def citation_label(citation: dict[str, Any]) -> str:
    """Precise Dutch citation: 'art. 285, §1, 2° DLB'; the raw text when the register cannot resolve it."""
    if not citation["regulation"]:
        return " ".join(citation["raw"].split())
    name = citation.get("regulation_name") or citation["regulation"]
    if not citation["article"]:
        return f"{citation['regulation_title'] or name} (geheel)"
    parts = [f"art. {citation['article']}"]
    european = citation.get("level") == "europees"
    if citation["paragraph"]:
        parts.append(f"lid {citation['paragraph']}" if european else f"§{citation['paragraph']}")
    if citation["point"]:
        parts.append(f"onder {citation['point']})" if european else f"{citation['point']}°")
    return ", ".join(parts) + f" {name}"


def _article_key(citation: dict[str, Any]) -> tuple[str, str]:
    if not citation["regulation"]:
        return ("", " ".join(citation["raw"].split()))
    return (citation["regulation"], citation["article"] or "")


def rank_articles(facts: list[Fact]) -> list[dict[str, Any]]:
    """Articles linked as cause, by weight (barriers, projects, municipalities affected), then by name."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for fact in facts:
        for citation in fact["citations"]:
            if citation["role"] != "oorzaak":
                continue
            entry = groups.setdefault(_article_key(citation), {
                "citation": citation, "forms": set(), "codes": set(), "projects": set(), "municipalities": set()})
            entry["forms"].add(citation_label(citation))
            entry["codes"].add(fact["code"])
            entry["projects"].update(p["code"] for p in fact["projects"])
            entry["municipalities"].update(m["nis"] for m in fact["municipalities"])
    ranked = []
    for (key, _article), entry in groups.items():
        counts = {"barriers": len(entry["codes"]), "projects": len(entry["projects"]),
                  "municipalities": len(entry["municipalities"])}
        citation = entry["citation"]
        ranked.append({
            "label": "; ".join(sorted(entry["forms"])), "regulation": key,
            "regulation_title": citation["regulation_title"] or "niet in de catalogus van het register",
            "url": citation["url"], "codes": sorted(entry["codes"]), **counts,
            "weight": sum(WEIGHTS[name] * value for name, value in counts.items()),
        })
    return sorted(ranked, key=lambda r: (-r["weight"], -r["barriers"], r["label"]))


def solution_type(fact: Fact) -> str | None:
    """The registered solution type, or the one its text names; None without a proposed solution."""
    if not fact.get("proposed_solution"):
        return None
    if fact.get("solution_type"):
        return fact["solution_type"]
    text = fact["proposed_solution"].casefold()
    for value, words in SOLUTION_WORDS:
        if any(re.search(r"\b" + re.escape(word), text) for word in words):
            return value
    return "niet-ingedeeld"


def solution_groups(facts: list[Fact]) -> list[tuple[str, list[tuple[str, list[Fact]]]]]:
    """[(actor heading, [(solution type label, facts)])] for the facts that have a proposed solution."""
    result = []
    for level, heading in ACTORS:
        # A barrier not retained has a reason, not a proposal.
        with_solution = [f for f in facts if f["level"] == level and f.get("proposed_solution")
                         and f["status"] != "niet-weerhouden"]
        if not with_solution:
            continue
        by_type: dict[str, list[Fact]] = {}
        for fact in with_solution:
            by_type.setdefault(solution_type(fact), []).append(fact)
        ordered = sorted(by_type.items(), key=lambda item: _type_label(item[0]))
        result.append((heading, [(_type_label(t), items) for t, items in ordered]))
    return result


def _type_label(value: str) -> str:
    return "Niet ingedeeld" if value == "niet-ingedeeld" else label("solution_types", value)


def count_by(facts: list[Fact], field: str, group: str | None = None) -> list[tuple[str, list[str]]]:
    """[(label, codes)] per value of a field, largest first, then by label."""
    buckets: dict[str, list[str]] = {}
    for fact in facts:
        value = fact.get(field)
        shown = label(group, value) if group else (value or "niet bepaald")
        buckets.setdefault(shown, []).append(fact["code"])
    return sorted(buckets.items(), key=lambda item: (-len(item[1]), item[0]))


def quarters(facts: list[Fact]) -> list[tuple[str, list[str]]]:
    """[('2024 K1', codes)] for every quarter from the first to the last report, empty ones included."""
    found: dict[tuple[int, int], list[str]] = {}
    for fact in facts:
        if fact["reported_on"]:
            year, month = int(fact["reported_on"][:4]), int(fact["reported_on"][5:7])
            found.setdefault((year, (month - 1) // 3 + 1), []).append(fact["code"])
    if not found:
        return []
    (year, quarter), last = min(found), max(found)
    result = []
    while (year, quarter) <= last:
        result.append((f"{year} K{quarter}", found.get((year, quarter), [])))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return result


def changes(facts: list[Fact], previous: list[Fact]) -> dict[str, list[Any]]:
    """What changed since the previous brief on the same selection."""
    before = {f["code"]: f for f in previous}
    now = {f["code"]: f for f in facts}
    new = sorted(set(now) - set(before))
    gone = sorted(set(before) - set(now))
    solved = sorted(c for c in now if c in before and now[c]["status"] == "opgelost"
                    and before[c]["status"] != "opgelost")
    moved = sorted((c, before[c]["status"], now[c]["status"]) for c in now
                   if c in before and now[c]["status"] != before[c]["status"] and c not in solved)
    return {"new": new, "gone": gone, "solved": solved, "status_changed": moved}


def totals(facts: list[Fact]) -> Counter:
    return Counter(f["status"] for f in facts)
