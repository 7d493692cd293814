"""Column helpers shared by the tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def utcnow() -> datetime:
    return datetime.now(UTC)


def json_field(default_factory=list, **kwargs: Any):
    """A JSON column; SQLite and PostgreSQL both store it natively enough."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False), **kwargs)


def timestamp_field(**kwargs: Any):
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False), **kwargs)
