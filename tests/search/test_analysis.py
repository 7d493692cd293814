"""The Dutch analyzer (search/analysis.py), alone and inside a real Whoosh index."""
import json
import pickle
from pathlib import Path

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.qparser import QueryParser

from search.analysis import ALL_OF, MODIFIER_WEIGHT, all_of, analyze, build_analyzer
from search.whoosh.analyzer import whoosh_analyzer

THESAURUS = {
    "entries": [
        {"terms": ["AVG", "GDPR", "Algemene Verordening Gegevensbescherming"], "regulation": "AVG"},
        {"terms": ["KB", "koninklijk besluit"], "regulation": None},
    ]
}
SHIPPED_THESAURUS = Path(__file__).resolve().parents[2] / "corpus" / "thesaurus.json"


def test_stemmer_is_the_original_dutch_snowball_that_keeps_ge():
    stem = DutchStemmer().stem
    assert stem("gemeente") == "gemeent"
    assert stem("gegevens").startswith("ge")
    assert analyze("gemeente") == ["gemeent"]


@pytest.mark.parametrize(
    "text, token",
    [
        ("art. 285, §2, 3° DLB", "§2"),
        ("art. 285, § 2, 3° DLB", "§2"),
        ("art. 285, §2, 3° DLB", "3°"),
        ("art. 44 §2bis BTW-Wetboek", "§2bis"),
        ("artikel II.22 Bestuursdecreet", "ii.22"),
        ("art. 6.1.e AVG", "6.1.e"),
        ("Verordening (EU) 2016/679", "2016/679"),
        ("aanmelden met e-ID", "e-id"),
        ("lid 1, onder e)", "1"),
    ],
)
def test_legal_tokens_survive_whole(text, token):
    assert token in analyze(text)


def test_dotted_words_without_digits_are_split():
    assert analyze("en/of bekendmaking") == analyze("bekendmaking")


@pytest.mark.parametrize(
    "a, b",
    [
        ("gemeente", "gemeenten"),
        ("vergunning", "vergunningen"),
        ("kind", "kinderen"),
        ("groot", "grote"),
        ("ondertekend", "ondertekenen"),
        ("ondertekend", "ondertekening"),
    ],
)
def test_inflections_share_one_term(a, b):
    assert analyze(a, mode="query")[0] == analyze(b, mode="query")[0]


def test_a_query_compound_the_lexicon_does_not_split_is_split_into_two_known_words():
    assert analyze("griepkosten", mode="query") == ["griepkost", f"griep{ALL_OF}kost"]
    assert len(analyze("gemeente", mode="query")) == 1  # a known word stays whole


@pytest.mark.parametrize(
    "query, written",
    [
        # The lookup table lemmatizes "dove" (doof) but not "doven", "afgeschaft" but not "afgeschafte".
        ("dove", "doven"),
        ("dove", "doof"),
        ("doven", "dove"),
        ("afgeschafte", "afgeschaft"),
        # ... and the other way round: a form the table does not know is indexed under its own stem.
        ("afgeschaft", "afgeschafte"),
        ("gedetineerde", "gedetineerden"),
        ("erkend", "erkende"),
    ],
)
def test_a_query_word_finds_the_forms_of_its_stem_the_lemmas_split(query, written):
    assert analyze(written)[0] in analyze(query, mode="query")


@pytest.mark.parametrize("plural, singular", [("kmo's", "kmo"), ("risico's", "risico"), ("OCMW’s", "OCMW"),
                                              ("bewakingscamera's", "bewakingscamera")])
def test_a_plural_with_an_apostrophe_is_its_word(plural, singular):
    assert analyze(plural) == analyze(singular)
    assert analyze(plural, mode="query") == analyze(singular, mode="query")


def test_a_compound_modifier_counts_less_than_a_written_word_and_its_head_whole():
    analysis = build_analyzer()
    (ambulances,) = analysis.units("ziekenwagens")
    assert "ziek" in ambulances.extras and ambulances.weight("ziek") == MODIFIER_WEIGHT < 1
    assert ambulances.weight("wag") == ambulances.weight("ziekenwag") == 1
    (sick,) = analysis.units("zieken")
    assert sick.term == "ziek" and sick.weight("ziek") == 1
    (province,) = analysis.units("Vlaams-Brabant")
    assert province.weight("brabant") == 1 and all(province.weight(t) < 1 for t in province.extras if t != "brabant")
    # A query has no weights: every alternative of a word is searched alike.
    assert all(not u.modifiers for u in analysis.units("ziekenwagens Vlaams-Brabant", mode="query"))


@pytest.mark.parametrize("written, abbreviation", [("NMR-scanners", "nmr"), ("CCS-technologie", "ccs"),
                                                   ("MiFID-gedragsregels", "mifid"), ("LPG-gas", "lpg")])
def test_an_abbreviation_before_a_hyphen_is_indexed_as_the_word_written_alone(written, abbreviation):
    analysis = build_analyzer()
    (word,) = analysis.units(written)
    (alone,) = analysis.units(abbreviation.upper())
    (head,) = analysis.units(written.rsplit("-", 1)[1])
    assert {alone.term, head.term} <= set(word.extras) and word.weight(alone.term) == word.weight(head.term) == 1


@pytest.mark.parametrize("written", ["nmr-scanners", "tax-on-web", "ho-student", "e-ID", "Vlaams-Brabant"])
def test_a_hyphen_part_without_capitals_keeps_the_part_rules(written):
    # Only an author's capitals make a short part a word of its own; the others are left as before.
    analysis = build_analyzer()
    (word,) = analysis.units(written)
    assert not any(len(t) < 4 for t in word.extras)


def test_not_conflated_stays_apart():
    # Lemma and stem do not join a verb with an unrelated noun of like spelling.
    assert analyze("bestuur", mode="query") != analyze("stuur", mode="query")
    assert analyze("gemeente", mode="query") != analyze("meen", mode="query")


@pytest.mark.parametrize("word, other", [("gebruiker", "gebruik"), ("taser", "tas"), ("derden", "deren")])
def test_a_guessed_lemma_never_joins_an_agent_noun_or_a_plural_with_another_word(word, other):
    """The spelling rules took "gebruiker" for a comparative of "gebruik" and "derden" for a past of "deren":
    a search for "gebruik" found every record about users."""
    assert analyze(word)[0] != analyze(other)[0]


@pytest.mark.parametrize("singular, plural", [("gebruiker", "gebruikers"), ("taser", "tasers")])
def test_an_agent_noun_and_its_plural_share_one_term(singular, plural):
    assert analyze(singular)[0] == analyze(plural)[0]
    assert analyze(plural)[0] in analyze(singular, mode="query")


def test_stop_words_drop_but_legal_content_words_stay():
    assert analyze("de gemeente heeft geen digitale handtekening", mode="query") == analyze(
        "gemeente digitale handtekening", mode="query"
    )
    assert analyze("gegeven", mode="query")


def test_compound_parts_are_indexed_and_queried_all_together():
    indexed = analyze("omgevingsvergunning")
    assert analyze("vergunning", mode="query")[0] in indexed
    # The query keeps the compound whole, or all its parts together ("vergunning voor de omgeving").
    assert analyze("omgevingsvergunning", mode="query") == [indexed[0], f"omgev{ALL_OF}vergunn"]
    assert all_of(analyze("omgevingsvergunning", mode="query")[1]) == indexed[1:]
    assert analyze("omgevingsvergunning", compounds=False) == indexed[:1]


def test_thesaurus_maps_abbreviations_and_phrases_to_one_term():
    analyzer = build_analyzer(THESAURUS)
    assert analyzer.terms("GDPR", mode="query") == ["avg"]
    assert analyzer.terms("de algemene verordening gegevensbescherming", mode="query") == ["avg"]
    assert "avg" in analyzer.terms("de Algemene Verordeningen Gegevensbescherming")
    assert "verorden" in analyzer.terms("de Algemene Verordening Gegevensbescherming")
    assert analyzer.terms("Koninklijk Besluit", mode="query") == ["kb"]


def test_an_inflected_compound_the_lemma_data_does_not_know_is_its_thesaurus_term():
    # "studiebewijzen" stems to "studiebewijz", not "studiebewijs": matched by its parts, the head lemmatised.
    analyzer = build_analyzer({"entries": [{"terms": ["diploma", "studiebewijs"]}]})
    assert analyzer.terms("studiebewijzen", mode="query") == ["diploma"]
    assert analyzer.terms("studiebewijs", mode="query") == ["diploma"]
    assert "diploma" in analyzer.terms("Kandidaten tonen hun studiebewijzen aan de balie")
    assert analyzer.thesaurus_synonyms("studiebewijzen") == ("diploma", "studiebewijs")
    # another compound with the same head is not the term
    assert "diploma" not in analyzer.terms("rijbewijzen", mode="query")


def test_whoosh_tokens_carry_positions_and_offsets():
    analyzer = whoosh_analyzer(THESAURUS)
    text = "De persoonsgegevens onder de GDPR"
    tokens = [(t.text, t.pos, text[t.startchar : t.endchar]) for t in analyzer(text, positions=True, chars=True, mode="index")]
    assert ("avg", 1, "GDPR") in tokens
    assert ("gegev", 0, "persoonsgegevens") in tokens


@pytest.mark.parametrize("make", [build_analyzer, whoosh_analyzer])
def test_analyzer_pickles_as_a_whoosh_schema_must(make):
    analyzer = make(THESAURUS)
    copy = pickle.loads(pickle.dumps(analyzer))
    assert copy == analyzer
    assert copy.terms("GDPR") == analyzer.terms("GDPR")


DOCS = {
    "gdpr": "Verwerking van persoonsgegevens onder de GDPR.",
    "avg": "Rechtsgrond volgens art. 6.1.e AVG.",
    "voluit": "De Algemene Verordening Gegevensbescherming vraagt een grondslag.",
    "omgeving": "De omgevingsvergunningsaanvraag vergt een handtekening.",
    "rijks": "Het rijksregisternummer staat op de kaart.",
    "paragraaf": "Bekendmaking volgens art. 285, § 2, 3° DLB.",
}


@pytest.fixture()
def searcher(tmp_path):
    body = TEXT(analyzer=whoosh_analyzer(THESAURUS))
    # A query word's terms at one position are alternatives (search/whoosh/query.py reads them so).
    body.multitoken_query = "or"
    schema = Schema(key=ID(stored=True), body=body)
    ix = index.create_in(tmp_path, schema)
    with ix.writer() as writer:
        for key, body in DOCS.items():
            writer.add_document(key=key, body=body)
    ix = index.open_dir(tmp_path)  # reloads the pickled analyzer from disk
    with ix.searcher() as s:
        yield lambda q: {hit["key"] for hit in s.search(QueryParser("body", ix.schema).parse(q), limit=None)}


@pytest.mark.parametrize("query", ["AVG", "GDPR", '"algemene verordening gegevensbescherming"'])
def test_thesaurus_expansion_is_symmetric_in_an_index(searcher, query):
    # Whoosh's parser analyzes unquoted words one by one, so a multi-word
    # synonym is matched when quoted or when the whole text is analyzed at once.
    assert {"gdpr", "avg", "voluit"} <= searcher(query)


def test_whole_query_analysis_matches_multi_word_synonyms(searcher):
    terms = build_analyzer(THESAURUS).terms("Algemene Verordening Gegevensbescherming", mode="query")
    assert {"gdpr", "avg", "voluit"} <= searcher(" AND ".join(terms))


@pytest.mark.parametrize(
    "query, key",
    [
        ("vergunning", "omgeving"),
        ("aanvraag", "omgeving"),
        ("omgevingsvergunning", "omgeving"),
        ("rijksregister", "rijks"),
        ("handtekeningen", "omgeving"),
        ("§2", "paragraaf"),
        ("3°", "paragraaf"),
        ("6.1.e", "avg"),
        ("bekendmakingen", "paragraaf"),
    ],
)
def test_index_finds_parts_inflections_and_legal_tokens(searcher, query, key):
    assert key in searcher(query)


def test_index_does_not_flood(searcher):
    assert searcher("meen") == set()
    assert searcher("register") == {"rijks"}
    assert "omgeving" not in searcher("kaart")


@pytest.mark.skipif(not SHIPPED_THESAURUS.exists(), reason="corpus/thesaurus.json not written yet")
def test_shipped_thesaurus_loads_and_expands():
    analyzer = build_analyzer(json.loads(SHIPPED_THESAURUS.read_text(encoding="utf-8")))
    assert analyzer.thesaurus.keys
    assert analyzer.terms("GDPR", mode="query") == analyzer.terms("AVG", mode="query")


@pytest.mark.parametrize("short, written_out", [
    ("GAS", "gemeentelijke administratieve sancties"), ("FG", "functionaris voor gegevensbescherming"),
    ("DPIA", "gegevensbeschermingseffectbeoordeling"), ("CBS", "college van burgemeester en schepenen"),
    ("AGB", "autonoom gemeentebedrijf"), ("KBV", "Kruispuntbank van de Voertuigen"),
])
def test_the_shipped_thesaurus_knows_abbreviations_of_local_government(short, written_out):
    analyzer = build_analyzer(json.loads(SHIPPED_THESAURUS.read_text(encoding="utf-8")))
    assert analyzer.terms(short, mode="query") == analyzer.terms(written_out, mode="query")


def test_the_c_stemmer_is_in_use_and_stems_as_the_pure_python_one():
    """PyStemmer (pinned) is what snowballstemmer hands out, ~25x faster; its stems must be the
    pure-Python algorithm's, or indexes built before would no longer match their queries."""
    import random

    import Stemmer
    from snowballstemmer.dutch_porter_stemmer import DutchPorterStemmer
    from snowballstemmer.dutch_stemmer import DutchStemmer as DutchStemmer2023

    from search.analysis import snowball, tokenize

    assert isinstance(snowball("dutch_porter"), Stemmer.Stemmer)
    demo = Path(__file__).resolve().parents[2] / "corpus" / "demo" / "barriers.jsonl"
    words = sorted({t for line in demo.read_text(encoding="utf-8").splitlines() for t, _s, _e in tokenize(line)
                    if t.isalpha()})
    words = random.Random(3).sample(words, min(3000, len(words)))
    for algorithm, pure in (("dutch_porter", DutchPorterStemmer()), ("dutch", DutchStemmer2023())):
        assert snowball(algorithm).stemWords(words) == [pure.stemWord(w) for w in words]


def _marked_by_units(analysis, text, terms):
    return [(u.start, u.end, hit) for u in analysis.units(text)
            if (hit := next((t for t in (u.term, *u.extras) if t in terms), None))]


def test_marked_words_are_what_the_whole_analysis_marks():
    """Snippets mark words through a per-word shortcut; it must mark exactly what the index analysis
    marks: lemmas, compound parts, dotted legal numbers, stop words left out, thesaurus terms."""
    import random

    analysis = build_analyzer(json.loads(SHIPPED_THESAURUS.read_text(encoding="utf-8")))
    demo = Path(__file__).resolve().parents[2] / "corpus" / "demo" / "barriers.jsonl"
    texts = [" ".join(str(v) for v in json.loads(line).values() if isinstance(v, str))
             for line in demo.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts.append("Art. 285, § 2, 3° DLB en/of de GDPR: e-ID-kaartlezers, a.s. het Decreet Lokaal Bestuur.")
    rng = random.Random(7)
    canonicals = sorted(analysis.thesaurus.canonical_terms)
    for text in texts:
        vocabulary = sorted(set(analysis.terms(text)))
        for _ in range(5):
            terms = set(rng.sample(vocabulary, min(6, len(vocabulary))))
            assert analysis.marked_words(text, terms) == _marked_by_units(analysis, text, terms)
            with_thesaurus = terms | set(rng.sample(canonicals, 2))
            assert analysis.marked_words(text, with_thesaurus) == _marked_by_units(analysis, text, with_thesaurus)
    assert analysis.marked_words(texts[-1], {"dlb"})  # the thesaurus path marks the phrase's first word


def test_warming_analyses_each_distinct_written_word_once_and_stops_at_the_cache_size(monkeypatch):
    """`serve` warms the per-word analysis with the indexed records' words; the words must be the ones
    snippets look up, and never more than the cache keeps."""
    import search.analysis as analysis_module

    analysis = build_analyzer()
    texts = ["Het loket vraagt een handtekening.", "Het loket, de e-ID en art. 285 DLB.", "loket loket"]
    analysis_module.written_terms.cache_clear()
    assert analysis.warm(texts) == 11
    info = analysis_module.written_terms.cache_info()
    assert (info.currsize, info.misses, info.hits) == (11, 11, 0)
    analysis.marked_words(texts[1], {"loket"})
    assert analysis_module.written_terms.cache_info().misses == 11  # every word of the text was warm
    monkeypatch.setattr(analysis_module, "WORDS_KEPT", 3)
    assert analysis.warm(texts) == 3


def test_analyzers_with_the_same_thesaurus_share_one_reading_of_it():
    """Each Whoosh searcher unpickles its own analyzer: the thesaurus must not be built again for each."""
    first = pickle.loads(pickle.dumps(build_analyzer(THESAURUS)))
    second = pickle.loads(pickle.dumps(build_analyzer(THESAURUS)))
    other = build_analyzer({"entries": [{"terms": ["OCMW", "openbaar centrum voor maatschappelijk welzijn"]}]})
    assert first.thesaurus is second.thesaurus
    assert other.thesaurus is not first.thesaurus
    assert first.terms("GDPR", mode="query") == first.terms("AVG", mode="query")
    assert other.terms("OCMW", mode="query") == other.terms("openbaar centrum voor maatschappelijk welzijn", mode="query")


def test_query_words_spelling_a_thesaurus_term_of_several_words_are_joined():
    analysis = build_analyzer({"entries": [{"terms": ["OCMW", "openbaar centrum voor maatschappelijk welzijn"]},
                                           {"terms": ["SDG", "Single Digital Gateway"]}]})
    assert analysis.thesaurus_words("het openbaar centrum voor maatschappelijk welzijn vraagt".split()) == [
        "het", "openbaar centrum voor maatschappelijk welzijn", "vraagt"]
    assert analysis.thesaurus_words(["Single", "Digital", "Gateway"]) == ["Single Digital Gateway"]
    # One-word terms are the word's own analysis already; a partial run is left as it is.
    assert analysis.thesaurus_words(["OCMW", "attest"]) == ["OCMW", "attest"]
    assert analysis.thesaurus_words(["openbaar", "centrum"]) == ["openbaar", "centrum"]
