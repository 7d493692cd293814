"""The outbox: one row per committed change that derived stores (index, themes, proposals) must follow.

Services add rows in the writer's transaction; the after-commit step list (owned by the composition
root) reads them in order, runs every step, and only then acknowledges them, so a crash between the
commit and a step is repaired on the next drain.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import insert
from sqlmodel import Session, delete, func, select

from kb.models import OutboxEntry


def enqueue(session: Session, *, entity: str, key: str, op: str = "upsert") -> None:
    session.add(OutboxEntry(entity=entity, entity_key=key, op=op))


def enqueue_many(session: Session, *, entity: str, keys: Iterable[str], at: datetime, op: str = "upsert") -> None:
    """One insert for many rows (bulk imports)."""
    rows = [dict(entity=entity, entity_key=key, op=op, created_at=at) for key in keys]
    if rows:
        session.exec(insert(OutboxEntry), params=rows)


def pending(session: Session, *, limit: int) -> list[OutboxEntry]:
    """The oldest `limit` entries, in commit order."""
    return list(session.exec(select(OutboxEntry).order_by(OutboxEntry.id).limit(limit)))


def acknowledge(session: Session, ids: list[int]) -> None:
    if ids:
        session.exec(delete(OutboxEntry).where(OutboxEntry.id.in_(ids)))


def acknowledge_through(session: Session, last_id: int) -> None:
    """Drop every entry up to `last_id` (after a full rebuild has covered them)."""
    session.exec(delete(OutboxEntry).where(OutboxEntry.id <= last_id))


def last_id(session: Session) -> int | None:
    return session.exec(select(func.max(OutboxEntry.id))).one()


def pending_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(OutboxEntry)).one()
