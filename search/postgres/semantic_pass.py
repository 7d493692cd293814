"""The semantic pass on PostgreSQL (search/backend.py: SearchBackend.search): which of the records near a
query by meaning the search admits, and how they count in the facets."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from search.postgres.sql import Plan, _filter_clauses, _Params, _phrase_clause
from search.query import SearchQuery


def admit(conn: Connection, table: str, analyzer, query: SearchQuery, types: list[str] | None,
          near: Sequence[str], plan: Plan) -> list:
    """The rows of `near` the query's filters, excluded words and `public_only` admit; `matched`: whether
    `plan` (the query's words) matched them too, so they are counted already."""
    where, params = admit_where(query, analyzer, near, types=types)
    sql = (f"SELECT id, type, code, title, body, display, facets, coalesce({plan.where}, false) AS matched "
           f"FROM {table} WHERE {where}")
    return conn.execute(text(sql), {**plan.params, **params}).all()


def admit_where(sq: SearchQuery, analyzer, ids: Sequence[str], *,
                types: Iterable[str] | None = None) -> tuple[str, dict[str, Any]]:
    """A WHERE clause (with parameters named apart from a plan's) for the records among `ids` that the query's
    filters, excluded words and `public_only` admit, whatever its words: the semantic pass (search/backend.py)."""
    p = _Params(prefix="a")
    clauses = [f"id = ANY(CAST({p.add(list(ids))} AS text[]))", *_filter_clauses(sq.filters, types, p, sq.public_only)]
    clauses += [f"NOT {c}" for c in (_phrase_clause(x, analyzer, p, [], set()) for x in sq.excluded) if c]
    return " AND ".join(clauses), p.values


def merge_facets(counts: dict[str, dict[str, int]], entries: list[str]) -> dict[str, dict[str, int]]:
    """Facet counts with the "name=value" entries of more records added, most frequent first, then by value."""
    if not entries:
        return counts
    merged = {name: Counter(values) for name, values in counts.items()}
    for entry in entries:
        name, _, value = entry.partition("=")
        merged.setdefault(name, Counter())[value] += 1
    return {name: dict(sorted(values.items(), key=lambda vn: (-vn[1], vn[0]))) for name, values in merged.items()}
