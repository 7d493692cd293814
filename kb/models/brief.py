"""Policy briefs: each made brief is recorded with what it rests on, so it can be made again."""

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from kb.models._common import json_field, timestamp_field


class Brief(SQLModel, table=True):
    """One generated brief: its selection, format, the barrier versions it used and a content hash.

    `facts` holds the barrier data exactly as the brief used it (the versions named in
    `barrier_versions`), so the brief can be rendered again identically after the register moved on.
    """

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = timestamp_field()
    created_by: str | None = None
    selection: dict[str, Any] = json_field(default_factory=dict)
    # Canonical JSON of the selection: briefs on the same selection are compared with each other.
    selection_key: str = Field(sa_type=String(2000), index=True)
    selection_text: str = Field(sa_type=String(2000))
    format: str = Field(max_length=10)
    barrier_count: int = 0
    barrier_versions: dict[str, Any] = json_field(default_factory=dict)
    content_hash: str = Field(max_length=64)
    facts: list[Any] = json_field()


class BriefPublic(SQLModel):
    id: int
    created_at: datetime
    created_by: str | None
    selection: dict[str, Any]
    selection_text: str
    format: str
    barrier_count: int
    content_hash: str


class BriefsPublic(SQLModel):
    data: list[BriefPublic]
    count: int


__all__ = ["Brief", "BriefPublic", "BriefsPublic"]
