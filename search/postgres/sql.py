"""Build the PostgreSQL search table rows and WHERE clauses, without running them.

Text is analysed in Python by search.analysis (never by PostgreSQL's own
dictionaries, which would give other terms than the Whoosh backend), and the
terms are written as tsvector/tsquery literals with positions, so phrases
work and both backends match the same words.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable

from search.analysis import MODIFIER_WEIGHT, all_of
from search.backend import FACET_FIELDS, TITLE_WEIGHT
from search.documents import SearchDocument
from search.facet_words import ranks_only
from search.opening import COORD_POWER
from search.query import SearchQuery, law_of

# PostgreSQL clamps positions to 16383 and keeps 256 per lexeme.
MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 256
MAX_LEXEME_BYTES = 2046
# A compound's modifier counts MODIFIER_WEIGHT of a word as a term frequency. ts_rank adds occurrence
# weights linearly where Whoosh's BM25 saturates, so one modifier occurrence scores what it scores there
# against a written word (k1 1.2, a record of average length): w (1 + k1) / (w + k1), 0.65 at w 0.5.
# bench/bench_quality.py --postgres, nDCG@10 of drempelbank-pg before the modifier weight -> with MODIFIER_WEIGHT
# itself (0.5) -> with this: own-demo 0.836 -> 0.827 -> 0.838, legal-qa-dev 0.748 -> 0.757 -> 0.763.
_BM25_K1 = 1.2
MODIFIER_RANK = MODIFIER_WEIGHT * (1 + _BM25_K1) / (MODIFIER_WEIGHT + _BM25_K1)
# ts_rank weights {D, C, B, A}: title terms are written at A, body terms at B, and the title counts
# TITLE_WEIGHT times the body as in Whoosh (PostgreSQL refuses weights above 1, so A is 1); a compound's
# modifier is written at C in the title and D in the body and counts MODIFIER_RANK of a word there.
RANK_WEIGHTS = f"{{{MODIFIER_RANK / TITLE_WEIGHT:.3g}, {MODIFIER_RANK:.3g}, {1.0 / TITLE_WEIGHT:g}, 1.0}}"
# The label of a word's own terms and of its compound modifiers, in the title and in the body.
_LABELS = {"title": ("A", "C"), "body": ("B", "D")}
# Added to the text rank when a word equals a code or a citation matches,
# so an exact reference wins over words in running text.
CODE_BONUS = 1.0
# ts_rank normalisation 1: divide by 1 + log(document length), so a word in a
# short record outranks the same word in a long one, as BM25 does in Whoosh.
RANK_NORMALIZATION = 1
REF_BONUS = 1.0
# A citation bonus falls with the number of refs a record holds, as the term of Whoosh's scored refs field does
# under BM25 (b 0.75): the record that cites the article alone ranks above one citing it among many (before,
# such records tied and stood in code order). REF_BONUS is what a record holding REF_LENGTH refs gets.
# own-demo (tune) 0.9121 -> 0.9141, as on Whoosh ("GDPR" 0.796 -> 0.937, "artikel 286 van het decreet over het
# lokaal bestuur" 1.0 -> 0.951); own-barriers-tune 0.755 -> 0.758; legal-qa-dev equal.
_BM25_B = 0.75
REF_LENGTH = 4
# Added when a record cites another article of a cited regulation: a fifth of REF_BONUS, as on Whoosh.
LAW_REF_BONUS = 0.2
# Added per query word whose named facet value the record holds (search/facet_words.py). Measured on
# bench/eval/facet_queries.jsonl, tune part (nDCG@10): 0.898 (matched, no bonus), 0.895 (0.01), 0.888 (0.02),
# 0.885 (0.03), 0.817 (0.1), 0.747 (0.8); the smallest positive bonus on that plateau, so that a named
# facet also orders records as it does on Whoosh (FACET_BOOST).
FACET_BONUS = 0.01
# Short enough that rebuild names ("<table>_r<8 hex>_words_trgm_idx") stay under 63 bytes.
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,29}$")
_WORD = re.compile(r"\w+(?:\.?\w+)*")

# filter name -> key prefix in the `keys` array
FILTER_KEYS = ("type", "status", "kind", "werf", "level", "theme",
               "regulation", "project", "municipality", "province", "tag", "ref")
_SCALAR_KEYS = {"type": "type", "status": "status", "kind": "kind", "werf": "werf",
                "level": "level", "theme": "theme"}
_LIST_KEYS = {"regulation": "regulations", "project": "projects",
              "municipality": "municipalities", "province": "provinces", "tag": "tags", "ref": "refs"}


def check_table_name(name: str) -> str:
    """Table names end up in SQL text, so only plain lower-case identifiers pass."""
    if not _TABLE_NAME.match(name or ""):
        raise ValueError(f"ongeldige tabelnaam voor de zoekindex: {name!r}")
    return name


def table_ddl(table: str) -> list[str]:
    """CREATE statements of the document table and its two statistics tables."""
    return [
        f"""CREATE TABLE IF NOT EXISTS {table} (
            id text PRIMARY KEY,
            type text NOT NULL,
            code text NOT NULL DEFAULT '',
            title text NOT NULL DEFAULT '',
            body text NOT NULL DEFAULT '',
            tsv tsvector NOT NULL,
            lengths integer[] NOT NULL DEFAULT '{{0,0}}',
            keys text[] NOT NULL DEFAULT '{{}}',
            facets text[] NOT NULL DEFAULT '{{}}',
            year integer,
            severity integer,
            updated timestamp,
            display jsonb NOT NULL DEFAULT '{{}}',
            words text[] NOT NULL DEFAULT '{{}}',
            stat_terms text[] NOT NULL DEFAULT '{{}}',
            public boolean NOT NULL DEFAULT false,
            public_words text[] NOT NULL DEFAULT '{{}}'
        )""",
        *upgrade_ddl(table),
        # Surface words and their document counts: the "bedoelde u …?" vocabulary.
        f"CREATE TABLE IF NOT EXISTS {table}_words (word text PRIMARY KEY, docs integer NOT NULL)",
        # The same for public records only: what an anonymous visitor may be offered.
        f"CREATE TABLE IF NOT EXISTS {table}_pub_words (word text PRIMARY KEY, docs integer NOT NULL)",
        # Analysed terms and document frequencies (title and body counted apart, as Whoosh does).
        f"CREATE TABLE IF NOT EXISTS {table}_terms (term text PRIMARY KEY, df integer NOT NULL)",
        # Which record holds which term (the lexemes of its tsv), with what similar records filter on:
        # candidates are picked from these narrow rows instead of unpacking the tsv of every record
        # sharing a term (search.postgres.similar). Kept in step on every write (search.postgres.postings).
        f"CREATE TABLE IF NOT EXISTS {table}_postings (term text COLLATE \"C\" NOT NULL, id text NOT NULL, "
        f"type text NOT NULL, public boolean NOT NULL)",
    ]


# Columns added after the first release: a table without them is upgraded (upgrade_ddl) and stale.
ADDED_COLUMNS = ("public", "lengths")


def upgrade_ddl(table: str) -> list[str]:
    """Columns added after the first release, for a table created before them (idempotent). Rows
    already there stay not public and without field lengths until the index is rebuilt (the backend
    then reports itself stale)."""
    return [f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS public boolean NOT NULL DEFAULT false",
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS public_words text[] NOT NULL DEFAULT '{{}}'",
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS lengths integer[] NOT NULL DEFAULT '{{0,0}}'"]


def index_ddl(table: str, *, trigram: bool) -> list[str]:
    statements = [
        f"CREATE INDEX IF NOT EXISTS {table}_tsv_idx ON {table} USING gin (tsv)",
        f"CREATE INDEX IF NOT EXISTS {table}_keys_idx ON {table} USING gin (keys)",
        # (term, id) finds a term's records and a record's rows to delete; INCLUDE lets the candidate
        # query read the filters from the index alone.
        f"CREATE INDEX IF NOT EXISTS {table}_postings_idx ON {table}_postings (term, id) INCLUDE (type, public)",
    ]
    if trigram:
        statements += [f"CREATE INDEX IF NOT EXISTS {table}{suffix}_trgm_idx ON {table}{suffix} "
                       f"USING gin (word gin_trgm_ops)" for suffix in ("_words", "_pub_words")]
    return statements


# -- documents -> rows ----------------------------------------------------------


def quote_lexeme(term: str) -> str:
    """A lexeme as a tsvector/tsquery literal: quoted, with ' and \\ escaped."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def usable(term: str) -> bool:
    return bool(term) and len(term.encode("utf-8")) <= MAX_LEXEME_BYTES


def unit_terms(unit) -> list[str]:
    return [t for t in (unit.term, *unit.extras) if usable(t)]


def tsvector_positions(title_units: list, body_units: list) -> dict[str, list[str]]:
    """Each term's labelled positions: title terms at weight A, body terms at B (a compound's modifier
    at C and D), extras sharing their word's position.

    The body starts two positions after the title so a phrase never spans both.
    """
    positions: dict[str, list[str]] = {}
    body_start = len(title_units) + 2
    for units, start, (word_label, modifier_label) in ((title_units, 1, _LABELS["title"]),
                                                       (body_units, body_start, _LABELS["body"])):
        for offset, unit in enumerate(units):
            pos = min(start + offset, MAX_POSITION)
            for term in unit_terms(unit):
                slots = positions.setdefault(term, [])
                label = f"{pos}{modifier_label if term in unit.modifiers else word_label}"
                if len(slots) < MAX_POSITIONS_PER_TERM and label not in slots:
                    slots.append(label)
    return positions


def build_tsvector(title_units: list, body_units: list) -> str:
    """tsvector literal of the terms' positions (tsvector_positions)."""
    return tsvector_literal(tsvector_positions(title_units, body_units))


def tsvector_literal(positions: dict[str, list[str]]) -> str:
    return " ".join(f"{quote_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


def field_lengths(positions: dict[str, list[str]]) -> list[int]:
    """[title, body]: how many positions the tsvector holds in each field, BM25's field lengths
    (search.postgres.backend), stored with the row so a search does not unpack the tsvector for them."""
    title_labels = set(_LABELS["title"])
    title = sum(1 for slots in positions.values() for label in slots if label[-1] in title_labels)
    return [title, sum(len(slots) for slots in positions.values()) - title]


def surface_words(text: str) -> list[str]:
    """Distinct lower-cased alphabetic words: what a misspelling is corrected to."""
    return sorted({w for w in _WORD.findall(text.lower()) if w.isalpha() and usable(w)})


def facet_entries(doc: SearchDocument) -> list[str]:
    """'name=value' per facet value, original case, as counted in results."""
    out = []
    for name in FACET_FIELDS:
        attr = _LIST_KEYS.get(name, name)
        value = getattr(doc, attr, None)
        for single in value if isinstance(value, list) else [value]:
            if single not in (None, ""):
                out.append(f"{name}={single}")
    return out


def filter_keys(doc: SearchDocument) -> list[str]:
    """Lower-cased 'name=value' keys for exact filters, citations and codes."""
    keys = {f"code={part}" for part in (doc.code or "").lower().split()}
    for name, attr in _SCALAR_KEYS.items():
        value = getattr(doc, attr)
        if value not in (None, ""):
            keys.add(f"{name}={str(value).strip().lower()}")
    for name, attr in _LIST_KEYS.items():
        keys.update(f"{name}={str(v).strip().lower()}" for v in getattr(doc, attr) if str(v).strip())
    return sorted(keys)


def _clean(value: str | None) -> str:
    # PostgreSQL text cannot hold NUL.
    return (value or "").replace("\x00", "")


def build_row(doc: SearchDocument, analyzer) -> dict[str, Any]:
    """The column values of one document (bind parameters of the INSERT)."""
    title, body = _clean(doc.title), _clean(doc.body)
    title_units = analyzer.units(title)
    body_units = analyzer.units(body)
    title_terms = {t for u in title_units for t in unit_terms(u)}
    body_terms = {t for u in body_units for t in unit_terms(u)}
    display = json.dumps(doc.display_fields(), ensure_ascii=False, default=str).replace("\\u0000", "")
    words = surface_words(f"{title}\n{body}")
    positions = tsvector_positions(title_units, body_units)
    return {
        "id": _clean(doc.id), "type": doc.type, "code": _clean(doc.code),
        "title": title, "body": body,
        "tsv": tsvector_literal(positions),
        "lengths": field_lengths(positions),
        "keys": [_clean(k) for k in filter_keys(doc)],
        "facets": [_clean(f) for f in facet_entries(doc)],
        "year": doc.year, "severity": doc.severity, "updated": doc.updated,
        "display": display,
        "words": words,
        "stat_terms": sorted(title_terms) + sorted(body_terms),
        "public": bool(doc.public),
        "public_words": words if doc.public else [],
    }


ROW_COLUMNS = ("id", "type", "code", "title", "body", "tsv", "lengths", "keys", "facets", "year",
               "severity", "updated", "display", "words", "stat_terms", "public", "public_words")


def insert_sql(table: str) -> str:
    values = ", ".join(
        f"CAST(:{c} AS tsvector)" if c == "tsv" else f"CAST(:{c} AS jsonb)" if c == "display" else f":{c}"
        for c in ROW_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in ROW_COLUMNS if c != "id")
    return (f"INSERT INTO {table} ({', '.join(ROW_COLUMNS)}) VALUES ({values}) "
            f"ON CONFLICT (id) DO UPDATE SET {updates}")


def stat_deltas(added: Iterable[list[str]], removed: Iterable[list[str]]) -> Counter:
    """Per word/term: documents gained minus documents lost."""
    delta: Counter = Counter()
    for items in added:
        delta.update(items)
    for items in removed:
        delta.subtract(items)
    return delta


# -- queries -> WHERE ------------------------------------------------------------


@dataclass
class Plan:
    """A WHERE clause with its parameters and the rank expression; sql None = nothing to search."""

    where: str | None
    params: dict[str, Any] = field(default_factory=dict)
    rank: str = "0"
    text_clauses: int = 0
    # Query terms as the index sees them, for marking snippets.
    marks: set[str] = field(default_factory=set)
    # The rank's parts: text (ts_rank), code and citation bonuses, facet bonuses, the coordination factor;
    # and per text clause its alternatives (each the lexemes it requires together), for BM25 on the pool.
    text_rank: str = "0"
    bonus: str = "0"
    facet: str = "0"
    factor: str = "1"
    alternatives: list = field(default_factory=list)


class _Params:
    def __init__(self, prefix: str = "p"):
        self.values: dict[str, Any] = {}
        self.prefix = prefix

    def add(self, value: Any) -> str:
        name = f"{self.prefix}{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _groups(analyzer, text: str) -> list[list[str]]:
    """Query-mode terms per position (a thesaurus entry may give alternatives)."""
    groups = []
    for unit in analyzer.units(text, mode="query"):
        alts = list(dict.fromkeys(unit_terms(unit)))
        if alts:
            groups.append(alts)
    return groups


def tsquery_text(groups: list[list[str]], *, first_only: bool = False) -> str:
    """Adjacent positions joined by <->, alternatives by |."""
    parts = []
    for alts in groups:
        alts = alts[:1] if first_only else alts
        quoted = [_alternative(a) for a in alts]
        parts.append(quoted[0] if len(quoted) == 1 else "(" + " | ".join(quoted) + ")")
    return " <-> ".join(parts)


def _alternative(term: str) -> str:
    """A lexeme, or the lexemes an alternative requires together (a compound's parts), bracketed."""
    terms = all_of(term)
    return quote_lexeme(term) if len(terms) == 1 else "(" + " & ".join(quote_lexeme(t) for t in terms) + ")"


def facet_keys(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The filter keys of the facet values a query word names (search/facet_words.py)."""
    return [f"{name}={value.strip().lower()}" for name, value in pairs if name in FILTER_KEYS]


def _word_clause(word: str, analyzer, p: _Params, ranks: list[str], marks: set[str],
                 facets: list[str] = (), alternatives: list | None = None) -> str | None:
    alternatives = [] if alternatives is None else alternatives
    groups = _groups(analyzer, word)
    if not groups:  # a stop word, also inside a named phrase ("in uitvoering")
        return None
    query = tsquery_text(groups)
    ranks.append(query)
    alternatives.append([tuple(all_of(a)) for g in groups for a in g])
    marks.update(t for g in groups for a in g for t in all_of(a))
    keys = ["code=" + word.lower(), *facets]
    return f"(tsv @@ CAST({p.add(query)} AS tsquery) OR keys && CAST({p.add(keys)} AS text[]))"


def _phrase_clause(phrase: str, analyzer, p: _Params, ranks: list[str], marks: set[str],
                   alternatives: list | None = None) -> str | None:
    alternatives = [] if alternatives is None else alternatives
    groups = _groups(analyzer, phrase)
    if len(groups) <= 1:
        return _word_clause(phrase, analyzer, p, ranks, marks, alternatives=alternatives)
    query = tsquery_text(groups, first_only=True)
    ranks.append(query)
    alternatives.append([tuple(all_of(g[0])) for g in groups])
    marks.update(g[0] for g in groups)
    return f"tsv @@ CAST({p.add(query)} AS tsquery)"


def _filter_clauses(filters: dict[str, list[str]], types: Iterable[str] | None, p: _Params,
                    public_only: bool = False) -> list[str]:
    clauses = []
    for name, values in filters.items():
        if name == "year":
            ranges = []
            for value in values:
                start, _, end = value.partition("-")
                ranges.append(f"year BETWEEN {p.add(int(start))} AND {p.add(int(end or start))}")
            clauses.append("(" + " OR ".join(ranges) + ")")
        elif name in FILTER_KEYS:
            keys = [f"{name}={v.strip().lower()}" for v in values]
            clauses.append(f"keys && CAST({p.add(keys)} AS text[])")
    if types:
        clauses.append(f"keys && CAST({p.add([f'type={t}' for t in types])} AS text[])")
    if public_only:
        clauses.append("public")
    return clauses


def build_plan(sq: SearchQuery, analyzer, *, types: Iterable[str] | None = None,
               any_terms: bool | None = None, coord: bool = False) -> Plan:
    """Translate a neutral SearchQuery into a WHERE clause and a rank expression."""
    p, ranks, marks, alternatives = _Params(), [], set(), []
    facets = {t: facet_keys(sq.facets.get(t.casefold(), ())) for t in sq.terms}
    clauses = [c for c in (_word_clause(t, analyzer, p, ranks, marks, facets[t], alternatives) for t in sq.terms)
               if c]
    others = [c for c in (_phrase_clause(x, analyzer, p, ranks, marks, alternatives) for x in sq.phrases) if c]
    ref_keys = [f"ref={r.lower()}" for r in sq.refs]
    law_keys = [f"ref={law.lower()}" for r in sq.refs if (law := law_of(r))]
    for ref in sq.refs:  # a cited article, or another article of its regulation (ranked LAW_REF_BONUS)
        keys = [f"ref={ref.lower()}"] + ([f"ref={law.lower()}"] if (law := law_of(ref)) else [])
        others.append(f"keys && CAST({p.add(keys)} AS text[])")
    clauses += others
    filters = _filter_clauses(sq.filters, types, p, sq.public_only)
    use_or = sq.any_terms if any_terms is None else any_terms
    if clauses and ranks_only(sq, use_or, lambda t: bool(_groups(analyzer, t))):
        # each word as it matches without the facet values it names, which only rank (facet in the rank)
        found = [c for c in (_word_clause(t, analyzer, p, [], set()) for t in sq.terms) if c]
        text_sql = "(" + " OR ".join(found + others) + ")"
    elif clauses:
        text_sql = "(" + (" OR " if use_or else " AND ").join(clauses) + ")"
    elif sq.filters and not sq.has_text:
        text_sql = "TRUE"
    else:
        return Plan(None)
    negatives = [c for c in (_phrase_clause(x, analyzer, p, [], set()) for x in sq.excluded) if c]
    where = " AND ".join([text_sql, *filters, *(f"NOT {n}" for n in negatives)])
    text_rank, bonus, facet = _rank_parts(p, ranks, [w.lower() for w in sq.terms], ref_keys,
                                          [f for f in facets.values() if f], law_keys)
    factor = "1"
    if coord and len(clauses) > 1:
        # Soft ranking (search/opening.py): times the share of the clauses the record holds.
        held = " + ".join(f"({c})::int" for c in clauses)
        factor = f"power(({held})::float8 / {len(clauses)}, {float(COORD_POWER)})"
    rank = " + ".join(x for x in (text_rank, bonus, facet) if x != "0") or "0"
    if factor != "1":
        rank = f"({rank}) * {factor}"
    return Plan(where, p.values, rank, len(clauses), marks, text_rank=text_rank, bonus=bonus, facet=facet,
                factor=factor, alternatives=alternatives)


def _rank_parts(p: _Params, ranks: list[str], words: list[str], ref_keys: list[str],
                facets: list[list[str]] = (), law_keys: list[str] = ()) -> tuple[str, str, str]:
    """(text rank, code and citation bonuses, facet bonuses) as SQL expressions ("0" for none)."""
    text_rank = "0"
    if ranks:
        query = " | ".join(f"({r})" for r in ranks)
        text_rank = f"ts_rank('{RANK_WEIGHTS}', tsv, CAST({p.add(query)} AS tsquery), {RANK_NORMALIZATION})"
    parts = []
    if words:
        parts.append(f"{CODE_BONUS} * (keys && CAST({p.add(['code=' + w for w in words])} AS text[]))::int")
    if ref_keys:
        parts.append(f"{REF_BONUS} * (keys && CAST({p.add(ref_keys)} AS text[]))::int * {_REF_SATURATION}")
    if law_keys:
        parts.append(f"{LAW_REF_BONUS} * (keys && CAST({p.add(law_keys)} AS text[]))::int * {_REF_SATURATION}")
    facet = [f"{FACET_BONUS} * (keys && CAST({p.add(keys)} AS text[]))::int" for keys in facets]
    return text_rank, " + ".join(parts) or "0", " + ".join(facet) or "0"


# BM25's term weight at a term frequency of one, relative to a record of REF_LENGTH refs.
_REF_SATURATION = (f"{_BM25_K1 + 1:g} / (1 + {_BM25_K1:g} * ({1 - _BM25_B:g} + {_BM25_B:g} * "
                   f"(SELECT count(*) FROM unnest(keys) AS k WHERE k LIKE 'ref=%') / {REF_LENGTH:g}.0))")


def order_sql(sort: str, scored: bool) -> str:
    """ORDER BY for a sort name; unscored text-less queries list newest first."""
    if sort == "relevance" and scored:
        return "score DESC, code, id"
    if sort == "code":
        return "code, id"
    if sort == "oldest":
        return "updated ASC NULLS LAST, code, id"
    if sort == "severity":
        return "severity DESC NULLS LAST, updated DESC NULLS LAST, code, id"
    return "updated DESC NULLS LAST, code, id"


# (table suffix, key column, count column, row field holding a document's entries)
STATS = (("_words", "word", "docs", "words"), ("_terms", "term", "df", "stat_terms"),
         ("_pub_words", "word", "docs", "public_words"))
# The document table, its statistics tables and its postings, replaced together by a rebuild.
TABLE_SUFFIXES = ("", *(suffix for suffix, *_ in STATS), "_postings")


def stats_upsert_sql(table: str, suffix: str, key: str, count: str) -> str:
    """Add signed deltas in key order, so concurrent writers lock rows in one order."""
    name = f"{table}{suffix}"
    return (f"INSERT INTO {name} ({key}, {count}) "
            f"SELECT k, n FROM unnest(CAST(:keys AS text[]), CAST(:counts AS integer[])) AS d(k, n) ORDER BY k "
            f"ON CONFLICT ({key}) DO UPDATE SET {count} = {name}.{count} + excluded.{count}")
