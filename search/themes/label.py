"""Dutch labels for themes: surface noun phrases ranked by class-based TF-IDF.

The blank Dutch pipeline has no parser, so candidate phrases are surface
n-grams (1–3 content words, at most two articles or prepositions between them)
inside one clause that neither start nor end with a stop word ("toegang tot
het Rijksregister" passes, "de aanvraag van" does not) and end on a noun, not
on an adjective, a participle or an infinitive ("terugsturen"). Variants are
grouped by their lemmas (zending/zendingen) and shown in the spelling the
texts use most, so a label reads as written, not as a stem. A single word also
counts where it is part of a compound ("archief" in "Archiefdecreet"), so the
word that names a whole theme beats a frequent but vague one ("stukken").
Scores follow BERTopic's c-TF-IDF: a phrase's share of the theme's documents
times log(1 + average documents per theme / documents holding the phrase).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from typing import NamedTuple

from search.compounds import compound_terms
from search.nlp import STOP_WORDS, lemma, lookup_table
from search.themes.types import ThemeDoc

# A clause ends at punctuation; phrases never cross it.
# Numbers end a phrase too: "Wet van 8 augustus 1983" must not yield "wet van augustus".
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"“”«»\n–—/§°]+|\s-\s|\S*\d\S*")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MAX_WORDS = 3  # content words in a phrase; articles and prepositions between them do not count
# A barrier names its subject early; later paragraphs (answers, annexes) add
# noise to labels and cost time and memory on large registers.
LABEL_CHARS = 800
MAX_INNER_STOPS = 2
# Words that may stand inside a label ("toegang tot het Rijksregister") but
# never at its edge; coordinators and clause words may not stand in it at all
# ("eID of itsme" names two things, not one theme).
_INNER_OK = frozenset({"de", "het", "een", "van", "tot", "voor", "op", "aan", "in", "met", "door", "bij", "naar",
                       "over", "per", "uit", "zonder", "onder", "tegen", "via"})
# Not in spaCy's stop list but never the start or end of a civil servant's
# label: prepositions, adverbs, quantities, auxiliaries, vague adjectives.
_EDGE_WORDS = frozenset({
    "moeten", "kunnen", "worden", "wordt", "zijn", "is", "gaat", "staat", "blijft", "vraagt", "vragen", "vereist",
    "mag", "nodig", "enkel", "nog", "niet", "geen", "zo", "wel", "heel", "andere", "eerste", "bepaalde", "zeker",
    "zekere", "verschillende", "waarbij", "hierbij", "daarbij", "via", "per", "zonder", "waardoor", "daardoor",
    "alsnog", "echt", "telkens", "steeds", "vaak", "soms", "meestal", "twee", "drie", "vier", "vijf", "zes", "tien",
    "honderd", "duizend", "enkele", "elke", "iedere", "alle", "beide", "veel", "weinig", "meer", "minder", "extra",
    "onder", "tegen", "nieuwe", "nieuw", "grote", "groot", "kleine", "klein", "goed", "goede", "hele", "dezelfde",
    "zelfde", "eigen", "bijvoorbeeld", "ondertussen", "intussen", "betekent", "houdt", "leidt", "zorgt", "gebeurt",
    "bestaat", "moet", "kan", "zou", "zouden", "wil", "willen", "laat", "laten", "krijgt", "krijgen",
    "ontvangen", "ontvangt", "aantal", "hoeveel", "welke", "waarom", "wanneer", "kamer", "vraag", "antwoord",
    # abbreviations that point somewhere but name nothing ("vraag nr. 1698", "art. 6", "blz. 201")
    "nr", "nrs", "art", "artt", "blz", "bv", "bijv", "enz", "resp", "cf", "zgn", "dd",
})
# Endings of adjectives and adverbs: a label ends on a noun, not on "elektronisch".
_NOT_LAST_ENDINGS = ("isch", "ische", "lijk", "lijke", "ig", "ige", "end", "ende", "baar", "bare", "loos", "loze")
# Two words name a theme best ("aangetekende zending"); a third must earn its place by covering more.
LENGTH_BONUS = {1: 1.0, 2: 1.6, 3: 1.5}
TITLE_BONUS = 1.5  # a reporter's title is a summary; phrases from titles name things


class Phrase(NamedTuple):
    key: tuple[str, ...]  # lemmas: groups spelling variants
    surface: str


@lru_cache(maxsize=1)
def verb_lemmas() -> frozenset[str]:
    """Infinitives: lemmas the lookup table gives to a form in -t (stuurt → sturen), at least five letters."""
    return frozenset(base for form, base in lookup_table().items()
                     if form.endswith("t") and base.endswith("en") and form != base and len(base) >= 5)


def is_infinitive(low: str) -> bool:
    """"terugsturen", "bekendmaken": a verb as written (its own lemma), also with a prefix or in a compound."""
    if not low.endswith("en") or lemma(low) != low:
        return False
    verbs = verb_lemmas()
    return any(low[i:] in verbs for i in range(0, len(low) - 4))


# Verbs with these prefixes form their participle without ge- (betaald, verplicht, ontvangen).
_NO_GE_PREFIXES = ("be", "ver", "ont", "her", "er")


def is_participle(low: str, *, after_ge: bool = False) -> bool:
    """"betaald", "verplicht", "(ge)kwalificeerde": a past participle (also inflected) of a verb the table
    knows. Without ge- only after an inseparable prefix, so "raad" (raden) stays a noun."""
    if not (after_ge or low.startswith(_NO_GE_PREFIXES)) or len(low) < 6:
        return False
    if low.endswith(("de", "te")):
        low = low[:-1]
    if not low.endswith(("d", "t")):
        return False
    stem, verbs = low[:-1], verb_lemmas()
    single = stem[:-3] + stem[-2:] if stem[-3:-1] in ("aa", "ee", "oo", "uu") else stem  # betaal → betal
    return any(form in verbs for form in (stem + "en", single + "en", low + "en"))


def _is_edge(low: str) -> bool:
    return low in STOP_WORDS or low in _EDGE_WORDS or len(low) < 2


def phrases(text: str) -> list[Phrase]:
    """Candidate phrases of one text, each as (lemma key, surface form)."""
    out = []
    for clause in _CLAUSE.split(text):
        words = _WORD.findall(clause)
        if not words:
            continue
        lows = [w.lower() for w in words]
        edge = [_is_edge(w) for w in lows]
        lemmas = [lemma(w) if not e else w for w, e in zip(lows, edge)]
        # Only the clause's first word can carry a capital that just marks a sentence start.
        starts_sentence = not clause[: clause.find(words[0])].strip()
        for i in range(len(words)):
            if edge[i]:
                continue
            stops = 0
            for j in range(i, min(i + MAX_WORDS + MAX_INNER_STOPS, len(words))):
                if edge[j]:
                    stops += 1
                    if stops > MAX_INNER_STOPS or lows[j] not in _INNER_OK:
                        break
                    continue
                span = words[i : j + 1]
                surface = _surface(span, sentence_start=True) if starts_sentence and i == 0 else " ".join(span)
                out.append(Phrase(tuple(lemmas[i : j + 1]), surface))
                if j - i + 1 - stops >= MAX_WORDS:
                    break
    return out


def _surface(words: list[str], *, sentence_start: bool) -> str:
    """The phrase as written, lowercasing a capital that only marks a sentence start."""
    first = words[0]
    if sentence_start and first[:1].isupper() and first[1:].islower():
        first = first.lower()
    return " ".join([first, *words[1:]])


def can_end_label(word: str) -> bool:
    """A label ends on a noun: not an adjective ending, not a verb form (betaald → betalen)."""
    low = word.lower()
    participle = low.startswith("ge") and len(low) > 5 and (is_participle(low[2:], after_ge=True)
                                                      or lemma(low) in verb_lemmas())
    if low.endswith(_NOT_LAST_ENDINGS) or participle or low in _EDGE_WORDS or is_infinitive(low) \
            or is_participle(low):
        return False
    base = lemma(low)
    return not (base != low and base.endswith("en") and not low.endswith(("en", "s")))


class DocPhrases:
    """Per document: its phrase keys (interned as ints), which occur in its title, and spellings."""

    def __init__(self, docs: list[ThemeDoc]):
        self.ids: dict[tuple[str, ...], int] = {}
        self.keys: dict[str, frozenset[int]] = {}
        self.title_keys: dict[str, frozenset[int]] = {}
        self.df: Counter = Counter()
        pairs: Counter = Counter()
        for doc in docs:
            text = doc.text if doc.title and doc.title in doc.text[:LABEL_CHARS] else doc.title + "\n" + doc.text
            found = phrases(text[:LABEL_CHARS])
            pairs.update(found)
            # ids in sorted key order (not set order, which changes with each process's string hashing), so
            # ties between equally scored phrases are broken the same way on every run
            keys = frozenset(self._id(key) for key in sorted({p.key for p in found} | compound_keys(found)))
            self.keys[doc.code] = keys
            self.title_keys[doc.code] = frozenset(self._id(key) for key in sorted({p.key for p in phrases(doc.title)}))
            self.df.update(keys)
        self.key_of = {i: key for key, i in self.ids.items()}
        self.spellings: dict[int, Counter] = defaultdict(Counter)
        for (key, surface), count in pairs.items():
            self.spellings[self.ids[key]][surface] += count

    def spelled(self, key_id: int) -> bool:
        """Whether the phrase occurs on its own somewhere (a compound part alone has no spelling to show)."""
        return bool(self.spellings.get(key_id))

    def _id(self, key: tuple[str, ...]) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.ids)
        return found

    def length(self, key_id: int) -> int:
        """Content words in the phrase ("toegang tot het Rijksregister": 2)."""
        return min(MAX_WORDS, max(1, sum(not _is_edge(word) for word in self.key_of[key_id])))

    def surface(self, key_id: int) -> str:
        """Most used spelling; on a tie the lower-case one (capitals at a sentence start mislead)."""
        counts = self.spellings[key_id]
        return min(counts, key=lambda s: (-counts[s], s != s.lower(), s))


def compound_keys(found: list[Phrase]) -> set[tuple[str, ...]]:
    """One-word keys for the parts of compound words in a text ("archiefdecreet" → archief, decreet)."""
    out = set()
    for phrase in found:
        if len(phrase.key) == 1:
            word = phrase.surface.lower()
            out.update((lemma(part),) for part in compound_terms(word) if part != word and len(part) >= 4)
    return out


def ctfidf(members: list[str], index: DocPhrases, n_docs: int, n_themes: int) -> list[tuple[float, int]]:
    """(score, key) of every phrase in at least two members (one for tiny themes), best first."""
    local: Counter = Counter()
    for code in members:
        local.update(index.keys.get(code, ()))
    floor = 2 if len(members) >= 3 else 1
    average = n_docs / max(n_themes, 1)
    scored = []
    for key, count in local.items():
        if count < floor or not index.spelled(key):
            continue
        score = (count / len(members)) * math.log(1 + average / index.df[key])
        scored.append((score, key))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored


def best_label(members: list[str], index: DocPhrases) -> int | None:
    """The phrase most members share and few others use (coverage × precision), ending on a noun."""
    local: Counter = Counter()
    in_titles: Counter = Counter()
    for code in members:
        local.update(index.keys.get(code, ()))
        in_titles.update(index.title_keys.get(code, ()))
    floor = 2 if len(members) >= 2 else 1
    best, best_score = None, 0.0
    # Key ids follow the documents' code order, so ties are broken the same way on every run.
    for key, count in sorted(local.items()):
        if count < floor or not index.spelled(key):
            continue
        score = (count / len(members)) * (count / index.df[key]) * LENGTH_BONUS[index.length(key)]
        score *= TITLE_BONUS if in_titles[key] else 1.0
        if score > best_score and can_end_label(index.surface(key).split()[-1]):
            best, best_score = key, score
    return best


def label_theme(members: list[str], index: DocPhrases, n_docs: int, n_themes: int, n_terms: int = 8
                ) -> tuple[str, list[str]]:
    """(label, terms): the best-covering noun phrase, and the top c-TF-IDF terms."""
    scored = ctfidf(members, index, n_docs, n_themes)
    if not scored:
        return "", []
    key = best_label(members, index)
    if key is None:
        key = scored[0][1]
    label = index.surface(key)
    terms: list[str] = []
    for _, key in scored:
        text = index.surface(key)
        plain = index.length(key) == len(index.key_of[key]) <= 2  # one or two words, nothing between them
        if plain and not any(text.lower() in t.lower() or t.lower() in text.lower() for t in terms):
            terms.append(text)
        if len(terms) >= n_terms:
            break
    return label, terms
