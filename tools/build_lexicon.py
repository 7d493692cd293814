"""Derive the lexicon files of search/ from the real sources in corpus-src.

Run: python -m tools.build_lexicon [CORPUS_SRC]   (or `stem-classes` / `place-names` / `chamber-words` to rebuild
only that table)
(default CORPUS_SRC: ../shared/corpus-src next to the project root, or the
DREMPELBANK_CORPUS_SRC environment variable). The outputs are committed, so
the product never needs the sources at run time.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html

from search.nlp import STOP_WORDS, LEXICON_DIR, Lemmatizer, lookup_table, table_adjectives

UD_FILES = {
    "alpino": "ud-nl-dev/UD_Dutch-Alpino-nl_alpino-ud-dev.conllu",
    "lassysmall": "ud-nl-dev/UD_Dutch-LassySmall-nl_lassysmall-ud-dev.conllu",
}
UD_ATTRIBUTION = (
    "Universal Dependencies UD_Dutch-Alpino and UD_Dutch-LassySmall, dev splits, "
    "CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); "
    "this derived table is shared under the same licence."
)
# A supplement entry must be seen this often and be the clear majority, so
# the table holds frequent forms, not one-off annotations.
MIN_COUNT = 2
MIN_SHARE = 0.6
# Forms of these tags are names, numbers or symbols: no inflection to learn.
SKIP_UPOS = frozenset({"PUNCT", "SYM", "NUM", "X", "PROPN"})
CONTENT_UPOS = frozenset({"NOUN", "ADJ", "VERB"})
MIN_LEGAL_FREQ = 2
# Chamber words seen fewer times gave spurious parts ("invest+ring", "hand+laars", "dief+stallen").
MIN_CHAMBER_FREQ = 10
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class UdToken:
    form: str
    lemma: str  # gold lemma, lowercased, compound marks ("_") removed
    upos: str


def default_corpus_src() -> Path:
    env = os.environ.get("DREMPELBANK_CORPUS_SRC")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "shared" / "corpus-src"


def read_conllu(path: Path) -> list[UdToken]:
    """Syntactic words of a CoNLL-U file (multi-word ranges and empty nodes skipped)."""
    tokens = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if "-" in cols[0] or "." in cols[0]:
            continue
        tokens.append(UdToken(cols[1], cols[2].replace("_", "").lower(), cols[3]))
    return tokens


def derive_supplement(tokens: list[UdToken], baseline: Lemmatizer) -> dict[str, list]:
    """Frequent forms whose majority gold lemma the baseline lemmatizer misses."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for tok in tokens:
        if tok.upos not in SKIP_UPOS:
            seen[tok.form.lower()][tok.lemma] += 1
    forms = {}
    for form in sorted(seen):
        (gold, count), total = seen[form].most_common(1)[0], sum(seen[form].values())
        if count >= MIN_COUNT and count / total >= MIN_SHARE and baseline.lemma(form) != gold:
            forms[form] = [gold, count]
    return forms


def gold_adjectives(tokens: list[UdToken]) -> list[str]:
    """The gold lemmas of adjectives: the words a comparative or superlative may be undone onto."""
    return sorted({tok.lemma for tok in tokens if tok.upos == "ADJ" and tok.lemma.isalpha()})


def legal_texts(src: Path) -> dict[str, str]:
    """Plain text of the legal sources, by source name."""
    avg = " ".join(
        html.parse(str(p)).getroot().text_content()
        for p in sorted((src / "eurlex-avg-nl").glob("*.html"))
    )
    bwb = " ".join(
        " ".join(el.itertext())
        for p in sorted((src / "bwb-xml-nl").glob("*.xml"))
        for el in etree.parse(str(p)).iter("al", "titel", "kop")
    )
    justel = html.parse(str(src / "justel-html-nl" / "strafwetboek_nl.html")).getroot().text_content()
    return {"eurlex-avg-nl": avg, "bwb-xml-nl": bwb, "justel-html-nl": justel}


def word_frequencies(texts: dict[str, str]) -> dict[str, int]:
    """Lowercased word counts (letters only, ≥ 4 characters, no stop words)."""
    counts: Counter = Counter()
    for text in texts.values():
        counts.update(w for w in _WORD.findall(text.lower()) if len(w) >= 4)
    return {w: n for w, n in sorted(counts.items()) if n >= MIN_LEGAL_FREQ and w not in STOP_WORDS}


def ud_lemma_parts(tokens: list[UdToken], raw_lemmas: list[str]) -> dict[str, int]:
    """Counts of gold lemmas and of their compound parts (Alpino marks them with "_")."""
    counts: Counter = Counter()
    for tok, raw in zip(tokens, raw_lemmas):
        if tok.upos in CONTENT_UPOS:
            parts = raw.lower().split("_")
            counts.update(p for p in set(parts + ["".join(parts)]) if len(p) >= 4 and p.isalpha())
    return dict(sorted(counts.items()))


def raw_lemmas(path: Path) -> list[str]:
    """Gold lemmas as written, compound marks kept, aligned with read_conllu."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line and not line.startswith("#") and "-" not in cols[0] and "." not in cols[0]:
            out.append(cols[2])
    return out


def build(src: Path, out: Path = LEXICON_DIR) -> None:
    table = lookup_table()
    sources = {}
    for name, rel in UD_FILES.items():
        tokens = read_conllu(src / rel)
        adjectives = gold_adjectives(tokens)
        baseline = Lemmatizer(table, {}, frozenset(table.values()),
                              adjectives=table_adjectives(table) | frozenset(adjectives))
        forms = derive_supplement(tokens, baseline)
        sources[name] = {"file": rel, "forms": forms, "adjectives": adjectives}
        print(f"{name}: {len(forms)} supplement forms, {len(adjectives)} adjectives")
    supplement = {
        "provenance": UD_ATTRIBUTION,
        "method": (
            f"forms (lowercased, tags other than {sorted(SKIP_UPOS)}) seen >= {MIN_COUNT} "
            f"times whose majority gold lemma (share >= {MIN_SHARE}) differs from "
            "lookup table + spelling rules; adjectives: gold lemmas tagged ADJ (a comparative or "
            "superlative ending is only undone onto an adjective); one table per treebank so each can be "
            "measured on the other"
        ),
        "sources": sources,
    }
    _write(out / "lemma_supplement.json", supplement)
    parts: Counter = Counter()
    for rel in UD_FILES.values():
        parts.update(ud_lemma_parts(read_conllu(src / rel), raw_lemmas(src / rel)))
    _write(
        out / "ud_lemma_parts.json",
        {"provenance": UD_ATTRIBUTION,
         "method": f"gold lemmas of {sorted(CONTENT_UPOS)} and their '_' parts, >= 4 letters",
         "words": dict(sorted(parts.items()))},
    )
    print(f"UD lemma parts: {len(parts)} words")
    words = word_frequencies(legal_texts(src))
    print(f"legal vocabulary: {len(words)} words")
    _write(
        out / "legal_words.json",
        {
            "provenance": (
                "word counts of corpus-src: eurlex-avg-nl (Regulation (EU) 2016/679, "
                "EUR-Lex, reuse with acknowledgement, Decision 2011/833/EU), "
                "bwb-xml-nl (Awb, Gemeentewet; Auteurswet art. 11), "
                "justel-html-nl (Strafwetboek; WER art. XI.172 §2)"
            ),
            "min_count": MIN_LEGAL_FREQ,
            "words": words,
        },
    )


def stem_classes() -> dict[str, list[str]]:
    """Snowball stem -> the index terms (stem of the lemma) of every known form with that stem, for the
    stems whose class is not just the stem itself (search/analysis.py: query_word_terms)."""
    from search.analysis import _STEM
    from search.nlp import lemma, supplement

    table = lookup_table()
    classes: dict[str, set[str]] = defaultdict(set)
    for form in sorted(set(table) | set(table.values()) | set(supplement())):
        if form.isalpha():
            classes[_STEM(form)].add(_STEM(lemma(form)))
    return {stem: sorted(terms) for stem, terms in sorted(classes.items()) if terms != {stem}}


def build_stem_classes(out: Path = LEXICON_DIR) -> None:
    classes = stem_classes()
    data = json.dumps(classes, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with gzip.GzipFile(out / "stem_classes.json.gz", "wb", mtime=0) as handle:
        handle.write(data)
    print(f"stem classes: {len(classes)} stems")


def place_names(municipalities: Path) -> list[str]:
    """The lowercased words of every municipality's name and former name (corpus/municipalities.json,
    from Statbel REFNIS): the lemmatizer's spelling rules never guess on them ("Wetteren" is no form of
    "wet", "Staden" none of "stad")."""
    words: set[str] = set()
    for municipality in json.loads(municipalities.read_text(encoding="utf-8")):
        names = [municipality["name"]] + [f["name"] for f in municipality.get("former") or [] if f.get("name")]
        for name in names:
            words.update(w.lower() for w in _WORD.findall(name))
    return sorted(words)


def build_place_names(out: Path = LEXICON_DIR) -> None:
    corpus = Path(__file__).resolve().parents[1] / "corpus" / "municipalities.json"
    words = place_names(corpus)
    _write(out / "place_names.json", {
        "provenance": "names and former names of the Flemish municipalities in corpus/municipalities.json "
                      "(Statbel REFNIS, with the mergers of 1 January 2025)",
        "method": "lowercased words of every name; the lemmatizer's spelling rules do not guess on them",
        "words": words})
    print(f"place names: {len(words)} words")


CHAMBER_TEXTS = Path(__file__).resolve().parents[1] / "corpus" / "chamber" / "dekamer-2017-leerdeel.jsonl.gz"


def build_chamber_words(out: Path = LEXICON_DIR, texts: Path = CHAMBER_TEXTS) -> None:
    """Word counts of the shipped Chamber questions and answers (the semantic model's training half): the
    compound splitter's vocabulary of everyday administrative words the laws do not use ("inspecteur")."""
    with gzip.open(texts, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    words = {w: n for w, n in word_frequencies({r["doc_id"]: f"{r['question']}\n{r.get('answer') or ''}"
                                                for r in records}).items() if n >= MIN_CHAMBER_FREQ}
    print(f"chamber vocabulary: {len(words)} words")
    _write(out / "chamber_words.json", {
        "provenance": f"word counts of corpus/chamber/{texts.name} (Chamber questions and answers 2017, CC0)",
        "min_count": MIN_CHAMBER_FREQ,
        "words": words,
    })


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["stem-classes"]:  # needs only the installed lookup table and the supplement
        build_stem_classes()
    elif sys.argv[1:] == ["place-names"]:  # needs only corpus/municipalities.json
        build_place_names()
    elif sys.argv[1:] == ["chamber-words"]:  # needs only the shipped corpus/chamber texts
        build_chamber_words()
    else:
        build(Path(sys.argv[1]) if len(sys.argv) > 1 else default_corpus_src())
        build_place_names()
        build_chamber_words()
        build_stem_classes()
