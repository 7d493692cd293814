"""Column helpers shared by the tables."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator
from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def json_field(default_factory=list, **kwargs: Any):
    """A JSON column; SQLite and PostgreSQL both store it natively enough."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False), **kwargs)


def timestamp_field(**kwargs: Any):
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False), **kwargs)


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Output timestamps: SQLite hands back naive values (stored as UTC); RFC 3339 and the published API
# schema ("date-time") require the offset, so outputs always carry it.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
