"""The postings table of the PostgreSQL search index: which record holds which term.

Similar records pick their candidates from it (search.postgres.similar). Its rows are read from the
records' tsv in the database, in the transaction that writes the records, so they always agree.
"""

from __future__ import annotations

from typing import Iterable


def postings_sql(table: str, *, delete: bool, ids: bool = True) -> str:
    """Insert (or delete) the postings of the rows of `table` whose id is in :ids (all rows when not
    `ids`), read from their tsv in the database: run after writing rows (or before deleting them), in
    the same transaction, so the postings always agree with the rows."""
    where = " WHERE d.id = ANY(:ids)" if ids else ""
    rows = f"FROM {table} AS d CROSS JOIN unnest(tsvector_to_array(d.tsv)) AS o(term){where}"
    if delete:
        return f"DELETE FROM {table}_postings AS p USING (SELECT o.term, d.id {rows}) AS x " \
               f"WHERE p.term = x.term AND p.id = x.id"
    return f"INSERT INTO {table}_postings (term, id, type, public) SELECT o.term, d.id, d.type, d.public {rows}"


def postings_read_sql(table: str) -> str:
    """What the postings of the rows in :ids are made of, as postings_changes reads it."""
    return f"SELECT id, type, public, tsvector_to_array(tsv) AS terms FROM {table} WHERE id = ANY(:ids)"


def postings_changes(before: Iterable, after: Iterable) -> tuple[dict[str, list], dict[str, list]]:
    """The postings to delete and to insert (as columns for unnest) when rows go from `before` to
    `after` (postings_read_sql rows): only the terms that came or went, all of a record's when its
    type or public flag changed. An edit changes a few terms, so it touches a few postings."""
    old = {row.id: row for row in before}
    gone: dict[str, list] = {"terms": [], "ids": []}
    new: dict[str, list] = {"terms": [], "ids": [], "types": [], "publics": []}
    for row in after:
        was = old.pop(row.id, None)
        same = was is not None and (was.type, was.public) == (row.type, row.public)
        kept = set(was.terms) & set(row.terms) if same else set()
        if was is not None:
            for term in sorted(set(was.terms) - kept):
                gone["terms"].append(term)
                gone["ids"].append(row.id)
        for term in sorted(set(row.terms) - kept):
            new["terms"].append(term)
            new["ids"].append(row.id)
            new["types"].append(row.type)
            new["publics"].append(row.public)
    for was in old.values():  # rows no longer there
        gone["terms"] += sorted(was.terms)
        gone["ids"] += [was.id] * len(was.terms)
    return gone, new


def postings_write_sql(table: str) -> tuple[str, str]:
    """DELETE and INSERT of the postings postings_changes gives."""
    return (f"DELETE FROM {table}_postings AS p USING unnest(CAST(:terms AS text[]), CAST(:ids AS text[])) "
            f"AS x(term, id) WHERE p.term = x.term AND p.id = x.id",
            f"INSERT INTO {table}_postings (term, id, type, public) SELECT * FROM unnest(CAST(:terms AS text[]), "
            f"CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:publics AS boolean[]))")

