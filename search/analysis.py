"""The Dutch analysis shared by the index, the queries and every backend (no backend imported here).

Steps, in order: tokenize (legal tokens such as "§2", "3°", "6.1.e" and
"2016/679" stay whole) → lowercase and drop Dutch stop words → lemma →
original Snowball Dutch stem → compound parts → thesaurus
(abbreviations and synonyms map to one canonical term).

Index and query differ on purpose. Indexing adds compound parts and the
canonical thesaurus term beside the words (a compound's modifier counts
MODIFIER_WEIGHT of a written word, its head a whole one); a query keeps a
compound whole (its parts only as one alternative that needs them all, below)
and replaces a synonym by its canonical term. So "vergunning" finds
"omgevingsvergunning", and "GDPR" and "AVG" find each other whichever way
round, even when a backend ANDs the query terms.

A query word also gets, as alternatives at its position, its Snowball stem (the
index term of every form the lemma table does not know) and the index terms of
every form sharing that stem (search/lexicon/stem_classes.json.gz): the
lookup lemmas are not consistent across forms ("dove" -> doof, "doven" stays
doven; "afgeschaft" -> afschaffen, "afgeschafte" stays), and a plain stemmer
conflates those forms. A compound or hyphenated query word also gets its
parts, all of them required (ALL_OF): "griepkosten" finds "de kosten van de
griep", "e-sigaretten" finds "elektronische sigaretten". A hyphenated word
with an abbreviation before a hyphen, as written ("NMR-scanners"), is two
words on both sides: the index holds each part as if written alone, and the
query parser searches the parts (`abbreviations`).
"""
from __future__ import annotations

import gzip
import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import Callable, Iterable, Iterator

import snowballstemmer

from search.compounds import compound_terms, split
from search.nlp import LEXICON_DIR, STOP_WORDS, kept_names, lemma, lemma_vocabulary, lookup_table

# Order matters: "§ 2" and "3°" must win over the plain word pattern.
_TOKEN = re.compile(
    r"§\s*\d+[^\W\d_]*"  # §2, § 2bis
    r"|\d+°"  # 3° (point of a paragraph)
    r"|\w+(?:[-./:'’]\w+)*"  # words, II.22, 6.1.e, 2016/679, e-ID, auto's
)
# The version of what the index holds for a text (tokens, lemmas, stems, compound parts, their weights):
# raise it with every change to those. An index written with another version is stale, and rebuilt from
# the database when the register starts (Whoosh: stored with the schema's analyzer; PostgreSQL: the
# search table's comment). 2: apostrophe plurals, a compound modifier's half weight; 3: no lemma guessed
# for a municipality's name (both session 5); 4: degree endings undone only onto adjectives, verb endings
# only where the infinitive's stem spells the form ("gebruiker", "derden" keep their lemma); 5: a past
# tense's t or d as the infinitive's stem asks ("sterfte" is no past of "sterven") (both session 6); 6: an
# abbreviation before a hyphen ("NMR-scanners") is indexed as the word it is, whatever its length (session 9);
# 7: the shipped thesaurus (corpus/thesaurus.json) knows ten more abbreviations of local government: GAS, FG,
# DPIA, CBS, RMW, AGB, RUP, BBC, DABS, KBV; 8: compound parts also from the words of the shipped Chamber texts,
# and a part the vocabulary knows whole split in turn ("dossier|beheer|systeem"); a hyphenated word's part that
# is a thesaurus term brings its canonical term ("GAS-boetes", "GDPR-boete") (all session 10); 9: the thesaurus
# knows synonyms of local administration (adreswijziging/verhuis, woonstvaststelling/woonstcontrole, wijkagent/
# wijkinspecteur, bewonerskaart, recyclagepark/containerpark, ...); 10: hoorzitting/hoorrecht, videoconferentie,
# administratief beroep/aanvechten (both session 11); 11: citizen's words beside the administrative term
# (langskomen aan de balie/persoonlijke verschijning, cash/contant, trouwen/huwelijk, inloggen/aanmelden,
# slechtziend/visuele beperking, ...: 132 groups and 24 extended, written blind by a helper) (session 12); 12: the
# vocabulary of more municipal services (sollicitant/kandidatuur, diploma/studiebewijs, crèche/kinderdagverblijf, LEZ,
# rioolkeuring, uitvaart, woonmaatschappij, ...: 190 groups and 10 extended, written blind by a helper); 13: an
# inflected compound the lemma data does not know is its one-word thesaurus term ("studiebewijzen") (both session 13).
ANALYSIS_VERSION = 13
# Analysed words kept per process (each cache of one word's analysis); `DutchAnalysis.warm` fills at most this many.
WORDS_KEPT = 100_000
# The same pattern with one group: split() gives [gap, token, gap, token, ..., gap], all in C.
_TOKEN_SPLIT = re.compile(f"({_TOKEN.pattern})")
_SPACE = re.compile(r"\s+")
_DOTTED = re.compile(r"[./:]")
_HYPHEN_PART_MIN = 4
_QUERY_PART_MIN = 2
# Joins the terms of a query alternative that must all be present ("griep+kost" for "griepkosten");
# the tokenizer never yields "+", so no word is read as one. Backends split it with all_of().
ALL_OF = "+"
# Snowball stem -> index terms of the known forms with that stem, where they differ from the stem
# itself; built by `python -m tools.build_lexicon stem-classes` (search/lexicon/README.md).
STEM_CLASSES_FILE = LEXICON_DIR / "stem_classes.json.gz"
# The original Dutch Snowball algorithm ("dutch_porter" since Snowball 3) keeps
# "ge-" (gemeente → gemeent); the 2023 revision ("dutch") strips it (gemeente → meen).
# It is the algorithm Whoosh ships too, so indexes built before keep their terms.
# A stemmer object keeps its word in itself, so each thread gets its own.
_stemmers = threading.local()


def snowball(algorithm: str):
    """This thread's Snowball stemmer: PyStemmer's C build when installed (snowballstemmer picks it; the
    same algorithms, ~25x faster), else snowballstemmer's pure-Python one. Neither is thread-safe."""
    found = getattr(_stemmers, algorithm, None)
    if found is None:
        found = snowballstemmer.stemmer(algorithm)
        setattr(_stemmers, algorithm, found)
    return found


def _STEM(word: str) -> str:
    return snowball("dutch_porter").stemWord(word)

INDEX, QUERY = "index", "query"
# What a compound's modifier counts in the index, against a written word (1): "zieke" finds "ziekenwagens"
# and "archief" finds "Archiefdecreet", but below records that hold the word itself. The head ("vergunning"
# in "omgevingsvergunning") names what the compound is and counts whole. Measured by bench/bench_quality.py:
# 0.5 raised own-kamer-tune2 (inflection 0.860 -> 0.880, facet 0.748 -> 0.771) and legal-qa-dev; 0.3 lowered
# own-kamer-tune (abbreviation 0.860 -> 0.760).
MODIFIER_WEIGHT = 0.5


@dataclass
class Unit:
    """One analyzed word: its main term, extra terms at the same position, and offsets."""

    term: str
    start: int
    end: int
    extras: list[str] = field(default_factory=list)
    # The extras only a compound's modifier gave (index side): each counts MODIFIER_WEIGHT of a word.
    modifiers: frozenset[str] = frozenset()

    def weight(self, term: str) -> float:
        """What one occurrence of `term` at this word counts for ranking."""
        return MODIFIER_WEIGHT if term in self.modifiers else 1.0


def tokenize(text: str) -> Iterator[tuple[str, int, int]]:
    """(lowercased token, start, end); dotted words without digits are split."""
    for match in _TOKEN.finditer(text):
        token = match.group().lower()
        if token[0] == "§":
            yield _SPACE.sub("", token), match.start(), match.end()
        elif _DOTTED.search(token) and not any(c.isdigit() for c in token):
            # "en/of", "a.s." are words with punctuation, not legal numbers.
            offset = match.start()
            for piece in _DOTTED.split(token):
                if piece:
                    yield piece, offset, offset + len(piece)
                offset += len(piece) + 1
        else:
            yield token, match.start(), match.end()


# A plural or genitive written with an apostrophe ("kmo's", "risico's", "ocmw’s") is its word: the
# token pattern keeps it whole, and taken as it stands it never met the singular.
_APOSTROPHE_S = re.compile(r"(.*\w)['’]s")


def base_word(word: str) -> str:
    """The word before an apostrophe-s ending ("kmo's" -> "kmo"); any other token as it is."""
    found = _APOSTROPHE_S.fullmatch(word)
    return found.group(1) if found else word


def word_terms(word: str, with_parts: bool = True) -> tuple[str, tuple[str, ...]]:
    """(main term, compound-part terms) of one lowercased token."""
    main, extras, _modifiers = index_word(word, with_parts)
    return main, extras


@lru_cache(maxsize=WORDS_KEPT)
def index_word(word: str, with_parts: bool = True) -> tuple[str, tuple[str, ...], frozenset[str]]:
    """(main term, compound-part terms, the part terms only a modifier gave) of one lowercased token."""
    word = base_word(word)
    if word in kept_names():
        return word, (), frozenset()  # "Wetteren" is no form of "wet", nor "Staden" of "stad"
    if word.isalpha():
        main = _STEM(lemma(word))
        parts = compound_terms(word) if with_parts else ()
    elif "-" in word and not any(c.isdigit() for c in word):
        main = word  # "e-id", "vlaams-brabant": the spelling is the identity
        parts = tuple(p for p in word.split("-") if len(p) >= _HYPHEN_PART_MIN) if with_parts else ()
    else:
        return word, (), frozenset()  # legal numbers: never stemmed
    extras: list[str] = []
    heads: set[str] = set()
    for part in parts:
        head = word.endswith(part)
        term = _part_term(part, head=head)
        if head:
            heads.add(term)
        if term != main and term not in extras:
            extras.append(term)
    return main, tuple(extras), frozenset(extras) - heads


@lru_cache(maxsize=1)
def stem_classes() -> dict[str, list[str]]:
    if not STEM_CLASSES_FILE.exists():
        return {}
    with gzip.open(STEM_CLASSES_FILE, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=WORDS_KEPT)
def query_word_terms(word: str) -> tuple[str, tuple[str, ...]]:
    """(main term, alternatives) of one lowercased query token: the other index terms of its stem class,
    or a hyphenated word's parts."""
    word = base_word(word)
    if word in kept_names():
        return word, ()
    if word.isalpha():
        main = _STEM(lemma(word))
        stem = _STEM(word)
        # The word's own stem first: the stem classes list only known forms, and every form the lemma table
        # does not know is indexed under its stem ("gedetineerde" must find "gedetineerden").
        alternatives = [stem, *stem_classes().get(stem, ())]
        parts = split(word) or _loose_split(word)
    elif "-" in word and not any(c.isdigit() for c in word):
        # Every part of two letters or more: "HPV-vaccin" must find "vaccinatie HPV" too.
        main, alternatives = word, []
        parts = tuple(p for p in word.split("-") if len(p) >= _QUERY_PART_MIN and p not in STOP_WORDS)
    else:
        return word_terms(word, False)
    if parts:
        terms = dict.fromkeys(_part_term(p, head=i == len(parts) - 1) for i, p in enumerate(parts))
        alternatives.append(ALL_OF.join(terms))
    return main, tuple(dict.fromkeys(t for t in alternatives if t and t != main))


_LOOSE_PART_MIN = 4
_LOOSE_LINKS = ("", "s", "en", "e")


def _loose_split(word: str) -> tuple[str, ...]:
    """Two known words making up a query word the cautious splitter leaves whole ("griep|kosten",
    "kunst|roof"); query side only, where the parts are searched together, never alone."""
    known, forms = lemma_vocabulary(), lookup_table()
    if word in known or word in forms or len(word) < 2 * _LOOSE_PART_MIN:
        return ()
    best: tuple[int, tuple[str, ...]] = (0, ())
    for cut in range(_LOOSE_PART_MIN, len(word) - _LOOSE_PART_MIN + 1):
        modifier = word[:cut]
        if modifier not in known or modifier in STOP_WORDS:
            continue
        for link in _LOOSE_LINKS:
            head = word[cut + len(link):] if word.startswith(link, cut) else ""
            if len(head) >= _LOOSE_PART_MIN and (head in known or head in forms) and head not in STOP_WORDS:
                best = max(best, (min(len(modifier), len(head)), (modifier, head)))
    return best[1]


def all_of(term: str) -> list[str]:
    """The terms a query alternative requires together (one, unless joined by ALL_OF)."""
    return term.split(ALL_OF)


# Upper-case letters that make a part of a hyphenated word an abbreviation ("NMR", "CCS", "MiFID"; not "Vlaams",
# "tax" or the "e" of "e-ID"): a written word is cased as its author wrote it, so only the text before
# lowercasing can tell.
_ABBREVIATION_CAPITALS = 2


def abbreviations(written: str) -> tuple[str, ...]:
    """The abbreviations (lowercased) before the last hyphen of a hyphenated word of letters ("NMR-scanners" ->
    ("nmr",)); () for any other word ("tax-on-web", "Vlaams-Brabant", "e-ID", "DR-2024-001")."""
    parts = written.split("-")
    if len(parts) < 2 or not all(p.isalpha() and len(p) >= _QUERY_PART_MIN for p in parts):
        return ()
    return tuple(p.lower() for p in parts[:-1] if sum(c.isupper() for c in p) >= _ABBREVIATION_CAPITALS)


def abbreviation_parts(written: str) -> list[str]:
    """A hyphenated word with an abbreviation before a hyphen as its parts, each a word of its own
    ("NMR-scanners" -> ["NMR", "scanners"]); any other word as it is. A record may write the abbreviation with
    another head ("NMR-toestellen"), where one word asking for both parts found nothing."""
    return written.split("-") if abbreviations(written) else [written]


def _part_term(part: str, *, head: bool) -> str:
    """Only a compound's head is inflected; a modifier is already a lemma
    ("gegeven" in "gegevensbescherming" is data, not the verb's participle)."""
    if not part.isalpha():
        return part
    return _STEM(lemma(part)) if head else _STEM(part)


def base_units(text: str, *, mode: str = INDEX, compounds: bool = True, removestops: bool = True) -> list[Unit]:
    """Tokenize, drop stop words, lemmatize and stem (no thesaurus)."""
    with_parts = compounds and mode != QUERY
    units = []
    for token, start, end in tokenize(text):
        if removestops and token in STOP_WORDS:
            continue
        if mode == QUERY and compounds:
            main, extras = query_word_terms(token)
            modifiers = frozenset()
        else:
            main, extras, modifiers = _index_terms(token, text[start:end], with_parts)
        units.append(Unit(main, start, end, list(extras), modifiers))
    return units


def _index_terms(token: str, written: str, with_parts: bool) -> tuple[str, tuple[str, ...], frozenset[str]]:
    """`index_word` of a token, given as written too: in a hyphenated word with an abbreviation, the
    abbreviation and the last part are whole words, each indexed as if written alone, however short
    ("NMR-scanners" holds "NMR" and "scanners", "LPG-gas" holds "gas"), as a query searches them
    (`abbreviation_parts`)."""
    main, extras, modifiers = index_word(token, with_parts)
    found = abbreviations(written) if with_parts and "-" in token else ()
    if not found:
        return main, extras, modifiers
    terms = [index_word(word, False)[0] for word in (*found, token.rsplit("-", 1)[1])]
    return main, tuple(dict.fromkeys((*extras, *terms))), modifiers - set(terms)


@lru_cache(maxsize=WORDS_KEPT)
def written_word(written: str, compounds: bool = True) -> tuple[tuple[int, int, tuple[str, ...]], ...]:
    """One match of the token pattern as the index sees it: (start, end, its terms) of each token in it
    (a dotted word may hold several), stop words left out; the thesaurus is not applied."""
    return tuple((start, end, (main, *extras)) for start, end, main, extras, _modifiers in
                 ((s, e, *_index_terms(token, written[s:e], compounds)) for token, s, e in tokenize(written)
                  if token not in STOP_WORDS))


@lru_cache(maxsize=WORDS_KEPT)
def written_terms(written: str, compounds: bool = True) -> frozenset[str]:
    """Every term of `written_word`, for a quick test whether a word can match at all."""
    return frozenset(t for _start, _end, word in written_word(written, compounds) for t in word)


def compound_key(word: str) -> str:
    """A compound word of letters by its parts as a query searches them, the head lemmatised ("studiebewijzen"
    and "studiebewijs": "studie+bewijs"); "" for any other word."""
    if not word.isalpha():
        return ""
    return next((term for term in query_word_terms(word.lower())[1] if ALL_OF in term), "")


def query_key(term: str) -> tuple[str, ...]:
    """A thesaurus term as the index and queries see it: its analysed terms, in order."""
    return tuple(u.term for u in base_units(term, mode=QUERY))


class Thesaurus:
    """Maps every term of an entry, one word or several, to the canonical term (the entry's first term).

    The one reading of corpus/thesaurus.json: `key` says how a term is split and normalised (analysed
    terms for the index and queries, lemmas for the theme features), the canonical form is the same."""

    def __init__(self, data: dict | None, key: Callable[[str], tuple[str, ...]] = query_key):
        self.keys: dict[tuple[str, ...], str] = {}
        # canonical term -> every term of its entry as written (several entries may share a canonical term)
        self.groups: dict[str, tuple[str, ...]] = {}
        for entry in (data or {}).get("entries", []):
            terms = [t for t in entry.get("terms", []) if t and t.strip()]
            if not terms:
                continue
            canonical = _SPACE.sub("_", terms[0].strip().lower())
            self.groups[canonical] = (*self.groups.get(canonical, ()), *terms)
            for term in terms:
                found = key(term)
                if found:
                    self.keys.setdefault(found, canonical)
        self.longest = max((len(k) for k in self.keys), default=0)
        self.firsts = frozenset(k[0] for k in self.keys)
        self.canonical_terms = frozenset(self.keys.values())
        # A one-word compound term by its parts, the head lemmatised ("studie+bewijs"): its inflections the lemma
        # data does not know ("studiebewijzen", stemmed "studiebewijz") are the term too.
        self.compounds: dict[str, str] = {}
        if key is query_key:
            for found, canonical in self.keys.items():
                if len(found) == 1 and (parts := compound_key(found[0])):
                    self.compounds.setdefault(parts, canonical)

    def _compound_match(self, unit: Unit, mode: str, text: str) -> str:
        """The canonical term of a compound word that is an inflection of a one-word thesaurus term, or ""."""
        if not self.compounds:
            return ""
        if mode == QUERY:
            parts = next((extra for extra in unit.extras if ALL_OF in extra), "")
        else:
            parts = compound_key(text[unit.start:unit.end].lower()) if unit.modifiers and text else ""
        return self.compounds.get(parts, "") if parts else ""

    def apply(self, units: list[Unit], mode: str, text: str = "") -> list[Unit]:
        """Mark every thesaurus match: add (index) or substitute (query) the canonical term. With the analysed
        `text`, an inflected compound the lemma data does not know matches its one-word term too."""
        if not self.keys:
            return units
        out: list[Unit] = []
        terms = [u.term for u in units]
        i = 0
        while i < len(units):
            size, canonical = self.match(terms, i)
            if not size and terms[i] not in self.firsts and (canonical := self._compound_match(units[i], mode, text)):
                size = 1
            if not size:
                if mode != QUERY and "-" in terms[i]:
                    self._add_part_canonicals(units[i])
                out.append(units[i])
                i += 1
                continue
            matched = units[i : i + size]
            if mode == QUERY:
                out.append(Unit(canonical, matched[0].start, matched[-1].end))
            else:
                first = matched[0]
                if canonical != first.term and canonical not in first.extras:
                    first.extras.append(canonical)
                out.extend(matched)
            i += size
        return out

    def _add_part_canonicals(self, unit: Unit) -> None:
        """A hyphenated word's parts are words a query searches on their own ("GAS-boetes" as "GAS" and
        "boetes"), so a part that is a thesaurus term brings its canonical term too, as the word alone would."""
        for part in list(unit.extras):
            canonical = self.keys.get((part,))
            if canonical and canonical != part and canonical not in unit.extras:
                unit.extras.append(canonical)

    def canonicals(self, terms: list[str]) -> list[str]:
        """The canonical term of every match in a run of terms, longest match first, left to right."""
        found: list[str] = []
        i = 0
        while i < len(terms):
            size, canonical = self.match(terms, i)
            if size:
                found.append(canonical)
            i += size or 1
        return found

    def match(self, terms: list[str], i: int) -> tuple[int, str]:
        """(length, canonical) of the longest entry starting at `terms[i]`; (0, "") when none does."""
        if terms[i] not in self.firsts:  # most words start no thesaurus term
            return 0, ""
        for size in range(min(self.longest, len(terms) - i), 0, -1):
            key = tuple(terms[i : i + size])
            if key in self.keys:
                return size, self.keys[key]
        return 0, ""


_thesauri: list[tuple[dict, Thesaurus]] = []
_thesauri_lock = threading.Lock()


def shared_thesaurus(data: dict) -> Thesaurus:
    """One Thesaurus per distinct thesaurus in the process. Each Whoosh searcher unpickles its own
    analyzer from the index, so every thread's first search after a commit built it again (5-18 ms)."""
    with _thesauri_lock:
        found = next((thesaurus for known, thesaurus in _thesauri if known == data), None)
    if found is None:
        found = Thesaurus(data)
        with _thesauri_lock:
            _thesauri.append((data, found))
            del _thesauri[:-8]
    return found


class DutchAnalysis:
    """The Dutch steps with one thesaurus; picklable, so an index schema can store it.

    Backend-neutral: the Whoosh adapter (search/whoosh/analyzer.py) turns its
    units into Whoosh tokens, the PostgreSQL backend into tsvector lexemes.
    """

    def __init__(self, thesaurus: dict | None = None, *, compounds: bool = True):
        self.thesaurus_data = thesaurus or {}
        self.compounds = compounds
        self.version = ANALYSIS_VERSION

    def __getstate__(self) -> dict:
        return {"thesaurus_data": self.thesaurus_data, "compounds": self.compounds, "version": self.version}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({"version": 1, **state})  # pickled before versions were kept: the first

    @property
    def thesaurus(self) -> Thesaurus:
        cached = self.__dict__.get("_thesaurus")
        if cached is None:
            cached = self.__dict__["_thesaurus"] = shared_thesaurus(self.thesaurus_data)
        return cached

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and self.__getstate__() == other.__getstate__()

    def units(self, text: str, *, mode: str = INDEX, removestops: bool = True) -> list[Unit]:
        units = base_units(text, mode=mode, compounds=self.compounds, removestops=removestops)
        return self.thesaurus.apply(units, mode, text)

    def thesaurus_synonyms(self, word: str) -> tuple[str, ...]:
        """The terms of the thesaurus entry the word alone is a term of, or an inflection of one ("woonstcontrole":
        "woonstvaststelling", "woonstcontrole", ...), as written; () when it is none."""
        key = query_key(word)
        canonical = (self.thesaurus.keys.get(key) if key else None) or self.thesaurus.compounds.get(compound_key(word))
        return self.thesaurus.groups.get(canonical, ()) if canonical else ()

    def thesaurus_words(self, words: list[str]) -> list[str]:
        """The words of a query with each run that together spells a thesaurus term of several words
        ("openbaar centrum voor maatschappelijk welzijn", "Single Digital Gateway") joined into one, so
        that a backend analysing a query word by word substitutes its canonical term ("ocmw") as the
        analysis of the whole text does."""
        thesaurus = self.thesaurus
        if len(words) < 2 or thesaurus.longest < 2:
            return words
        terms: list[str] = []
        owner: list[int] = []  # the word each analysed term comes from
        for i, word in enumerate(words):
            for unit in base_units(word, mode=QUERY, compounds=self.compounds):
                terms.append(unit.term)
                owner.append(i)
        out: list[str] = []
        done = 0  # words[:done] are in `out`
        t = 0
        while t < len(terms):
            size, _canonical = thesaurus.match(terms, t)
            first, last = owner[t], owner[t + size - 1] if size else owner[t]
            if size and last > first:
                out.extend(words[done:first])
                out.append(" ".join(words[first:last + 1]))
                done = last + 1
                while t < len(terms) and owner[t] <= last:
                    t += 1
                continue
            t += 1
        return out + words[done:] if out else words

    def marked_words(self, text: str, terms: set[str] | frozenset[str]) -> list[tuple[int, int, str]]:
        """(start, end, term) of each written word whose index terms meet `terms`, in text order, with the
        first such term of the word: what `units` gives (a test holds them equal). Unless a thesaurus term
        is asked for (a match may span words), each distinct written word is analysed once and its verdict
        reused, which makes snippets several times cheaper."""
        if not terms:
            return []
        if not self.thesaurus.canonical_terms.isdisjoint(terms):
            return [(u.start, u.end, hit) for u in self.units(text)
                    if (hit := next((t for t in (u.term, *u.extras) if t in terms), None))]
        pieces = _TOKEN_SPLIT.split(text)
        tokens = pieces[1::2]
        # Each distinct written word is judged once; the token list is only walked (in C) when a word hits.
        verdicts = {}
        for written in set(tokens):
            if written_terms(written, self.compounds).isdisjoint(terms):
                continue
            verdicts[written] = [(start, end, hit) for start, end, word in written_word(written, self.compounds)
                                 if (hit := next((t for t in word if t in terms), None))]
        if not verdicts:
            return []
        starts = list(accumulate(map(len, pieces), initial=0))  # starts[i]: where pieces[i] begins
        spans: list[tuple[int, int, str]] = []
        for i, written in enumerate(tokens):
            if written in verdicts:
                offset = starts[2 * i + 1]
                spans.extend((offset + start, offset + end, term) for start, end, term in verdicts[written])
        return spans

    def warm(self, texts: Iterable[str]) -> int:
        """Analyse each distinct written word of `texts` once (at most WORDS_KEPT), so that snippets and
        similar records of these texts find their words analysed; returns how many words. `serve` runs it
        over the indexed records at start (SearchBackend.warm_up)."""
        seen: set[str] = set()
        for text in texts:
            for written in _TOKEN.findall(text):
                if written not in seen:
                    if len(seen) >= WORDS_KEPT:
                        return len(seen)
                    seen.add(written)
                    written_terms(written, self.compounds)
        return len(seen)

    def terms(self, text: str, *, mode: str = INDEX) -> list[str]:
        """All terms in position order, extras right after their word."""
        out: list[str] = []
        for unit in self.units(text, mode=mode):
            out.append(unit.term)
            out.extend(unit.extras)
        return out


def build_analyzer(thesaurus: dict | None = None, *, compounds: bool = True) -> DutchAnalysis:
    """The Dutch index/query analysis (thesaurus format: corpus/thesaurus.json)."""
    return DutchAnalysis(thesaurus, compounds=compounds)


@lru_cache(maxsize=8)
def _default_analyzer(compounds: bool) -> DutchAnalysis:
    return DutchAnalysis(None, compounds=compounds)


def analyze(text: str, *, mode: str = INDEX, thesaurus: dict | None = None, compounds: bool = True) -> list[str]:
    """The terms of `text` as the index (or a query) sees them; for tests and SQL backends."""
    analyzer = build_analyzer(thesaurus, compounds=compounds) if thesaurus else _default_analyzer(compounds)
    return analyzer.terms(text, mode=mode)
