"""The Dutch spaCy pipeline and word lemmas, chosen in one place.

Everything in the product that needs Dutch language knowledge (search
analysis, citation extraction) asks this module, so the pipeline, the lemma
tables and the stop words are the same for every caller.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.lang.nl.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

MODEL_NAME = "nl_core_news_sm"
BLANK_NAME = "blank:nl+lookup"
LEXICON_DIR = Path(__file__).parent / "lexicon"
SUPPLEMENT_FILE = LEXICON_DIR / "lemma_supplement.json"
PLACE_NAMES_FILE = LEXICON_DIR / "place_names.json"

# spaCy's list holds words that carry meaning in legal text ("gegeven" as in
# "persoonsgegevens", "bepaald", "mogelijk", "nr"), so those are searchable.
# Negations stay stop words on purpose: a bag-of-words ranking cannot scope
# "geen"/"niet", and keeping them only makes AND-queries demand them.
_CONTENT_WORDS = frozenset(
    {
        "afgelopen", "bepaald", "beter", "betere", "eerste", "eersten",
        "eigen", "gegeven", "geheel", "gelijk", "geven", "hele", "juist",
        "klaar", "krachtens", "lang", "mogelijk", "nr", "prof", "publ",
        "uitgezonderd", "vrij", "weg", "wezen", "zeker", "zekere",
    }
)
STOP_WORDS: frozenset[str] = frozenset(_SPACY_STOP_WORDS) - _CONTENT_WORDS


class PipelineUnavailable(RuntimeError):
    """The Dutch lemma data is missing; the message names the install command."""


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The Dutch pipeline: nl_core_news_sm when installed, else blank + lookup."""
    if spacy.util.is_package(MODEL_NAME):
        return spacy.load(MODEL_NAME)
    nlp = spacy.blank("nl")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    try:
        nlp.initialize()  # reads spacy-lookups-data from disk, never the network
    except (ValueError, OSError) as exc:
        raise PipelineUnavailable(
            "Nederlandse lemmatabellen ontbreken: pip install spacy-lookups-data"
        ) from exc
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for form, lemma in supplement().items():
        table[form] = lemma
    return nlp


def pipeline_info() -> dict:
    """Which Dutch pipeline is active, for `drempelbank doctor`."""
    nlp = get_nlp()
    if spacy.util.is_package(MODEL_NAME):
        return {
            "name": MODEL_NAME,
            "version": nlp.meta.get("version"),
            "lemmatizer": "rule",
            "lookup_entries": len(lookup_table()),
            "supplement_entries": len(supplement()),
        }
    return {
        "name": BLANK_NAME,
        "version": f"spacy {spacy.__version__}, spacy-lookups-data {_lookups_version()}",
        "lemmatizer": "lookup",
        "lookup_entries": len(lookup_table()),
        "supplement_entries": len(supplement()),
    }


def _lookups_version() -> str:
    try:
        return version("spacy-lookups-data")
    except PackageNotFoundError:
        return "niet geïnstalleerd"


@lru_cache(maxsize=1)
def lookup_table() -> dict[str, str]:
    """spacy-lookups-data's Dutch form→lemma table as a plain dict.

    spaCy's own Table hashes its keys, which is slower per lookup and cannot
    give the words back; search needs both.
    """
    try:
        import spacy_lookups_data
    except ImportError as exc:
        raise PipelineUnavailable(
            "Nederlandse lemmatabellen ontbreken: pip install spacy-lookups-data"
        ) from exc
    import srsly

    path = Path(str(spacy_lookups_data.get_file("nl_lemma_lookup.json.gz")))
    return dict(srsly.read_gzip_json(path))


@lru_cache(maxsize=1)
def _supplement_data() -> dict:
    if not SUPPLEMENT_FILE.exists():
        return {"sources": {}}
    return json.loads(SUPPLEMENT_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def supplement() -> dict[str, str]:
    """Frequent forms the lookup table gets wrong, derived from UD dev data."""
    data = _supplement_data()
    return supplement_for(data, tuple(data["sources"]))


def supplement_for(data: dict, sources: tuple[str, ...]) -> dict[str, str]:
    """Merge the per-treebank supplements of `sources`; the larger count wins."""
    best: dict[str, tuple[int, str]] = {}
    for source in sorted(sources):
        for form, (lemma, count) in data["sources"][source]["forms"].items():
            if form not in best or count > best[form][0]:
                best[form] = (count, lemma)
    return {form: lemma for form, (_, lemma) in best.items()}


def adjectives_for(data: dict, sources: tuple[str, ...]) -> frozenset[str]:
    """The gold adjective lemmas of `sources` in the supplement file (tools/build_lexicon.py)."""
    return frozenset(word for source in sources for word in data["sources"][source].get("adjectives", ()))


def table_adjectives(table: dict[str, str]) -> frozenset[str]:
    """The lemmas the lookup table inflects with -e ("grote" → groot, "sterke" → sterk): adjectives."""
    return frozenset(base for form, base in table.items()
                     if len(form) > 3 and form[-1] == "e" and base != form and base in _respellings(form[:-1], "e"))


@lru_cache(maxsize=1)
def adjectives() -> frozenset[str]:
    """Every word known to be an adjective: the only lemmas a comparative or superlative is undone onto."""
    data = _supplement_data()
    return table_adjectives(lookup_table()) | adjectives_for(data, tuple(data["sources"]))


@lru_cache(maxsize=1)
def lemma_vocabulary() -> frozenset[str]:
    """Every word known to be a lemma: a word in it is its own lemma."""
    return frozenset(lookup_table().values()) | frozenset(supplement().values())


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Words of the municipalities' names (tools/build_lexicon.py place-names): never guessed on."""
    if not PLACE_NAMES_FILE.exists():
        return frozenset()
    return frozenset(json.loads(PLACE_NAMES_FILE.read_text(encoding="utf-8"))["words"])


@lru_cache(maxsize=1)
def kept_names() -> frozenset[str]:
    """The place-name words the lemma table does not know ("wetteren", "staden", "brugge"): the analysis
    keeps them as written, neither lemmatized nor stemmed (search/analysis.py). Words it knows ("landen",
    "halen", "boom") are analysed as any word."""
    forms, known, extra = lookup_table(), lemma_vocabulary(), supplement()
    return frozenset(w for w in place_names() if w not in forms and w not in known and w not in extra)


class Lemmatizer:
    """Word→lemma by table lookup, then spelling rules checked against known lemmas.

    The rules only ever return a word that is a known lemma, so an unknown
    word is left as it is rather than mangled; nor do they guess on a word of
    `kept` (place names: "Wetteren" is no form of "wet"). A comparative or
    superlative ending is only undone onto one of `adjectives` ("hoger" → hoog,
    but "gebruiker" is no degree of "gebruik", nor "taser" of "tas").
    """

    def __init__(self, table: dict[str, str], extra: dict[str, str], known: frozenset[str],
                 kept: frozenset[str] = frozenset(), adjectives: frozenset[str] = frozenset()):
        self._table = table
        self._extra = extra
        self._known = known
        self._kept = kept
        self._adjectives = adjectives
        self.lemma = lru_cache(maxsize=200_000)(self._lemma)

    def _lemma(self, word: str) -> str:
        word = word.lower()
        found = self._extra.get(word) or self._table.get(word)
        if found:
            return found
        if word in self._known or word in self._kept or word in STOP_WORDS or len(word) < MIN_GUESS_LENGTH:
            return word
        return guess_lemma(word, self._known, self._adjectives) or word


# How a rule's candidate is checked beside being a known lemma: a degree ending (comparative, superlative)
# only on an adjective; a verb ending (3rd person present, past) only when the candidate infinitive's own
# stem spells the form ("derden" is no past of "deren", whose stem is "deer"; "telde" is one of "tellen").
PLAIN, DEGREE, VERB = "plain", "degree", "verb"
# (suffix, replacement, kind) in order of preference: plural and adjective endings
# first, because a noun or adjective reading is the common case in legal text.
_RULES: tuple[tuple[str, str, str], ...] = (
    ("'s", "", PLAIN), ("’s", "", PLAIN), ("eren", "", PLAIN), ("ën", "e", PLAIN), ("ën", "", PLAIN),
    ("en", "", PLAIN), ("n", "", PLAIN), ("s", "", PLAIN), ("ste", "", DEGREE), ("ere", "", DEGREE),
    ("er", "", DEGREE), ("e", "", PLAIN), ("t", "en", VERB), ("te", "en", VERB), ("de", "en", VERB),
    ("ten", "en", VERB), ("den", "en", VERB),
)
_VOWELS = frozenset("aeiouy")
# Short words and function words are mostly uninflected ("tot", "hier",
# "echter"); guessing on them did more harm than good on UD Dutch.
MIN_GUESS_LENGTH = 5


def guess_lemma(word: str, known: frozenset[str], adjectives: frozenset[str] = frozenset()) -> str | None:
    """The first known lemma reachable by stripping a Dutch inflection."""
    for suffix, replacement, kind in _RULES:
        if len(word) - len(suffix) < 2 or not word.endswith(suffix):
            continue
        stem = word[: -len(suffix)]
        if kind == VERB:
            candidates = [i for i in _infinitives(stem) if suffix == "t" or _past_ending(i) == suffix[0]]
        else:
            candidates = [form + replacement for form in _respellings(stem, suffix)]
        for candidate in candidates:
            if candidate in known and (kind != DEGREE or candidate in adjectives):
                return candidate
    return None


def _infinitives(stem: str) -> list[str]:
    """The infinitives whose stem is written `stem`, likeliest first (werk → werken, tel → tellen,
    speel → spelen, leef → leven, reis → reizen, verenig → verenigen)."""
    if len(stem) < 2:
        return []
    last = stem[-1]
    if last in _VOWELS:
        return [stem + "n"] if stem.endswith(("ie", "oe")) else []  # bezie → bezien; "bezi" is no stem
    voiced = {"f": "v", "s": "z"}.get(last)
    finals = [voiced, last] if voiced else [last]
    vowel = stem[-2]
    if len(stem) >= 3 and vowel == stem[-3] and vowel in "aeou":
        # A long vowel is written double in the closed stem, single in the open infinitive.
        return [stem[:-3] + vowel + final + "en" for final in finals]
    if vowel in _VOWELS and (len(stem) < 3 or stem[-3] not in _VOWELS):
        # A short vowel doubles the consonant (tel → tellen); after an unstressed one it stays single
        # (verenig → verenigen), which a stem of one syllable never has.
        out = [stem + last + "en"]
        if _syllables(stem) > 1:
            out.append(stem + "en")
        return out
    return [stem[:-1] + final + "en" for final in finals]


def _past_ending(infinitive: str) -> str:
    """The consonant of the past tense's ending: t after a voiceless stem consonant ('t kofschip: werkte,
    vervalste), else d (telde, leefde, reisde); so "sterfte" is no past of "sterven" (stierf, sterfde)."""
    stem = infinitive[:-2]
    return "t" if stem.endswith(("t", "k", "f", "s", "ch", "p", "x")) else "d"


def _syllables(word: str) -> int:
    """Vowel groups in a word: a rough syllable count."""
    return sum(1 for i, c in enumerate(word) if c in _VOWELS and (i == 0 or word[i - 1] not in _VOWELS))


def _respellings(stem: str, suffix: str) -> list[str]:
    """Base spellings of a stem before a vowel-initial ending, likeliest first.

    Dutch writes an open syllable with one vowel (grote ← groot), doubles a
    consonant after a short vowel (dikke ← dik) and voices final s/f
    (huizen ← huis, brieven ← brief).
    """
    if suffix[0] not in "eë":
        return [stem]
    forms = [stem]
    last = stem[-1]
    if last in "zv" and len(stem) > 2:
        forms.insert(0, stem[:-1] + ("s" if last == "z" else "f"))
    out: list[str] = []
    for form in forms:
        a, b, c = (form[-3:] if len(form) >= 3 else "  " + form)[-3:]
        if c == b and c not in _VOWELS:
            out.append(form[:-1])
        elif c not in _VOWELS and b in _VOWELS and a not in _VOWELS:
            out.append(form[:-1] + b + c)
        out.append(form)
    return out


@lru_cache(maxsize=1)
def get_lemmatizer() -> Lemmatizer:
    """The shared fast lemmatizer (lookup table + supplement + spelling rules)."""
    return Lemmatizer(lookup_table(), supplement(), lemma_vocabulary(), place_names(), adjectives())


def lemma(word: str) -> str:
    """The lemma of one word, lowercased."""
    return get_lemmatizer().lemma(word)


def lemmas(text: str) -> list[str]:
    """Lemmas of the tokens of `text` (punctuation included), lowercased."""
    nlp = get_nlp()
    if spacy.util.is_package(MODEL_NAME):
        return [token.lemma_.lower() for token in nlp(text)]
    lemmatize = get_lemmatizer().lemma
    return [lemmatize(token.text) for token in nlp.tokenizer(text)]
