"""Parse what a user types into a backend-neutral :class:`SearchQuery`.

The web layer and the CLI hand over raw text (and URL/CLI filters); every
backend builds its own syntax from the parsed value. Parsing never raises:
whatever goes wrong becomes a Dutch notice and the text is kept as words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

from kb.enums import ArticleStatus, Kind, ProjectStatus, RegulationLevel, Status, Werf, values
from search.analysis import abbreviation_parts

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 32

# (start, end, canonical ref) for each citation found, e.g. (0, 12, "DLB:285").
CitationFinder = Callable[[str], Iterable[tuple[int, int, str]]]
# Municipality name -> NIS code, or None when unknown.
MunicipalityResolver = Callable[[str], "str | None"]

FIELD_ALIASES = {
    "type": "type",
    "status": "status",
    "soort": "kind",
    "kind": "kind",
    "werf": "werf",
    "niveau": "level",
    "level": "level",
    "regelgeving": "regulation",
    "regulation": "regulation",
    "regulations": "regulation",
    "project": "project",
    "projects": "project",
    "gemeente": "municipality",
    "municipality": "municipality",
    "municipalities": "municipality",
    "provincie": "province",
    "province": "province",
    "jaar": "year",
    "year": "year",
    "tag": "tag",
    "tags": "tag",
    "thema": "theme",
    "theme": "theme",
    "ref": "ref",
    "artikel": "ref",
}
FILTER_FIELDS = frozenset(FIELD_ALIASES.values())

# The register's enumerations (kb/enums.py); statuses of articles and projects filter too.
KNOWN_VALUES = {
    "type": ("barrier", "article", "project"),
    "status": tuple(values(Status) + values(ArticleStatus) + values(ProjectStatus)),
    "kind": tuple(values(Kind)),
    "werf": tuple(values(Werf)),
    "level": tuple(values(RegulationLevel)),
}
TYPE_ALIASES = {"drempel": "barrier", "artikel": "article", "regelgeving": "article"}

AND_WORDS = frozenset({"AND", "EN", "&&"})
OR_WORDS = frozenset({"OR", "OF", "||"})
NOT_WORDS = frozenset({"NOT", "NIET"})

_TOKEN_RE = re.compile(
    r"""
    (?P<neg>-+)?
    (?:
        (?P<field>[^\W\d][\w-]*):"(?P<fvalue>[^"]*)"?   # field:"quoted value"
      | "(?P<phrase>[^"]*)(?P<close>")?                  # "a phrase"
      | (?P<word>[^\s"]+)
    )
    """,
    re.VERBOSE,
)
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_EDGE_PUNCT = "()[]{}.,;!?+*&|~^\\/'`<>=#"
_YEAR_RE = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def law_of(ref: str) -> str | None:
    """The regulation of an article reference ("DLB:285" -> "DLB"); None for a whole regulation. A record
    citing another article of the same regulation is a partial match of a citation (ranked below the
    records citing the article itself), as a jurist looking for precedents on one article expects."""
    key, _, article = ref.partition(":")
    return key if article else None


@dataclass
class SearchQuery:
    """A parsed query: what to match, what to exclude, what to filter on."""

    text: str = ""
    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    # Canonical references recognised as citations in the text.
    refs: list[str] = field(default_factory=list)
    # True when the user asked for any word (OR) instead of all words.
    any_terms: bool = False
    notices: list[str] = field(default_factory=list)
    # Only records marked public (an anonymous visitor): set by the caller, never by query text, and
    # applied inside the backend to hits, totals, facets, snippets and the spelling suggestion.
    public_only: bool = False
    # Facet values the query's words name (search/facet_words.py: facet_matches), by lower-cased word:
    # "opgeloste" -> [("status", "opgelost")], "Gent" -> [("municipality", "44021")]. A record holding the
    # value matches the word as if it held the word (backends add it as one more alternative of the word).
    facets: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases or self.refs)

    @property
    def is_empty(self) -> bool:
        """Nothing to match and nothing to filter on: the result is empty."""
        return not self.has_text and not self.filters


def parse_query(
    text: str | None,
    *,
    filters: Mapping[str, Iterable[str] | str] | None = None,
    citation_finder: CitationFinder | None = None,
    municipality_resolver: MunicipalityResolver | None = None,
    public_only: bool = False,
) -> SearchQuery:
    """Parse user input once; never raises on bad syntax."""
    query = SearchQuery(public_only=public_only)
    cleaned = _clean(text or "", query.notices)
    query.text = cleaned
    remaining = _take_citations(cleaned, citation_finder, query)
    _read_tokens(remaining, query, municipality_resolver)
    for name, wanted in (filters or {}).items():
        for value in [wanted] if isinstance(wanted, str) else wanted:
            _add_filter(query, str(name), str(value), municipality_resolver)
    _limit_clauses(query)
    return query


def _clean(text: str, notices: list[str]) -> str:
    """Strip control characters and cut overly long input."""
    text = unicodedata.normalize("NFC", str(text)).translate(_QUOTES)
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"Zoekvraag ingekort tot {MAX_QUERY_CHARS} tekens.")
    return " ".join(text.split())


def _take_citations(text: str, finder: CitationFinder | None, query: SearchQuery) -> str:
    """Turn citations into refs and blank them out so their words don't count twice."""
    if finder is None or not text:
        return text
    try:
        spans = sorted(finder(text))
    except Exception:  # the finder is pluggable; a bug there must not break search
        query.notices.append("Verwijzingen naar artikels konden niet herkend worden.")
        return text
    chars = list(text)
    for start, end, ref in spans:
        if not ref or not 0 <= start < end <= len(text):
            continue
        if ref not in query.refs:
            query.refs.append(ref)
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _read_tokens(text: str, query: SearchQuery, resolver: MunicipalityResolver | None) -> None:
    negate_next = False
    for match in _TOKEN_RE.finditer(text):
        negate = bool(match.group("neg")) or negate_next
        negate_next = False
        if match.group("field") is not None:
            _field_token(query, match.group("field"), match.group("fvalue"), negate, resolver)
        elif match.group("phrase") is not None:
            _phrase_token(query, match.group("phrase"), bool(match.group("close")), negate)
        else:
            word = match.group("word")
            if word in NOT_WORDS:
                negate_next = True
            elif word in OR_WORDS:
                query.any_terms = True
            elif word not in AND_WORDS:
                _word_token(query, word, negate, resolver)


def _phrase_token(query: SearchQuery, phrase: str, closed: bool, negate: bool) -> None:
    if not closed:
        query.notices.append("Aanhalingsteken zonder einde: de woorden worden los gezocht.")
        for word in phrase.split():
            _add_word(query, word, negate)
        return
    words = [w for w in (_trim(p) for p in phrase.split()) if w]
    if len(words) == 1:
        _add_word(query, words[0], negate)
    elif words:
        (query.excluded if negate else query.phrases).append(" ".join(words))


def _word_token(query: SearchQuery, word: str, negate: bool, resolver) -> None:
    name, sep, value = word.partition(":")
    if sep and name and value and re.match(r"^[^\W\d][\w-]*$", name):
        _field_token(query, name, value, negate, resolver)
        return
    for part in (name, value) if sep else (word,):
        _add_word(query, part, negate)


def _field_token(query: SearchQuery, name: str, value: str, negate: bool, resolver) -> None:
    if negate:
        query.notices.append(f"Een filter kan niet uitgesloten worden: '{name}:{value}' genegeerd.")
        return
    for single in value.split(","):
        _add_filter(query, name, single, resolver, keep_words=True)


def _add_filter(
    query: SearchQuery,
    name: str,
    value: str,
    resolver: MunicipalityResolver | None,
    keep_words: bool = False,
) -> None:
    """Add one filter value, or a notice (and the words) when it makes no sense."""
    value = value.strip()
    if not value:
        return
    field_name = FIELD_ALIASES.get(name.strip().lower())
    if field_name is None:
        query.notices.append(f"Onbekend filter '{name}': genegeerd.")
        if keep_words:
            for word in (name, *value.split()):
                _add_word(query, word, False)
        return
    normalized, problem = _normalize_value(field_name, value, resolver)
    if problem:
        query.notices.append(problem)
        if keep_words:
            for word in value.split():
                _add_word(query, word, False)
        return
    values = query.filters.setdefault(field_name, [])
    if normalized not in values:
        values.append(normalized)


def _normalize_value(
    field_name: str, value: str, resolver: MunicipalityResolver | None
) -> tuple[str, str | None]:
    """Return (canonical value, None) or (value, Dutch notice)."""
    if field_name in KNOWN_VALUES:
        slug = "-".join(value.lower().replace("_", " ").split())
        slug = TYPE_ALIASES.get(slug, slug) if field_name == "type" else slug
        if slug in KNOWN_VALUES[field_name]:
            return slug, None
        return value, f"Onbekende waarde '{value}' voor filter '{field_name}': genegeerd."
    if field_name == "year":
        match = _YEAR_RE.match(value)
        if match and (match.group(2) is None or match.group(1) <= match.group(2)):
            return value, None
        return value, f"Ongeldig jaar '{value}': genegeerd."
    if field_name == "province":
        return province_name(value), None
    if field_name == "municipality" and not value.isdigit() and resolver is not None:
        nis = resolver(value)
        if nis is None:
            return value, f"Onbekende gemeente '{value}': genegeerd."
        return str(nis), None
    return value, None


def province_name(value: str) -> str:
    """A province as kb's municipality data spells it, however it was typed ("west-vlaanderen")."""
    return "-".join(part.capitalize() for part in "-".join(value.split()).split("-") if part)


def _add_word(query: SearchQuery, word: str, negate: bool) -> None:
    word = _trim(word)
    if not word:
        return
    target = query.excluded if negate else query.terms
    for single in ([word] if negate else abbreviation_parts(word)):
        if single not in target:
            target.append(single)


def _trim(word: str) -> str:
    """Drop edge punctuation; a word without a letter or digit is no word."""
    word = word.strip(_EDGE_PUNCT + "-:\"")
    return word if any(ch.isalnum() for ch in word) else ""


def _limit_clauses(query: SearchQuery) -> None:
    total = len(query.terms) + len(query.phrases) + len(query.excluded) + len(query.refs)
    if total <= MAX_CLAUSES:
        return
    query.notices.append(f"Alleen de eerste {MAX_CLAUSES} zoektermen worden gebruikt.")
    budget = MAX_CLAUSES
    for name in ("refs", "phrases", "terms", "excluded"):
        items = getattr(query, name)
        setattr(query, name, items[:budget])
        budget = max(0, budget - len(items))
