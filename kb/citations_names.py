"""What the register knows of regulation names, compiled for citation matching.

Each regulation is findable by its title, short title and abbreviations, by a
few spellings derived from them ("eIDAS-verordening", the title without its
date), by kind and date ("wet van 8 augustus 1983") and, for EU acts, by
their number ("Verordening (EU) 2016/679", from the CELEX identifier).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.citations_grammar import (
    DATE,
    EU_NUMBER,
    KIND_DATE,
    KIND_WORD,
    WORD,
    date_of,
    eu_candidates,
    kind_of,
)

if TYPE_CHECKING:
    from kb.citations import RegulationName

EU_KINDS = ("verordening", "richtlijn")
# Short abbreviations are also ordinary words or units ("kb", "bd"); in running text
# they only count in the case the register spells them.
_STRICT_LENGTH = 3
_CELEX = re.compile(r"^3(\d{4})([RL])(\d{4})$")
_DATED_TITLE = re.compile(rf"^(?P<kind>{KIND_WORD.pattern})\s+(?:van\s+{DATE}\s+)?(?P<rest>.+)$", re.I)
_MONTH_LABELS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()
_KIND_LABELS = {
    "wet": "Wet", "decreet": "Decreet", "koninklijk-besluit": "Koninklijk besluit",
    "besluit-vlaamse-regering": "Besluit van de Vlaamse Regering",
    "ministerieel-besluit": "Ministerieel besluit", "ordonnantie": "Ordonnantie",
    "omzendbrief": "Omzendbrief", "verordening": "Verordening", "richtlijn": "Richtlijn",
}


@dataclass(frozen=True)
class RegulationMatch:
    """A regulation mention at a text position; key None when the register does not know it."""

    key: str | None
    start: int
    end: int


def normalise_name(s: str) -> str:
    """Lookup form of a name: case, hyphens and runs of (non-breaking) spaces do not count."""
    return re.sub(r"[\s\-]+", " ", s.casefold()).strip()


def name_pattern(surface: str) -> str:
    """Regex for a surface form that tolerates extra spaces and hyphen-or-space."""
    tokens = [re.escape(t) for t in re.split(r"[\s\-]+", surface.strip()) if t]
    return r"(?:\s*-\s*|\s+)".join(tokens)


class NameIndex:
    """Surface forms, kind-and-date and EU numbers of a catalogue, compiled once."""

    def __init__(self, regulations: Iterable[RegulationName]):
        self.regulations = {r.key: r for r in regulations}
        self._keys: dict[str, set[str]] = defaultdict(set)
        self._display: dict[str, str] = {}
        self._strict: dict[str, set[str]] = {}
        self._eu: dict[tuple[str, int, int], set[str]] = defaultdict(set)
        self._rest: dict[str, re.Pattern[str]] = {}
        for reg in self.regulations.values():
            self._add_regulation(reg)
        self._names = _by_first_word(self._display.values())
        self.start_words = frozenset(self._names)
        self._normal_keys = {normalise_name(k): k for k in self.regulations}
        self._key_names = _by_first_word(self.regulations)
        self.key_words = frozenset(self._key_names)

    def _add_regulation(self, reg: RegulationName) -> None:
        for surface in _surfaces(reg):
            norm = normalise_name(surface)
            self._keys[norm].add(reg.key)
            self._display.setdefault(norm, surface)
        for abbreviation in reg.abbreviations:
            if len(abbreviation) <= _STRICT_LENGTH:
                allowed = self._strict.setdefault(normalise_name(abbreviation), set())
                allowed.update({abbreviation, abbreviation.upper()})
        for reading in _eu_readings(reg):
            self._eu[reading].add(reg.key)
        rest = _DATED_TITLE.match(reg.title)
        if rest:
            self._rest[reg.key] = re.compile(rf"\s+{name_pattern(rest.group('rest'))}(?!\w)", re.I)

    def is_eu(self, key: str | None) -> bool:
        reg = self.regulations.get(key) if key else None
        return reg is not None and (reg.kind in EU_KINDS or bool(reg.identifiers.get("celex")))

    def key_of(self, text: str) -> str | None:
        """The register key a typed key refers to ("dlb" → "DLB"), or None."""
        return self._normal_keys.get(normalise_name(text))

    def match(self, text: str, pos: int, *, strict: bool) -> RegulationMatch | None:
        """The longest regulation mention starting at pos; a known one wins a tie."""
        best = None
        for found in (self._match_name(text, pos, strict), self._match_kind_date(text, pos),
                      self._match_eu(text, pos), None if strict else self._match_key(text, pos)):
            if found and (best is None or (found.end, found.key is not None) > (best.end, best.key is not None)):
                best = found
        return best

    def _match_name(self, text: str, pos: int, strict: bool) -> RegulationMatch | None:
        m = _match_first_word(self._names, text, pos)
        if m is None:
            return None
        norm = normalise_name(m.group())
        if strict and norm in self._strict and " ".join(m.group().split()) not in self._strict[norm]:
            return None
        return RegulationMatch(_only(self._keys[norm]), m.start(), m.end())

    def _match_key(self, text: str, pos: int) -> RegulationMatch | None:
        # Typed input may use the register's own keys ("art. 5 RRW", as label() writes it);
        # running text does not, and keys such as "ARCH" are ordinary words there.
        m = _match_first_word(self._key_names, text, pos)
        return RegulationMatch(self._normal_keys[normalise_name(m.group())], m.start(), m.end()) if m else None

    def _match_kind_date(self, text: str, pos: int) -> RegulationMatch | None:
        m = KIND_DATE.match(text, pos)
        if m is None:
            return None
        date, kind = date_of(m), kind_of(m)
        key = _only({r.key for r in self.regulations.values()
                     if date is not None and r.date == date and r.kind in (kind, None)})
        end = m.end()
        if key in self._rest and (rest := self._rest[key].match(text, end)):
            end = rest.end()
        return RegulationMatch(key, m.start(), end)

    def _match_eu(self, text: str, pos: int) -> RegulationMatch | None:
        m = EU_NUMBER.match(text, pos)
        if m is None:
            return None
        keys = set().union(*(self._eu.get(reading, set()) for reading in eu_candidates(m)))
        return RegulationMatch(_only(keys), m.start(), m.end())

    def names(self) -> list[tuple[str, str]]:
        """(surface form, key) pairs that identify one regulation, plus its dated and EU forms."""
        pairs = [(self._display[n], next(iter(k))) for n, k in self._keys.items() if len(k) == 1]
        for reg in self.regulations.values():
            pairs += [(form, reg.key) for form in self._derived_labels(reg)]
        return list(dict.fromkeys(pairs))

    def _derived_labels(self, reg: RegulationName) -> list[str]:
        celex = _celex_reading(reg)
        labels = [eu_label(*celex)] if celex else []
        same_day = [r for r in self.regulations.values() if r.date == reg.date and r.kind == reg.kind]
        # EU acts are cited by number, not by date, so their dated form is matched but not offered.
        if reg.date and reg.kind in _KIND_LABELS and reg.kind not in EU_KINDS and len(same_day) == 1:
            labels.append(f"{_KIND_LABELS[reg.kind]} van {dutch_date(reg.date)}")
        return labels


def _first_word(surface: str) -> str | None:
    word = re.search(r"\w+", surface)
    return word.group().casefold() if word else None


def _by_first_word(surfaces: Iterable[str]) -> dict[str, re.Pattern[str]]:
    """One pattern per first word, longest surface first, so a scan tries only a handful."""
    groups: dict[str, list[str]] = defaultdict(list)
    for surface in surfaces:
        if (word := _first_word(surface)) is not None:
            groups[word].append(surface)
    return {
        word: re.compile(
            "(?:" + "|".join(name_pattern(s) for s in sorted(group, key=len, reverse=True)) + r")(?!\w)",
            re.I,
        )
        for word, group in groups.items()
    }


def _match_first_word(patterns: dict[str, re.Pattern[str]], text: str, pos: int) -> re.Match[str] | None:
    word = WORD.match(text, pos)
    pattern = patterns.get(word.group().casefold()) if word else None
    return pattern.match(text, pos) if pattern else None


def _surfaces(reg: RegulationName) -> list[str]:
    forms = [reg.title, reg.short_title, *reg.abbreviations]
    dated = _DATED_TITLE.match(reg.title)
    if dated and (dated.group("day") or dated.group("nday")):
        forms.append(f"{dated.group('kind')} {dated.group('rest')}")
    if reg.kind in EU_KINDS:
        # "eIDAS-verordening": EU acts are often named by abbreviation plus kind.
        forms += [f"{a}-{reg.kind}" for a in reg.abbreviations if re.fullmatch(r"\w+", a)]
    return [f for f in forms if f and f.strip()]


def _celex_reading(reg: RegulationName) -> tuple[str, int, int] | None:
    m = _CELEX.match((reg.identifiers.get("celex") or "").strip())
    return (m.group(2), int(m.group(1)), int(m.group(3))) if m else None


def _eu_readings(reg: RegulationName) -> list[tuple[str, int, int]]:
    celex = _celex_reading(reg)
    if celex:
        return [celex]
    numbered = EU_NUMBER.search(reg.title) if reg.kind in EU_KINDS or reg.kind is None else None
    return eu_candidates(numbered) if numbered else []


def eu_label(act_type: str, year: int, number: int) -> str:
    """How the Official Journal numbers an EU act: year first since 2015, number first before."""
    word = "Verordening" if act_type == "R" else "Richtlijn"
    if year >= 2015:
        return f"{word} (EU) {year}/{number}"
    if act_type == "R":
        return f"{word} ({'EU' if year >= 2010 else 'EG'}) nr. {number}/{year}"
    # Directives before 1999 carry a two-digit year ("95/46/EG").
    shown = year if year >= 1999 else year % 100
    return f"{word} {shown}/{number}/{'EU' if year >= 2010 else 'EG'}"


def dutch_date(date: dt.date) -> str:
    return f"{date.day} {_MONTH_LABELS[date.month - 1]} {date.year}"


def _only(keys: set[str]) -> str | None:
    # Two regulations behind one name is a question for the jurist, not a guess for us.
    return next(iter(keys)) if len(keys) == 1 else None
