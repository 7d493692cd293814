"""Regular-expression grammar of Belgian, Flemish and EU legal citations.

Catalogue-free: it recognises article designations, dates, kinds of acts and
EU act numbers at a text position. kb/citations_names.py adds what the
register knows; kb/citations.py combines both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_I = re.IGNORECASE

# Latin suffixes of inserted articles (3bis, 44 §2ter); longest first so
# "quater" does not stop "quaterdecies" short.
_SUFFIXES = sorted(
    "bis ter quater quinquies sexies septies octies novies nonies decies undecies "
    "duodecies terdecies quaterdecies quinquiesdecies sexiesdecies septiesdecies "
    "octiesdecies noviesdecies vicies".split(),
    key=len,
    reverse=True,
)
SUFFIX = rf"(?:\s?(?:{'|'.join(_SUFFIXES)})(?![a-z]))"

# "285", "II.22", "3bis", "1:2", "5.1.1", "3/1" (Belgian inserted article), "8a" (Dutch law).
_ARTNUM = rf"(?:[IVXLC]+\.\s?)?\d+{SUFFIX}?(?:[.:]\d+{SUFFIX}?)*(?:/\d+)?(?:[a-z](?![\w)°º]))?"

_ART_KEYWORD = r"(?P<kw>artikelen|artikels|artikel|artt\.?|art\.?)"
_RANGE_WORD = r"(?:-|–|—|tot\s+en\s+met|tot|t/m|t\.e\.m\.?|en|of)"
_LIST_WORD = rf"(?:{_RANGE_WORD}|,)"
_RANGE_ITEM = rf"(?:art\.?\s*)?{_ARTNUM}(?!\s*[°º]|\s*(?:e|de|ste)\s+lid)"

ARTICLE = re.compile(
    rf"(?<!\w){_ART_KEYWORD}\s*(?P<num>{_ARTNUM})(?:\.(?P<dotpoint>[a-z])(?![\w(]))?", _I
)
_SINGLE_RANGE = re.compile(rf"\s*{_RANGE_WORD}\s*{_RANGE_ITEM}", _I)
_PLURAL_RANGE = re.compile(rf"\s*{_LIST_WORD}\s*{_RANGE_ITEM}", _I)
_FOLLOWING = re.compile(r"\s*(?:e\.\s?v\.|ev\.|en\s+volgende)", _I)
BARE_ARTICLE = re.compile(rf"(?P<num>{_ARTNUM})(?:\.(?P<dotpoint>[a-z])(?![\w(]))?(?!\w)", _I)

ORDINALS = {
    "eerste": "1", "tweede": "2", "derde": "3", "vierde": "4", "vijfde": "5",
    "zesde": "6", "zevende": "7", "achtste": "8", "negende": "9", "tiende": "10",
    "elfde": "11", "twaalfde": "12",
}
_POINT_AHEAD = r"(?=\s*,?\s*(?:[a-z]\)|\(\s*[a-z]\s*\)|\d+\s*[°º]|onder\s|punt\s))"
_SUBDIVISION = re.compile(
    rf"""\s*,?\s*(?:
        (?:§|par\.|paragraaf)\s*(?P<par>\d+{SUFFIX}?)
      | (?:lid|al\.|alinea)\s*(?P<lid>\d+)(?!\s*[°º])
      | (?P<ordinal>{'|'.join(ORDINALS)})\s+lid
      | (?P<lidnum>\d+)\s*(?:e|de|ste)\s+lid
      | \(\s*(?P<parenpar>\d+)\s*\)
      | (?:onder|punt|sub|littera|lit\.)\s*\(?\s*(?P<namedletter>[a-z])(?:\s*\))?(?!\w)
      | (?:onder|punt)\s*(?P<namednum>\d+)\s*[°º]?
      | (?P<pointnum>\d+)\s*[°º]
      | \(\s*(?P<parenletter>[a-z])\s*\)
      | (?<!\w)(?P<letter>[a-z])\)
      | (?P<bare>\d+){_POINT_AHEAD}
    )""",
    _I | re.VERBOSE,
)
# Further points in a list ("2° en 3°") belong to the same citation; only the first is kept.
_MORE_POINTS = re.compile(r"\s*(?:,|en|of)\s*(?:\d+\s*[°º]|\(?[a-z]\))", _I)

_MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "febr": 2, "feb": 2, "maart": 3, "mrt": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
DATE = (
    rf"(?:(?P<day>\d{{1,2}})(?:e|ste|de)?\s+(?P<month>{_MONTH_NAMES})(?![a-z])\.?\s+(?P<year>\d{{4}})"
    r"|(?P<nday>\d{1,2})[./-](?P<nmonth>\d{1,2})[./-](?P<nyear>\d{4}))(?!\d)"
)

# Spoken kinds of act, mapped to the register's kind values (kb.enums.RegulationKind).
_KIND_WORDS = (
    (r"bijzondere\s+wet|programmawet|wetten|wet", "wet"),
    (r"decreet", "decreet"),
    (r"koninklijk\s+besluit|k\.\s?b\.|kb", "koninklijk-besluit"),
    (r"besluit\s+van\s+de\s+vlaamse\s+regering|bvr", "besluit-vlaamse-regering"),
    (r"ministerieel\s+besluit|m\.\s?b\.|mb", "ministerieel-besluit"),
    (r"ordonnantie", "ordonnantie"),
    (r"omzendbrief", "omzendbrief"),
    (r"verordening", "verordening"),
    (r"richtlijn", "richtlijn"),
)
_KIND_GROUPS = "|".join(f"(?P<k{i}>{words})" for i, (words, _) in enumerate(_KIND_WORDS))
# Words a citation can start with, so a scan only tries the grammar where it may match.
START_WORDS = frozenset(
    {"art", "artt", "artikel", "artikelen", "artikels", "gedelegeerde", "uitvoeringsverordening"}
    | {re.match(r"[a-z]+", alt).group() for words, _ in _KIND_WORDS for alt in words.split("|")}
)
WORD = re.compile(r"(?<!\w)\w+")
KIND_DATE = re.compile(rf"(?<!\w)(?:{_KIND_GROUPS})\s+(?:van\s+)?{DATE}", _I)
KIND_WORD = re.compile(rf"(?:{_KIND_GROUPS})(?!\w)", _I)

EU_NUMBER = re.compile(
    r"(?<!\w)(?P<eutype>gedelegeerde\s+verordening|uitvoeringsverordening|verordening|richtlijn)"
    r"\s*(?:\(\s*(?:EU|EG|EEG)(?:\s*,\s*Euratom)?\s*\)\s*)?(?:nr\.?\s*|n[°º]\s*)?"
    r"(?P<a>\d{2,4})\s*/\s*(?P<b>\d{1,4})(?:\s*/\s*(?:EU|EG|EEG)(?!\w))?(?![\d/])",
    _I,
)

# An abbreviation the register does not know, accepted only right after an article
# ("art. 1:2 WVV", "art. 22 Gw.", "art. 1382 B.W."), so the article keeps its context.
UNKNOWN_ABBREVIATION = re.compile(
    r"(?<!\w)(?!(?:TITEL|BOEK|DEEL|BIJLAGE|[IVXLC]+)(?![\w-]))"
    r"(?:[A-Z][A-Za-z]{0,4}[A-Z](?:-[A-Za-z]+)?|(?:[A-Z][a-z]{0,3}\.){1,3})(?![\w-])"
)

TAIL_SEPARATOR = re.compile(r"\s*,?\s*(?:(?:van|uit)\s+(?:(?:de|het)\s+)?)?", _I)
HEAD_SEPARATOR = re.compile(r"\s*[,:]?\s*", _I)


@dataclass(frozen=True)
class ArticlePart:
    """An article designation with its subdivisions, before the regulation is known."""

    article: str
    paragraph: str | None
    point: str | None
    start: int
    end: int


def kind_of(match: re.Match[str]) -> str:
    """The register's kind value for a KIND_DATE or KIND_WORD match."""
    for i, (_, kind) in enumerate(_KIND_WORDS):
        if match.group(f"k{i}") is not None:
            return kind
    raise ValueError("match holds no kind")


def date_of(match: re.Match[str]) -> dt.date | None:
    """The date of a match containing DATE; None for an impossible date (31 februari)."""
    if match.group("day") is not None:
        parts = match.group("year"), _MONTHS[match.group("month").lower()], match.group("day")
    else:
        parts = match.group("nyear"), match.group("nmonth"), match.group("nday")
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def eu_candidates(match: re.Match[str]) -> list[tuple[str, int, int]]:
    """(type, year, number) readings of an EU act number; jurists swap old and new order."""
    act_type = "L" if match.group("eutype").lower() == "richtlijn" else "R"
    a, b = match.group("a"), match.group("b")
    readings = [(a, b), (b, a)]
    return [(act_type, _year(y), int(n)) for y, n in readings if _year(y) is not None]


def _year(text: str) -> int | None:
    if len(text) == 2:
        # Two-digit years only occur in pre-1999 directive numbers ("95/46/EG").
        return int(text) + (1900 if int(text) >= 50 else 2000)
    return int(text) if len(text) == 4 and 1950 <= int(text) <= 2100 else None


def match_article(text: str, pos: int, *, keyword: bool = True) -> ArticlePart | None:
    """The article designation starting at pos ("art. 285, §1, 2°"), or None."""
    pattern = ARTICLE if keyword else BARE_ARTICLE
    m = pattern.match(text, pos)
    if m is None:
        return None
    plural = keyword and m.group("kw").lower() in ("artikelen", "artikels", "artt.", "artt")
    end = _skip_range(text, m.end(), plural)
    paragraph, point, end = _subdivisions(text, end)
    if m.group("dotpoint") and point is None:
        point = m.group("dotpoint").lower()
    following = _FOLLOWING.match(text, end)
    if following:
        end = following.end()
    return ArticlePart(normalise_number(m.group("num")), paragraph, point, m.start(), end)


def _skip_range(text: str, pos: int, plural: bool) -> int:
    # A range or list resolves to its first article; the rest only widens the span.
    pattern = _PLURAL_RANGE if plural else _SINGLE_RANGE
    while (m := pattern.match(text, pos)) is not None:
        pos = m.end()
    return pos


def _subdivisions(text: str, pos: int) -> tuple[str | None, str | None, int]:
    paragraph = point = lid = None
    while (m := _SUBDIVISION.match(text, pos)) is not None:
        g = m.groupdict()
        if g["par"] or g["parenpar"] or g["bare"]:
            paragraph = paragraph or normalise_number(g["par"] or g["parenpar"] or g["bare"])
        elif g["lid"] or g["lidnum"] or g["ordinal"]:
            lid = lid or g["lid"] or g["lidnum"] or ORDINALS[g["ordinal"].lower()]
        elif point is None:
            number = g["namednum"] or g["pointnum"]
            letter = g["namedletter"] or g["parenletter"] or g["letter"]
            point = f"{int(number)}°" if number else letter.lower()
        # A sub-point ("2°, a)") stays inside the span; the reference keeps the first level.
        pos = m.end()
        while point is not None and (more := _MORE_POINTS.match(text, pos)):
            pos = more.end()
    # "§1, tweede lid" has both; the paragraph sign is the coarser and the one we keep.
    return paragraph or lid, point, pos


def normalise_number(s: str) -> str:
    """Canonical article or paragraph number: no spaces, upper-case roman part, lower-case rest."""
    s = re.sub(r"\s+", "", s).lower()
    roman = re.match(r"[ivxlc]+(?=\.\d)", s)
    return roman.group().upper() + s[roman.end():] if roman else s
