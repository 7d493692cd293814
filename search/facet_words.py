"""Words in a query that name a facet value ("opgelost", "federaal", "backoffice", "Gent").

They are recognised, never removed: the query still searches for the word, a record holding the value
matches the word as if its text held it (:func:`facet_matches`, applied by both backends; in a search for any
word, where other words name the matter, the value only ranks what those words find: :func:`ranks_only`), and the
result offers the facet as a one-click filter ("Bedoelt u: status opgelost?"), so no result is silently
dropped. "drempel(s)" names the record type: every barrier matches it, so in a barrier search it no
longer ranks the few texts that happen to say "drempel" first.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from kb.enums import Kind, Level, Status, Werf
from search.analysis import analyze
from search.query import SearchQuery

# facet field -> (Dutch field name shown to the user, values)
FACET_VALUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "status": ("status", tuple(s.value for s in Status)),
    "level": ("niveau", tuple(v.value for v in Level)),
    "kind": ("soort", tuple(k.value for k in Kind)),
    "werf": ("werf", tuple(w.value for w in Werf)),
}
# The words a searcher uses for a value besides the value's own ("afgehandelde drempels" = status opgelost); a
# phrase is named as written, a single word inflected too. Left out as too loose: "geweigerd" (many barriers are
# about a refusal), "uitgevoerd" (done or under way), "gemeentelijk" (a municipal service, not the level that can
# remove the barrier).
FACET_SYNONYMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("status", "opgelost"): ("afgehandeld", "weggewerkt", "verholpen"),
    ("status", "niet-weerhouden"): ("afgewezen", "verworpen"),
    ("status", "in-analyse"): ("in onderzoek", "in behandeling"),
    ("kind", "juridisch"): ("wettelijk",),
    ("kind", "procesmatig"): ("procedureel",),
    ("werf", "interbestuurlijke-keten"): ("interbestuurlijk", "tussen besturen"),
}
# Dutch names of the facets that are not register enumerations.
FACET_NAMES = {"municipality": "gemeente", "province": "provincie"}
MAX_WORDS = 3  # municipality names of up to three words ("Sint-Martens-Latem" is one token)
# Words naming a record type: matched by every record of that type (no hint: the search scope says it). A
# searcher calls a barrier a "knelpunt" or a "belemmering" too.
TYPE_WORDS = {word: "barrier" for word in ("drempel", "drempels", "knelpunt", "knelpunten", "belemmering",
                                           "belemmeringen")}
_WORD = re.compile(r"[\w'-]+")


@dataclass(frozen=True)
class FacetHint:
    field: str
    value: str
    word: str
    label: str
    # The query text without the word, for the one-click filter.
    rest: str


def _key(phrase: str) -> str:
    """Inflections name the same value ("opgeloste", "lokale"): compare analysed terms."""
    return " ".join(analyze(phrase.replace("-", " "), mode="query", compounds=False))


def _value_index() -> dict[str, tuple[str, str]]:
    index = {}
    for field, (_name, values) in FACET_VALUES.items():
        for value in values:
            index[value] = (field, value)
            index.setdefault(value.replace("-", " "), (field, value))
            if "-" not in value and _key(value):
                index.setdefault(_key(value), (field, value))
            words = value.split("-")
            # a value of two content words is also named inflected, in either order ("voorgestelde oplossingen");
            # one of a function word and a content word ("in analyse") by its words only
            keys = [_key(" ".join(words)), _key(" ".join(reversed(words)))] if len(words) == 2 else []
            for key in keys:
                if key.count(" ") == 1:
                    index.setdefault(key, (field, value))
    for named, synonyms in FACET_SYNONYMS.items():
        for synonym in synonyms:
            index.setdefault(synonym, named)
            if " " not in synonym and _key(synonym):
                index.setdefault(_key(synonym), named)
    return index


_VALUES = _value_index()


def facet_hints(query: SearchQuery, municipality: Callable[[str], str | None] | None = None,
                names: Callable[[str, str], str] | None = None,
                province: Callable[[str], str | None] | None = None) -> list[FacetHint]:
    """Facet values the query's words name, in query order, leaving out facets already filtered on.
    A name that is both a municipality and a province ("Antwerpen") offers both."""
    words = _words(query.text)
    hints: list[FacetHint] = []
    for i, size, found in _named(words, municipality, province):
        phrase = " ".join(words[i:i + size])
        for field, value in found:
            if field in query.filters or any(h.field == field for h in hints):
                continue
            name = FACET_VALUES[field][0] if field in FACET_VALUES else FACET_NAMES[field]
            shown = names(field, value) if names else value
            rest = " ".join(words[:i] + words[i + size:])
            hints.append(FacetHint(field, value, phrase, f"{name} {shown}", rest))
    return hints


def facet_matches(query: SearchQuery, municipality: Callable[[str], str | None] | None = None,
                  province: Callable[[str], str | None] | None = None) -> dict[str, list[tuple[str, str]]]:
    """Lower-cased query word -> the (filter, value) pairs it names, for every word of a named phrase
    ("niet weerhouden": both words name status niet-weerhouden), type words included."""
    words = _words(query.text)
    matches: dict[str, list[tuple[str, str]]] = {}
    for i, size, found in _named(words, municipality, province):
        for word in words[i:i + size]:
            pairs = matches.setdefault(word.casefold(), [])
            pairs.extend(pair for pair in found if pair not in pairs)
    for word in words:
        if word.casefold() in TYPE_WORDS:
            matches.setdefault(word.casefold(), []).append(("type", TYPE_WORDS[word.casefold()]))
    return matches


def ranks_only(query: SearchQuery, any_terms: bool, searched: Callable[[str], bool]) -> bool:
    """Whether the facet values the query's words name only rank the records its words find: in a search for any
    word (a long query, or the fallback when few records hold every word) that has a phrase, a citation or a
    searched word (`searched`: not a stop word) naming no facet value. "e-facturatie in behandeling" then finds
    the records on e-invoicing, those in analysis first, not every barrier in analysis; a query of facet words only
    ("opgeloste drempels in Limburg") still finds by them. Measured on bench/eval (nDCG@10, Whoosh): own-tune4 0.865
    -> 0.881, own-tune3 0.811 -> 0.814, own-facet-tune 0.925 -> 0.917."""
    if not any_terms or not any(query.facets.get(t.casefold()) for t in query.terms):
        return False
    return bool(query.phrases or query.refs) or any(not query.facets.get(t.casefold()) and searched(t)
                                                    for t in query.terms)


def without_scope_words(query: SearchQuery, types: list[str]) -> SearchQuery:
    """The query without the words that only name the one record type searched ("drempels" in a barrier
    search says nothing about which barrier; "backoffice-drempels" is searched as "backoffice"), unless they
    are all it has."""
    if len(types) != 1:
        return query
    kept = []
    for term in query.terms:
        named, typed = _typed(term)
        if typed == types[0]:
            term = named
        if term and query.facets.get(term.casefold()) != [("type", types[0])]:
            kept.append(term)
    if kept == query.terms or not (kept or query.phrases or query.refs):
        return query
    return replace(query, terms=kept)


def _typed(word: str) -> tuple[str, str | None]:
    """A hyphenated word ending in a word naming a record type, as (what it names, the type):
    "backoffice-drempels" -> ("backoffice", "barrier"); any other word -> (word, None)."""
    named, hyphen, last = word.rpartition("-")
    typed = TYPE_WORDS.get(last.casefold()) if hyphen and named else None
    return (named, typed) if typed else (word, None)


def _words(text: str) -> list[str]:
    """The query's words, a hyphenated word ending in a type word as its two parts ("backoffice", "drempels")."""
    words = []
    for word in _WORD.findall(text):
        named, typed = _typed(word)
        words.extend([named, word[len(named) + 1:]] if typed else [word])
    return words


def _named(words: list[str], municipality: Callable[[str], str | None] | None,
           province: Callable[[str], str | None] | None):
    """(start, number of words, [(field, value), ...]) of each phrase naming facet values, longest first."""
    i = 0
    while i < len(words):
        found: list[tuple[str, str]] = []
        for size in range(min(MAX_WORDS, len(words) - i), 0, -1):
            found = _match(" ".join(words[i:i + size]).casefold(), municipality, province)
            if found:
                break
        if found:
            yield i, size, found
        i += size if found else 1


def _match(phrase: str, municipality: Callable[[str], str | None] | None,
           province: Callable[[str], str | None] | None) -> list[tuple[str, str]]:
    if phrase in _VALUES:
        return [_VALUES[phrase]]
    key = _key(phrase)
    # a phrase is named by its analysed words only when none of them is dropped ("de opgeloste" is two words)
    if key and key in _VALUES and key.count(" ") == phrase.count(" "):
        return [_VALUES[key]]
    if len(phrase) <= 2:
        return []
    for name in (phrase, *_adjective_bases(phrase)):
        nis = municipality(name) if municipality else None
        region = province(name) if province else None
        if nis or region:
            return [*([("municipality", nis)] if nis else []), *([("province", region)] if region else [])]
    return []


def _adjective_bases(phrase: str) -> list[str]:
    """The place names an adjective may derive from: "gentse" -> "gent", "limburgse" -> "limburg",
    "antwerpse" -> "antwerpen", "oost-vlaamse" -> "oost-vlaanderen"."""
    if not phrase.endswith("se") or len(phrase) < 6:
        return []
    if phrase.endswith("vlaamse"):
        return [phrase[:-len("vlaamse")] + "vlaanderen"]
    return [phrase[:-2], phrase[:-2] + "en"]
