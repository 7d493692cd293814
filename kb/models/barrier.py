"""Barrier: the register's core entity, with its links, in one schema family (docs/architecture.md)."""

from datetime import date, datetime
from typing import Any

from pydantic import field_validator
from sqlalchemy import String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from kb.enums import Kind, Level, LinkRole, Status, Werf
from kb.models._common import CODE_PATTERN, UtcDatetime, json_field, partial_model, timestamp_field, utcnow


def not_blank(cls, value: str) -> str:
    """Required text must hold more than white space; stored without the surrounding white space."""
    if not value.strip():
        raise ValueError("mag niet leeg zijn")
    return value.strip()


class BarrierBase(SQLModel):
    code: str = Field(index=True, unique=True, max_length=64, schema_extra={"pattern": CODE_PATTERN})
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=50_000)
    kind: Kind = Field(sa_type=String(40))
    werf: Werf | None = Field(default=None, sa_type=String(40))
    level: Level | None = Field(default=None, sa_type=String(40))
    status: Status = Field(default=Status.gemeld, sa_type=String(40))
    severity: int | None = Field(default=None, ge=1, le=5)
    proposed_solution: str | None = Field(default=None, max_length=50_000)
    reported_by: str | None = Field(default=None, max_length=200)
    reported_on: date | None = None
    is_demo: bool = False
    is_public: bool = False

    _not_blank = field_validator("title", "description")(not_blank)


class BarrierLists(SQLModel):
    """List fields as the jurist typed them; resolution happens in the service."""

    regulations: list[str] = []
    projects: list[str] = []
    municipalities: list[str] = []
    tags: list[str] = []
    extra: dict[str, Any] = {}


class BarrierCreate(BarrierBase, BarrierLists):
    pass


# Fields a barrier gets at creation only: its code is its identity, status changes have their own route
# and the demo mark comes with the demo data.
CREATE_ONLY = ("code", "status", "is_demo")

BarrierUpdate = partial_model("BarrierUpdate", (BarrierBase, BarrierLists), exclude=CREATE_ONLY,
                              validators={"_not_blank": field_validator("title", "description")(not_blank)})
BarrierUpdate.__doc__ = """Changes to a barrier: every field may be left out; a given field meets the create rules."""


class Barrier(BarrierBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    version: int = 1
    needs_review: bool = False
    review_note: str | None = None
    extra: dict[str, Any] = json_field(default_factory=dict)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    created_by: str | None = None
    updated_by: str | None = None


class BarrierRegulationLink(SQLModel, table=True):
    """A citation on a barrier, resolved to a regulation/article where the register knows it."""

    __tablename__ = "barrier_regulation"
    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", index=True, ondelete="CASCADE")
    position: int = 0
    raw: str = Field(max_length=500)
    regulation_id: int | None = Field(default=None, foreign_key="regulation.id", index=True, ondelete="SET NULL")
    article_id: int | None = Field(default=None, foreign_key="article.id", index=True, ondelete="SET NULL")
    article_number: str | None = None
    paragraph: str | None = None
    point: str | None = None
    role: LinkRole = Field(default=LinkRole.oorzaak, sa_type=String(40))
    confirmed: bool = True
    # Where the citation linker found a proposal: the field and character offsets in it.
    source_field: str | None = Field(default=None, max_length=40)
    span_start: int | None = None
    span_end: int | None = None


class BarrierProjectLink(SQLModel, table=True):
    __tablename__ = "barrier_project"
    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", index=True, ondelete="CASCADE")
    position: int = 0
    raw: str = Field(max_length=300)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True, ondelete="SET NULL")
    note: str | None = None


class BarrierMunicipalityLink(SQLModel, table=True):
    __tablename__ = "barrier_municipality"
    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", index=True, ondelete="CASCADE")
    position: int = 0
    raw: str = Field(max_length=200)
    nis: str | None = Field(default=None, foreign_key="municipality.nis", index=True)


class BarrierTag(SQLModel, table=True):
    __tablename__ = "barrier_tag"
    __table_args__ = (UniqueConstraint("barrier_id", "tag"),)
    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", index=True, ondelete="CASCADE")
    position: int = 0
    tag: str = Field(max_length=100, index=True)


class StatusChange(SQLModel, table=True):
    __tablename__ = "status_change"
    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", index=True, ondelete="CASCADE")
    from_status: Status | None = Field(default=None, sa_type=String(40))
    to_status: Status = Field(sa_type=String(40))
    at: datetime = timestamp_field()
    by: str | None = None
    comment: str | None = None


class Comment(SQLModel, table=True):
    """A remark on a barrier by a jurist or the programme team; comments never change the barrier."""

    id: int | None = Field(default=None, primary_key=True)
    barrier_id: int = Field(foreign_key="barrier.id", index=True, ondelete="CASCADE")
    at: datetime = timestamp_field()
    by: str | None = None
    text: str = Field(sa_type=Text)


class CommentPublic(SQLModel):
    id: int
    at: UtcDatetime
    by: str | None
    text: str


class LinkPublic(SQLModel):
    raw: str
    ref: str | None = None
    regulation: str | None = None
    article: str | None = None
    resolved: bool = False


class StatusChangePublic(SQLModel):
    from_status: Status | None
    to_status: Status = Field(sa_type=String(40))
    at: UtcDatetime
    by: str | None
    comment: str | None


class BarrierPublic(BarrierBase, BarrierLists):
    version: int
    needs_review: bool = False
    review_note: str | None = None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    created_by: str | None = None
    updated_by: str | None = None
    regulation_refs: list[LinkPublic] = []
    municipality_nis: list[str | None] = []
    project_codes: list[str | None] = []


class BarriersPublic(SQLModel):
    data: list[BarrierPublic]
    count: int


__all__ = [
    "Barrier", "BarrierCreate", "BarrierUpdate", "BarrierPublic", "BarriersPublic",
    "BarrierRegulationLink", "BarrierProjectLink", "BarrierMunicipalityLink", "BarrierTag",
    "StatusChange", "StatusChangePublic", "LinkPublic", "Comment", "CommentPublic", "utcnow",
]
