"""The Whoosh index layout and how a :class:`SearchDocument` fills it.

Plain functions, so a document can be built and checked without an index.
"""

from __future__ import annotations

import json

from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, FieldType, Schema
from whoosh.formats import Existence, Frequency

from search.backend import FACET_FIELDS, TITLE_WEIGHT
from search.documents import SearchDocument
from search.whoosh.analyzer import WhooshDutchAnalyzer, whoosh_analyzer


REF_BOOST = 5.0
# Values of the `public` field (an ID field: exact terms the filter matches).
PUBLIC, NOT_PUBLIC = "1", "0"
LIST_ATTRS = {"regulation": "regulations", "project": "projects", "municipality": "municipalities",
              "province": "provinces"}


def plain_analyzer():
    """Lower-cased words only: the spelling vocabulary (and the baseline in bench scripts)."""
    return RegexTokenizer() | LowercaseFilter()


def dutch_analyzer(thesaurus: dict | None = None) -> WhooshDutchAnalyzer:
    """The project's Dutch analysis as a Whoosh analyzer."""
    return whoosh_analyzer(thesaurus)


class WORDS(FieldType):
    """Which written words a document holds, nothing more.

    Only the spelling corrector reads this field, so it keeps no frequencies,
    positions or lengths: that makes its postings the cheapest Whoosh can write.
    """

    def __init__(self):
        super().__init__(Existence(), plain_analyzer())


def build_schema(analyzer) -> Schema:
    """The index layout: ranked text, exact refs, filter fields, sort columns."""
    return Schema(
        id=ID(stored=True, unique=True),
        type=ID(stored=True),
        code=ID(stored=True, sortable=True),
        code_key=KEYWORD(lowercase=True),
        # Term vectors (counts only): similar records read a candidate's terms from them instead of
        # analysing its text again, which was most of a barrier page (search/whoosh/similar.py).
        title=TEXT(analyzer=analyzer, field_boost=TITLE_WEIGHT, stored=True, vector=Frequency()),
        body=TEXT(analyzer=analyzer, stored=True, vector=Frequency()),
        # Unstemmed words, the vocabulary for "bedoelde u …?"; public_words holds those of public
        # records only, so an anonymous visitor is never offered a word from a record they may not see.
        words=WORDS(),
        public_words=WORDS(),
        public=ID(),
        refs=KEYWORD(lowercase=True, commas=True, scorable=True),
        status=ID(),
        kind=ID(),
        werf=ID(),
        level=ID(),
        theme=ID(),
        regulations=KEYWORD(commas=True),
        projects=KEYWORD(commas=True),
        municipalities=KEYWORD(commas=True),
        provinces=KEYWORD(commas=True),
        tags=KEYWORD(commas=True),
        year=NUMERIC(int, bits=32, sortable=True),
        severity=NUMERIC(int, bits=32, sortable=True),
        updated=DATETIME(sortable=True),
        facetdata=COLUMN(VarBytesColumn()),
        display=STORED(),
    )


def build_fields(doc: SearchDocument) -> dict:
    """The keyword arguments of ``writer.add_document`` for one document."""
    fields = {
        "id": doc.id,
        "type": doc.type,
        "code": doc.code or "",
        "code_key": doc.code or "",
        "title": doc.title or "",
        "body": doc.body or "",
        "words": f"{doc.title or ''}\n{doc.body or ''}",
        "public": PUBLIC if doc.public else NOT_PUBLIC,
        "facetdata": json.dumps(facet_values(doc), ensure_ascii=False).encode("utf-8"),
        "display": doc.display_fields(),
    }
    if doc.public:
        fields["public_words"] = fields["words"]
    for name in ("status", "kind", "werf", "level", "theme", "year", "severity", "updated"):
        if getattr(doc, name) is not None:
            fields[name] = getattr(doc, name)
    for name in ("regulations", "projects", "municipalities", "provinces", "tags", "refs"):
        values = [str(v).replace(",", " ").strip() for v in getattr(doc, name)]
        if any(values):
            fields[name] = ",".join(v for v in values if v)
    return fields


def facet_values(doc: SearchDocument) -> dict:
    """Facet name -> value or list of values, as counted in results."""
    values = {name: getattr(doc, name, None) for name in FACET_FIELDS}
    for facet, attr in LIST_ATTRS.items():
        values[facet] = list(getattr(doc, attr))
    return {k: v for k, v in values.items() if v not in (None, [], "")}
