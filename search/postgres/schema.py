"""The search tables' set-up on PostgreSQL: created once even when several servers start together, upgraded
in place where that is enough, and marked stale (to be rebuilt from the register) where it is not."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from search.postgres.postings import postings_sql
from search.postgres.sql import ADDED_COLUMNS, check_table_name, index_ddl, table_ddl

log = logging.getLogger(__name__)

# Writers (and the set-up) of one table serialise on this transaction-scoped advisory lock.
LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('drempelbank.search'), hashtext(:name))"


@dataclass(frozen=True)
class Setup:
    trigram: bool  # pg_trgm present: spelling candidates from a trigram index
    stale: bool  # the table cannot serve as it is: rebuild it from the register
    backfilled: bool  # the postings were just read from an older table's rows


def setup_tables(engine: Engine, table: str, *, version: int, trigram: bool | None) -> Setup:
    """Create the tables; a table from before a column of ADDED_COLUMNS gets it and is stale (its rows all
    count as not public, without field lengths), and so is a table another analysis version wrote (its
    terms are not ours)."""
    stale = False
    with engine.begin() as conn:
        conn.execute(text(LOCK_SQL), {"name": "setup"})
        missing = _missing_columns(conn, table)
        if missing:
            log.warning("zoektabel %s heeft nog geen kolom %s: wordt opnieuw opgebouwd; gebeurt dat "
                        "niet, voer dan 'drempelbank reindex' uit", table, ", ".join(missing))
            stale = True
        use_trigram = _ensure_trigram(conn) if trigram is not False else False
        backfill = _lacks_postings(conn, table)
        existed = conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar_one()
        for statement in table_ddl(table) + generation_ddl(table):
            conn.execute(text(statement))
        written = conn.execute(text("SELECT obj_description(to_regclass(:t), 'pg_class')"),
                               {"t": table}).scalar_one()
        if not existed:
            conn.execute(text(version_comment(table, version)))
        elif written != version_mark(version):
            log.warning("zoektabel %s is geschreven met een andere analyseversie (%s, nu %s): wordt opnieuw "
                        "opgebouwd; gebeurt dat niet, voer dan 'drempelbank reindex' uit", table,
                        written or "zonder versie", version_mark(version))
            stale = True
        if backfill:
            # An index written before the postings existed: they are read from its rows, under the
            # writers' lock so no write slips in between.
            conn.execute(text(LOCK_SQL), {"name": table})
            conn.execute(text(postings_sql(table, delete=False, ids=False)))
        for statement in index_ddl(table, trigram=use_trigram):
            conn.execute(text(statement))
    return Setup(trigram=use_trigram, stale=stale, backfilled=backfill)


def generation_ddl(table: str) -> list[str]:
    """One row counting the table's writes (every writing transaction adds one, search.postgres.backend):
    what callers cache per state of the index is kept per value, in every process. Kept apart from the
    tables a rebuild swaps, so the count goes on across rebuilds."""
    return [f"CREATE TABLE IF NOT EXISTS {table}_generation (one boolean PRIMARY KEY DEFAULT true CHECK (one), "
            "generation bigint NOT NULL DEFAULT 0)",
            f"INSERT INTO {table}_generation (one, generation) VALUES (true, 0) ON CONFLICT DO NOTHING"]


def version_mark(version: int) -> str:
    """Which analysis wrote a table's terms (search.analysis.ANALYSIS_VERSION), kept as its comment."""
    return f"drempelbank-analyse {int(version)}"


def version_comment(table: str, version: int) -> str:
    return f"COMMENT ON TABLE {check_table_name(table)} IS '{version_mark(version)}'"


def vacuum(engine: Engine, tables: list[str]) -> None:
    """Mark freshly written tables all-visible (and give them statistics), so that the postings and
    the row count are read from their indexes alone; autovacuum would do it too, but later. Outside
    any transaction, as VACUUM must be; a failure only costs speed until autovacuum comes by."""
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in tables:
                conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    except DBAPIError as exc:
        log.warning("VACUUM van %s mislukt (%s): zoeken naar gelijkaardige records trager tot autovacuum",
                    ", ".join(tables), exc.orig)


def _ensure_trigram(conn: Connection) -> bool:
    """pg_trgm when present or installable (it ships with postgresql-contrib); else Python only."""
    if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return True
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        return True
    except DBAPIError as exc:
        log.warning("pg_trgm niet beschikbaar (%s): suggesties zonder trigramindex", exc.orig)
        return False


def _missing_columns(conn: Connection, table: str) -> list[str]:
    """The columns of ADDED_COLUMNS an existing search table was created without."""
    found = conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                              "current_schema() AND table_name = :t"), {"t": table}).scalars().all()
    return [c for c in ADDED_COLUMNS if c not in found] if found else []


def _lacks_postings(conn: Connection, table: str) -> bool:
    """True for a search table written before it had postings (search.postgres.sql.table_ddl)."""
    return conn.execute(text("SELECT to_regclass(:t) IS NOT NULL AND to_regclass(:p) IS NULL"),
                        {"t": table, "p": f"{table}_postings"}).scalar_one()
