"""Builds regulation and article dicts in the regulation exchange format.

Readers only know what their document says; everything the document lacks
(key, kind, level) is inferred here, in one place, so every format guesses alike.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
_DATE_WORDS = re.compile(r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.I)
_DATE_DMY = re.compile(r"\b(\d{2})-(\d{2})-(\d{4})\b")

# Order matters: the more specific kind must win over "wet" or "besluit".
_KIND_PATTERNS = [
    ("besluit-vlaamse-regering", r"besluit van de vlaamse regering|\bbvr\b"),
    ("koninklijk-besluit", r"koninklijk besluit"),
    ("ministerieel-besluit", r"ministerieel besluit"),
    ("verordening", r"\bverordening\b"),
    ("richtlijn", r"\brichtlijn\b"),
    ("decreet", r"\bdecreet\b"),
    ("ordonnantie", r"\bordonnantie\b"),
    ("omzendbrief", r"\bomzendbrief\b"),
    ("reglement", r"\breglement\b"),
    ("wet", r"\bwet\b|wetboek|\bwet\s|gemeentewet"),
]


def parse_dutch_date(text: str) -> str | None:
    """'8 JUNI 1867' or '09-06-1867' -> '1867-06-08' style ISO date."""
    m = _DATE_WORDS.search(text or "")
    if m:
        return f"{int(m.group(3)):04d}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    m = _DATE_DMY.search(text or "")
    if m:
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    return None


def infer_kind(title: str) -> str:
    lowered = (title or "").lower()
    for kind, pattern in _KIND_PATTERNS:
        if re.search(pattern, lowered):
            return kind
    return "andere"


def infer_level(kind: str, title: str, fmt: str) -> str | None:
    """The government level, or None when nothing in the document says it."""
    lowered = (title or "").lower()
    if fmt == "eurlex" or kind in ("verordening", "richtlijn") and re.search(r"\((eu|eg|eeg)\)|europees", lowered):
        return "europees"
    if fmt == "bwb":
        return "buitenlands"
    if kind == "besluit-vlaamse-regering" or "vlaams" in lowered or fmt == "codex":
        return "vlaams"
    if kind == "decreet":
        return "vlaams"
    if kind in ("wet", "koninklijk-besluit") or fmt == "justel":
        return "federaal"
    if kind == "reglement":
        return "lokaal"
    return None


def derive_key(title: str, stem: str) -> str:
    """An abbreviation jurists would recognise: initials of the name in brackets, else the file stem."""
    for inner in re.findall(r"\(([^()]{6,80})\)", title or ""):
        words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]+", inner) if len(w) > 2 or w[0].isupper()]
        if len(words) >= 2 and not re.search(r"\d|relevante tekst", inner, re.I):
            return "".join(w[0] for w in words).upper()
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").upper() or "REGELING"


UNNUMBERED_NOTE = "Dit artikel heeft geen nummer in de bron; '{label}' is afgeleid van zijn {source}."
NUMBER_MAX = 40


def unnumbered_article_label(candidates: list[str | None], position: int) -> tuple[str, str]:
    """A stable label and a note for an article its source gives no number.

    The first usable candidate (the article's own label or title, as the source prints it) wins;
    without one the label is the article's place among the unnumbered ones ("zonder nummer 2"),
    which stays the same when numbered articles around it change.
    """
    for candidate in candidates:
        label = re.sub(r"\s+", " ", candidate or "").strip(" .:-–—")
        if label and label.lower() not in ("artikel", "art"):
            label = label[:NUMBER_MAX].rstrip()
            return label, UNNUMBERED_NOTE.format(label=label, source="opschrift")
    label = f"zonder nummer {position}"
    return label, UNNUMBERED_NOTE.format(label=label, source="plaats in de tekst")


def new_article(number: str, text: str, *, heading: str | None = None, path: list[str] | None = None,
                status: str = "geldend", notes: list[str] | None = None,
                references: list[str] | None = None, in_force_from: str | None = None,
                in_force_until: str | None = None) -> dict:
    return {
        "number": number, "heading": heading, "path": list(path or []), "text": text,
        "in_force_from": in_force_from, "in_force_until": in_force_until,
        "status": status, "notes": list(notes or []), "references": list(references or []),
    }


def new_regulation(*, title: str, articles: list[dict], fmt: str, file: str | Path,
                   key: str | None = None, kind: str | None = None, level: str | None = None,
                   short_title: str | None = None, date: str | None = None,
                   published: str | None = None, identifiers: dict | None = None,
                   url: str | None = None, abbreviations: list[str] | None = None) -> dict:
    """One regulation object; records which metadata was guessed rather than read."""
    inferred = []
    if key is None:
        key = derive_key(title, Path(file).stem)
        inferred.append("key")
    if kind is None:
        kind = infer_kind(title)
        inferred.append("kind")
    if level is None:
        level = infer_level(kind, title, fmt)
        inferred.append("level")
        if level is None:
            # The register serves Flemish local government; a jurist can correct it.
            level = "vlaams"
    ids = {"eli": None, "numac": None, "celex": None, "bwb": None}
    ids.update(identifiers or {})
    return {
        "key": key, "title": title, "short_title": short_title,
        "abbreviations": list(abbreviations) if abbreviations else [key],
        "kind": kind, "level": level, "date": date, "published": published,
        "identifiers": ids, "url": url, "articles": articles,
        "source": {"format": fmt, "file": Path(file).name}, "inferred": inferred,
    }
