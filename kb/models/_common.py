"""Column helpers shared by the tables."""

from datetime import UTC, datetime
from typing import Annotated, Any

from copy import copy

from pydantic import AfterValidator, ConfigDict, create_model
from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, SQLModel


# Codes of barriers and projects: what jurists type (DR-2024-017, GzG/2022/12), safe in a URL path.
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$"


def utcnow() -> datetime:
    return datetime.now(UTC)


def json_field(default_factory=list, **kwargs: Any):
    """A JSON column; SQLite and PostgreSQL both store it natively enough."""
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False), **kwargs)


def timestamp_field(**kwargs: Any):
    return Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False), **kwargs)


def partial_model(name: str, bases: tuple[type[SQLModel], ...], *, exclude: tuple[str, ...] = (),
                  validators: dict[str, Any] | None = None) -> type[SQLModel]:
    """The Update member of a schema family, derived from the Create fields so the two never drift.

    Every field may be left out (default None, not validated); a field that is given must satisfy the
    same type and constraints as on create, so an explicit null for a required field is refused.
    """
    fields: dict[str, Any] = {}
    for base in bases:
        for field_name, info in base.model_fields.items():
            if field_name in exclude:
                continue
            optional = copy(info)
            optional.default, optional.default_factory = None, None
            fields[field_name] = (info.annotation, optional)
    return create_model(name, __base__=_Strict, __validators__=validators or {}, **fields)


class _Strict(SQLModel):
    """Unknown or create-only fields in an update are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# Output timestamps: SQLite hands back naive values (stored as UTC); RFC 3339 and the published API
# schema ("date-time") require the offset, so outputs always carry it.
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
