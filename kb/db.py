"""Engines, sessions and schema migrations for SQLite (default) and PostgreSQL."""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session

import kb.models  # noqa: F401  (registers every table)

MIGRATIONS = Path(__file__).parent / "migrations"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# The web server runs sync endpoints on up to 40 threads, and a request may hold two sessions at once
# (its own and the search service's). SQLAlchemy's default pool (5 + 10 overflow) then ran dry under 50
# concurrent readers: every thread held one connection and waited 30 s for a second (bench/load.py).
# Connections beyond POOL_SIZE are closed when returned, so the ceiling costs nothing when idle.
POOL_SIZE = 5
POOL_OVERFLOW = 80


def make_engine(url: str) -> Engine:
    """An engine with the pragmas the register relies on (WAL, foreign keys) on SQLite."""
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW}
    if url.startswith("sqlite") and (url.rstrip("/") == "sqlite:" or ":memory:" in url):
        pool = {}  # an in-memory database lives in one connection per thread (SingletonThreadPool)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _remember_cursor)
        event.listen(engine.pool, "reset", _close_cursors)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _remember_cursor(connection, cursor, *_args) -> None:
    connection.info.setdefault(_CURSORS, weakref.WeakSet()).add(cursor)


def _close_cursors(_dbapi_connection, record, _reset_state) -> None:
    """Close every cursor a unit of work left unread before the connection goes back to the pool.

    An unfinished SELECT keeps its SQLite read snapshot open even after a rollback (Python's
    sqlite3 no longer resets statements then): a page that failed half-way would leave the pooled
    connection serving stale data and refusing writes ("database is locked") until a restart."""
    for cursor in list(record.info.pop(_CURSORS, ())):
        cursor.close()


_CURSORS = "drempelbank_open_cursors"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; idempotent."""
    command.upgrade(alembic_config(engine), "head")


def schema_status(engine: Engine) -> dict[str, str | bool | None]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    head = script.get_current_head()
    return {"current": current, "head": head, "up_to_date": current == head}


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
