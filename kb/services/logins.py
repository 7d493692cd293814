"""Login sessions and failed-login counts, kept in the database so every worker sees the same."""

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, func, select

from kb.models import LoginFailure, LoginSession, User


def open_session(*, session: Session, user: User) -> str:
    """A new session id for a signed-in browser (random, unguessable)."""
    sid = secrets.token_urlsafe(32)
    session.add(LoginSession(id=sid, user_id=user.id))
    return sid


def session_user(session: Session, sid: str | None) -> User | None:
    """The account of an open session, or None when it was closed (logout) or never existed."""
    if not sid:
        return None
    row = session.get(LoginSession, sid)
    return session.get(User, row.user_id) if row is not None else None


def close_session(*, session: Session, sid: str | None) -> None:
    if sid:
        session.exec(delete(LoginSession).where(LoginSession.id == sid))


def close_sessions_before(*, session: Session, moment: datetime) -> None:
    """Forget sessions older than the longest a session may last (their cookies have expired too)."""
    session.exec(delete(LoginSession).where(col(LoginSession.created_at) < moment))


def record_failure(*, session: Session, keys: list[str], at: datetime, window: timedelta) -> None:
    session.exec(delete(LoginFailure).where(col(LoginFailure.at) < at - window))
    session.add_all([LoginFailure(key=key, at=at) for key in keys])


def failures_since(session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    """How many failures a key had since `since`, and the oldest of them."""
    count, oldest = session.exec(select(func.count(), func.min(LoginFailure.at))
                                 .where(LoginFailure.key == key, col(LoginFailure.at) >= since)).one()
    return count, oldest


def clear_failures(*, session: Session, key: str) -> None:
    session.exec(delete(LoginFailure).where(LoginFailure.key == key))
