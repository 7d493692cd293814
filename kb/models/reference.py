"""Reference data: municipalities (with former names) and programme projects."""

from datetime import datetime

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from kb.enums import ProjectStatus, ProjectType, Werf
from kb.models._common import CODE_PATTERN, json_field, timestamp_field


class Municipality(SQLModel, table=True):
    nis: str = Field(primary_key=True, max_length=5)
    name: str = Field(index=True)
    province: str
    provisional_name: bool = False


class FormerMunicipality(SQLModel, table=True):
    """A municipality merged away (e.g. Tongeren, 2025): its name still resolves to its successor."""

    __tablename__ = "former_municipality"
    id: int | None = Field(default=None, primary_key=True)
    nis: str = Field(max_length=5, index=True)
    name: str = Field(index=True)
    successor_nis: str = Field(foreign_key="municipality.nis", index=True)


class MunicipalityPublic(SQLModel):
    nis: str
    name: str
    province: str
    provisional_name: bool = False
    former: list[dict[str, str]] = []


class ProjectBase(SQLModel):
    code: str = Field(index=True, unique=True, max_length=64, schema_extra={"pattern": CODE_PATTERN})
    name: str = Field(min_length=1, max_length=300)
    theme: str | None = Field(default=None, max_length=100)
    werf: Werf | None = Field(default=None, sa_type=String(40))
    project_type: ProjectType | None = Field(default=None, sa_type=String(40))
    lead_municipality: str | None = Field(default=None, max_length=5)
    budget: int | None = Field(default=None, ge=0)
    status: ProjectStatus = Field(default=ProjectStatus.lopend, sa_type=String(40))
    call: str | None = None
    description: str | None = None
    is_demo: bool = False


class ProjectCreate(ProjectBase):
    partners: list[str] = []


class Project(ProjectBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    partners: list[str] = json_field()
    version: int = 1
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()


class ProjectPublic(ProjectBase):
    partners: list[str] = []
    barrier_count: int = 0


class ProjectsPublic(SQLModel):
    data: list[ProjectPublic]
    count: int
