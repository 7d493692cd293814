"""Themes: groups of barriers proposed by clustering and curated by the programme team.

The database keeps what the team decided (names, pins, hidden themes, merges) and the last run's
memberships; the clustering model itself is rebuilt from these memberships when needed.
"""

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from kb.models._common import json_field, timestamp_field

# A theme's life: active, merged into another (merged_into), split into parts, or gone from the register.
THEME_STATES = ("actief", "samengevoegd", "opgesplitst", "verdwenen")
# Who put a barrier in its theme: the clustering run, the assignment on save, or a person (pinned).
MEMBER_SOURCES = ("clustering", "toewijzing", "curatie")


class Theme(SQLModel, table=True):
    __tablename__ = "theme"
    id: int | None = Field(default=None, primary_key=True)
    # "t1", "t2", …: stable across re-runs while the theme persists, never reused.
    key: str = Field(index=True, unique=True, max_length=20)
    label: str = Field(max_length=200)
    # A name given by a person; a re-run never overwrites it.
    label_curated: bool = False
    terms: list[str] = json_field()
    representative: str | None = Field(default=None, max_length=64)
    hidden: bool = False
    state: str = Field(default="actief", sa_type=String(20))
    merged_into: str | None = Field(default=None, max_length=20)
    version: int = 1
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ThemeMember(SQLModel, table=True):
    """A barrier's place among the themes; theme_id None means "nog geen thema" or "te beoordelen"."""

    __tablename__ = "theme_member"
    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", unique=True, ondelete="CASCADE")
    theme_id: int | None = Field(default=None, foreign_key="theme.id", index=True, ondelete="SET NULL")
    confidence: float | None = None
    pinned: bool = False
    source: str = Field(default="clustering", sa_type=String(20))
    needs_review: bool = False
    # Position on the theme map, in [0, 1] (from the last clustering run).
    x: float | None = None
    y: float | None = None
    # Hash of the text the assignment saw: a save that leaves the text alone is not assigned again.
    text_hash: str | None = Field(default=None, max_length=40)
    updated_at: datetime = timestamp_field()
