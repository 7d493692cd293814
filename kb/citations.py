"""Legal citations as jurists write them, turned into (regulation, article, paragraph, point).

"art. 285, §1, 2° DLB", "DLB, art. 285", "artikel 6, lid 1, onder e), van
Verordening (EU) 2016/679" and "Wet van 8 augustus 1983, art. 5" all become
one structured reference against the regulations the register knows. No
spaCy here: search/nlp.py wraps find(), which gives character spans.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from kb.citations_grammar import (
    HEAD_SEPARATOR,
    START_WORDS,
    TAIL_SEPARATOR,
    UNKNOWN_ABBREVIATION,
    WORD,
    ArticlePart,
    match_article,
    normalise_number,
)
from kb.citations_names import NameIndex, RegulationMatch

__all__ = ["Citation", "CitationResolver", "RegulationName", "normalise_article", "reference_forms"]

_KEYWORD_PREFIX = re.compile(r"^\s*(?:artikelen|artikels|artikel|artt?\.?)\s*", re.I)
_TYPED_KEY = re.compile(r"\s*(?P<key>[^\s:]+)\s*(?::\s*(?P<article>.+?))?\s*", re.S)
_EU_SPLIT = re.compile(r"(?P<article>\d+)\.(?P<paragraph>\d+)")


@dataclass(frozen=True)
class RegulationName:
    """What the register knows of one regulation, as far as citations need it."""

    key: str
    title: str
    short_title: str | None = None
    abbreviations: tuple[str, ...] = ()
    kind: str | None = None
    date: dt.date | None = None
    identifiers: Mapping[str, str | None] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # Callers build these from JSON (lists, null); a tuple keeps the object hashable.
        object.__setattr__(self, "abbreviations", tuple(self.abbreviations or ()))
        object.__setattr__(self, "identifiers", self.identifiers or {})


@dataclass(frozen=True)
class Citation:
    """One citation: what was written, and the reference it stands for."""

    raw: str
    regulation: str | None
    article: str | None
    paragraph: str | None = None
    point: str | None = None
    span: tuple[int, int] | None = None

    @property
    def resolved(self) -> bool:
        return self.regulation is not None

    @property
    def ref(self) -> str | None:
        """Canonical "DLB:285", or "DLB" for the regulation as a whole."""
        if self.regulation is None:
            return None
        return f"{self.regulation}:{self.article}" if self.article else self.regulation

    def label(self) -> str:
        """Dutch display form, "art. 285, §1, 2° DLB"; the raw text when unresolved."""
        if self.regulation is None:
            return " ".join(self.raw.split())
        if self.article is None:
            return self.regulation
        parts = [f"art. {self.article}"]
        if self.paragraph:
            parts.append(f"§{self.paragraph}")
        if self.point:
            parts.append(self.point if self.point.endswith("°") else f"{self.point})")
        return f"{', '.join(parts)} {self.regulation}"


class CitationResolver:
    """Resolves citations against a catalogue; patterns are compiled once, here."""

    def __init__(self, regulations: Iterable[RegulationName]):
        self._index = NameIndex(regulations)
        self._start_words = START_WORDS | self._index.start_words
        self._typed_start_words = self._start_words | self._index.key_words

    def resolve(self, text: str) -> Citation:
        """The citation typed in a form field; unresolved (regulation None) rather than an error."""
        raw = text if isinstance(text, str) else ("" if text is None else str(text))
        typed = self._typed_key(raw)
        if typed is not None:
            return typed
        found = list(itertools.islice(self._scan(raw, strict=False, bare=True), 8))
        if not found:
            return Citation(raw=raw, regulation=None, article=None)
        key, article, paragraph, point = self._one_reference(found)
        return Citation(raw, key, *self._shape(key, article, paragraph, point))

    def _one_reference(self, found: list[Citation]) -> tuple[str | None, str | None, str | None, str | None]:
        """One reference from the pieces of a typed field: "DLB (art. 285)", "art. 285 (DLB)"."""
        first = found[0]
        for other in found[1:]:
            if other.regulation == first.regulation and other.article is None:
                continue
            if first.article is None and first.regulation and other.regulation is None and other.article:
                return first.regulation, other.article, other.paragraph, other.point
            if first.regulation is None and first.article and other.regulation and other.article is None:
                return other.regulation, first.article, first.paragraph, first.point
            break
        return first.regulation, first.article, first.paragraph, first.point

    def find(self, text: str) -> list[Citation]:
        """Every citation in free text, in order, each with its character span.

        Spans are character offsets, so a spaCy wrapper can take doc.char_span(*span,
        alignment_mode="expand") and label it with the citation's ref.
        """
        return list(self._scan(text, strict=True, bare=False))

    def names(self) -> list[tuple[str, str]]:
        """(surface form, key) pairs the resolver recognises, for the search thesaurus."""
        return self._index.names()

    def _typed_key(self, raw: str) -> Citation | None:
        # The register's own canonical form, "EGOV:8" or "EGOV", also for keys that are no abbreviation.
        m = _TYPED_KEY.fullmatch(raw)
        key = self._index.key_of(m.group("key")) if m else None
        if key is None:
            return None
        if m.group("article") is None:
            return Citation(raw=raw, regulation=key, article=None)
        part = match_article(m.group("article"), 0, keyword=False)
        if part is None or part.end != len(m.group("article")):
            return None
        return Citation(raw, key, *self._shape(key, part.article, part.paragraph, part.point))

    def _scan(self, text: str, *, strict: bool, bare: bool) -> Iterator[Citation]:
        pos = 0
        start_words = self._start_words if strict else self._typed_start_words
        while (word := WORD.search(text, pos)) is not None:
            found = None
            if word.group().casefold() in start_words:
                found = self._parse_at(text, word.start(), strict=strict, bare=bare)
            pos = found.span[1] if found else word.end()
            if found:
                yield found

    def _parse_at(self, text: str, pos: int, *, strict: bool, bare: bool) -> Citation | None:
        article = match_article(text, pos)
        if article is not None:
            return self._article_first(text, article, strict)
        regulation = self._index.match(text, pos, strict=strict)
        if regulation is not None:
            return self._regulation_first(text, regulation, strict=strict, bare=bare)
        return None

    def _article_first(self, text: str, article: ArticlePart, strict: bool) -> Citation:
        after = TAIL_SEPARATOR.match(text, article.end).end()
        regulation = self._index.match(text, after, strict=strict)
        if regulation is not None:
            return self._build(text, article, regulation.key, regulation.end)
        unknown = UNKNOWN_ABBREVIATION.match(text, after)
        return self._build(text, article, None, unknown.end() if unknown else article.end)

    def _regulation_first(self, text: str, regulation: RegulationMatch, *, strict: bool,
                          bare: bool) -> Citation:
        after = HEAD_SEPARATOR.match(text, regulation.end).end()
        article = match_article(text, after) or (match_article(text, after, keyword=False) if bare else None)
        # "de AVG, art. 285 DLB": the article belongs to the regulation after it.
        if article is not None and not self._regulation_follows(text, article.end, strict):
            return self._build(text, article, regulation.key, article.end, start=regulation.start)
        span = (regulation.start, regulation.end)
        return Citation(text[span[0]:span[1]], regulation.key, None, span=span)

    def _regulation_follows(self, text: str, pos: int, strict: bool) -> bool:
        after = TAIL_SEPARATOR.match(text, pos).end()
        return self._index.match(text, after, strict=strict) is not None

    def _build(self, text: str, part: ArticlePart, key: str | None, end: int,
               start: int | None = None) -> Citation:
        start = part.start if start is None else start
        shaped = self._shape(key, part.article, part.paragraph, part.point)
        return Citation(text[start:end], key, *shaped, span=(start, end))

    def _shape(self, key: str | None, article: str | None, paragraph: str | None,
               point: str | None) -> tuple[str | None, str | None, str | None]:
        # EU jurists write "6.1.e" and "25.2" for article, paragraph and point; Belgian
        # codes number articles "5.1.1", so only split where the numbering is EU's.
        split = _EU_SPLIT.fullmatch(article or "")
        if split and paragraph is None and (self._index.is_eu(key) or (key is None and point)):
            article, paragraph = split.group("article"), split.group("paragraph")
        return article, paragraph, point


def normalise_article(s: str) -> str:
    """Canonical article number: "II. 22" → "II.22", "3 bis" → "3bis", "art. 285" → "285"."""
    return normalise_number(_KEYWORD_PREFIX.sub("", s).strip().rstrip("."))


def reference_forms(key: str, article: str | None, names: RegulationName) -> list[str]:
    """Spellings under which one reference is indexed, so each of them finds it."""
    titles = [t for t in (names.title, names.short_title) if t]
    if article is None:
        return list(dict.fromkeys([*names.abbreviations, *titles, key]))
    a = normalise_article(article)
    forms: list[str] = []
    for abbreviation in names.abbreviations:
        forms += [f"art. {a} {abbreviation}", f"artikel {a} {abbreviation}",
                  f"{abbreviation} {a}", f"{abbreviation}, art. {a}"]
    for title in titles:
        forms += [f"art. {a} {title}", f"artikel {a} {title}", f"{title}, art. {a}"]
    forms.append(f"{key}:{a}")
    return list(dict.fromkeys(forms))
