"""Regulation and Article, mirroring the regulation exchange format (docs/exchange-formats.md)."""

import datetime as dt
from datetime import date, datetime
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from kb.enums import ArticleStatus, RegulationKind, RegulationLevel
from kb.models._common import json_field, timestamp_field

KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class Identifiers(SQLModel):
    eli: str | None = None
    numac: str | None = None
    celex: str | None = None
    bwb: str | None = None


class ArticleBase(SQLModel):
    number: str = Field(min_length=1, max_length=40)
    heading: str | None = Field(default=None, max_length=1000)
    path: list[str] = []
    text: str = ""
    in_force_from: date | None = None
    in_force_until: date | None = None
    status: ArticleStatus = Field(default=ArticleStatus.geldend, sa_type=String(40))
    notes: list[str] = []
    references: list[str] = []


class ArticleCreate(ArticleBase):
    pass


class Article(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("regulation_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    regulation_id: int = Field(foreign_key="regulation.id", index=True, ondelete="CASCADE")
    position: int = 0
    number: str = Field(max_length=40)
    heading: str | None = None
    path: list[str] = json_field()
    text: str = Field(default="", sa_type=Text)
    in_force_from: date | None = None
    in_force_until: date | None = None
    status: ArticleStatus = Field(default=ArticleStatus.geldend, sa_type=String(40))
    notes: list[str] = json_field()
    references: list[str] = json_field()
    updated_at: datetime = timestamp_field()


class ArticlePublic(ArticleBase):
    regulation: str


class RegulationBase(SQLModel):
    key: str = Field(index=True, unique=True, max_length=64, schema_extra={"pattern": KEY_PATTERN})
    title: str = Field(min_length=1, max_length=1000)
    short_title: str | None = Field(default=None, max_length=300)
    kind: RegulationKind = Field(sa_type=String(40))
    level: RegulationLevel = Field(sa_type=String(40))
    date: dt.date | None = None
    published: dt.date | None = None
    url: str | None = Field(default=None, max_length=1000)


class RegulationCreate(RegulationBase):
    abbreviations: list[str] = []
    identifiers: Identifiers = Identifiers()
    articles: list[ArticleCreate] = []
    extra: dict[str, Any] = {}


class Regulation(RegulationBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    abbreviations: list[str] = json_field()
    eli: str | None = None
    numac: str | None = None
    celex: str | None = None
    bwb: str | None = None
    extra: dict[str, Any] = json_field(default_factory=dict)
    version: int = 1
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class RegulationPublic(RegulationBase):
    abbreviations: list[str]
    identifiers: Identifiers
    article_count: int = 0
    extra: dict[str, Any] = {}


class RegulationDetail(RegulationPublic):
    articles: list[ArticleBase] = []


class RegulationsPublic(SQLModel):
    data: list[RegulationPublic]
    count: int
