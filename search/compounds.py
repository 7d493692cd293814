"""Split Dutch compounds into known parts, so a part finds the compound.

"vergunning" must find "omgevingsvergunning": the index adds the parts of
every compound as extra terms. Splitting is cautious: parts are known words
of at least four letters joined with a linking -s-/-en-/-e-, the split with
the fewest parts wins (each part then split as it would be alone), and words
reviewed as non-compounds stay whole.
"""
from __future__ import annotations

import json
from functools import lru_cache

from search.nlp import LEXICON_DIR, STOP_WORDS, lemma, lookup_table

MIN_PART = 4
LINKERS = ("", "s", "en", "e", "-")
RULES_FILE = LEXICON_DIR / "compound_rules.json"
LEGAL_WORDS_FILE = LEXICON_DIR / "legal_words.json"
CHAMBER_WORDS_FILE = LEXICON_DIR / "chamber_words.json"
UD_PARTS_FILE = LEXICON_DIR / "ud_lemma_parts.json"
# A head may carry a plural or adjective ending ("gegevens", "-vergunningen");
# verb endings are left out because "vers+trekt" is how spurious splits look.
HEAD_ENDINGS = ("s", "en", "n", "e", "'s")


def _load(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class CompoundSplitter:
    """Fewest-parts segmentation over a vocabulary of known words.

    `modifiers` may stand anywhere; `heads` (which also holds inflected
    forms such as "gegevens") may only end the word.
    """

    def __init__(
        self,
        modifiers: frozenset[str],
        heads: frozenset[str],
        atomic: frozenset[str],
        frequency: dict[str, int] | None = None,
    ):
        self._modifiers = modifiers
        self._heads = heads
        self._atomic = atomic
        self._frequency = frequency or {}
        self.split = lru_cache(maxsize=200_000)(self._split)
        self.terms = lru_cache(maxsize=200_000)(self._terms)

    def _split(self, word: str) -> tuple[str, ...]:
        """The parts of `word` (at least two), or () when it is not split."""
        word = word.lower()
        if len(word) < 2 * MIN_PART or word in self._atomic:
            return ()
        spans = self._finest(word)
        return tuple(word[a:b] for a, b in spans) if spans else ()

    def _terms(self, word: str) -> tuple[str, ...]:
        """The parts plus every run of adjacent parts, as written in the word.

        "rijksregisternummer" gives rijks-register-nummer's parts and also
        "rijksregister" and "registernummer", so either finds the whole.
        """
        word = word.lower()
        if len(word) < 2 * MIN_PART or word in self._atomic:
            return ()
        spans = self._finest(word)
        if not spans:
            return ()
        out: list[str] = []
        for i in range(len(spans)):
            for j in range(i, len(spans)):
                if (i, j) != (0, len(spans) - 1):
                    piece = word[spans[i][0] : spans[j][1]]
                    if piece not in out:
                        out.append(piece)
        return tuple(out)

    def _finest(self, word: str) -> tuple[tuple[int, int], ...] | None:
        """The fewest-parts segmentation, each part that is itself a compound split in turn: a vocabulary
        that knows "beheersysteem" still gives "dossierbeheersysteem" the part runs "dossierbeheer" and "beheer"."""
        spans = self._segment(word)
        if not spans:
            return spans
        out: list[tuple[int, int]] = []
        for a, b in spans:
            part = word[a:b]
            inner = self._finest(part) if len(part) >= 2 * MIN_PART and part not in self._atomic else None
            out.extend(((a + x, a + y) for x, y in inner) if inner else ((a, b),))
        return tuple(out)

    def _segment(self, word: str) -> tuple[tuple[int, int], ...] | None:
        best: dict[int, tuple | None] = {}

        def rest(start: int, top: bool) -> tuple | None:
            """Best (cost, spans) segmentation of word[start:]."""
            if not top and start in best:
                return best[start]
            options = []
            if not top and word[start:] in self._heads:
                options.append(((1, 0, -self._weight(word[start:])), ((start, len(word)),)))
            for end in range(start + MIN_PART, len(word) - MIN_PART + 1):
                if word[start:end] not in self._modifiers:
                    continue
                for link in LINKERS:
                    if not word.startswith(link, end):
                        continue
                    tail = rest(end + len(link), False)
                    if tail:
                        (parts, links, weight), spans = tail
                        part_weight = self._weight(word[start:end])
                        cost = (parts + 1, links + (link != ""), -min(-weight, part_weight))
                        options.append((cost, ((start, end),) + spans))
            found = min(options) if options else None
            if not top:
                best[start] = found
            return found

        found = rest(0, True)
        return found[1] if found else None

    def _weight(self, part: str) -> int:
        """How attested a part is; among equally short splits the best-attested
        weakest part wins (gemeente+huis, not gemeen+tehuis)."""
        return self._frequency.get(part, 0)


def _usable(word: str, not_parts: frozenset[str]) -> bool:
    return len(word) >= MIN_PART and word.isalpha() and word not in STOP_WORDS and word not in not_parts


@lru_cache(maxsize=1)
def get_splitter() -> CompoundSplitter:
    """The shared splitter over words attested in the legal corpus, UD Dutch and the shipped Chamber texts.

    The lookup table alone knows 100,000 lemmas, many rare ("grif", "burg",
    "vers"), and those made most spurious splits; attestation in real text
    is the frequency filter.
    """
    rules = _load(RULES_FILE)
    not_parts = frozenset(rules.get("not_parts", []))
    frequency: dict[str, int] = {}
    for source in (LEGAL_WORDS_FILE, UD_PARTS_FILE, CHAMBER_WORDS_FILE):
        for word, count in _load(source).get("words", {}).items():
            base = lemma(word)
            frequency[base] = frequency.get(base, 0) + count
    modifiers = frozenset(w for w in frequency if _usable(w, not_parts))
    inflected = (
        form
        for form, base in lookup_table().items()
        if base in modifiers and form.endswith(HEAD_ENDINGS) and _usable(form, not_parts)
    )
    heads = modifiers | frozenset(inflected)
    return CompoundSplitter(modifiers, heads, frozenset(rules.get("atomic", [])), frequency)


def split(word: str) -> tuple[str, ...]:
    """Parts of a Dutch compound, e.g. persoonsgegevens → (persoon, gegevens)."""
    return get_splitter().split(word)


def compound_terms(word: str) -> tuple[str, ...]:
    """Parts and adjacent-part runs of a compound, for indexing beside the word."""
    return get_splitter().terms(word)
