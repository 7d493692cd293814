"""Municipalities and programme projects."""

from typing import Any

from sqlmodel import Session, delete, func, select

from kb.errors import NotFound
from kb.models import (
    BarrierProjectLink, FormerMunicipality, Municipality, MunicipalityPublic, Project, ProjectCreate, ProjectPublic,
    utcnow,
)
from kb.services.journal import audit
from kb.services.outbox import enqueue


def load_municipalities(*, session: Session, items: list[dict[str, Any]]) -> int:
    """Replace the municipality reference list (idempotent: same input, same rows)."""
    existing = {m.nis: m for m in session.exec(select(Municipality))}
    for item in items:
        row = existing.get(item["nis"]) or Municipality(nis=item["nis"], name=item["name"], province=item["province"])
        row.name, row.province = item["name"], item["province"]
        row.provisional_name = bool(item.get("provisional_name"))
        session.add(row)
    session.flush()
    session.exec(delete(FormerMunicipality))
    for item in items:
        for former in item.get("former", []):
            session.add(FormerMunicipality(nis=former["nis"], name=former["name"], successor_nis=item["nis"]))
    return len(items)


def municipality_public(session: Session, nis: str) -> MunicipalityPublic:
    municipality = session.get(Municipality, nis)
    if municipality is None:
        raise NotFound("Gemeente", nis)
    former = session.exec(select(FormerMunicipality).where(FormerMunicipality.successor_nis == nis))
    return MunicipalityPublic(nis=municipality.nis, name=municipality.name, province=municipality.province,
                              provisional_name=municipality.provisional_name,
                              former=[{"nis": f.nis, "name": f.name} for f in former])


def get_project(session: Session, code: str) -> Project:
    project = session.exec(select(Project).where(Project.code == code)).first()
    if project is None:
        raise NotFound("Project", code)
    return project


def upsert_project(*, session: Session, data: ProjectCreate, actor: str | None) -> str:
    project = session.exec(select(Project).where(Project.code == data.code)).first()
    values = data.model_dump()
    if project is None:
        session.add(Project(**values))
        audit(session, entity="project", key=data.code, action="create", actor=actor, after=data.model_dump(mode="json"))
        enqueue(session, entity="project", key=data.code)
        return "created"
    before = ProjectCreate.model_validate(project, from_attributes=True).model_dump(mode="json")
    if before == data.model_dump(mode="json"):
        return "unchanged"
    for name, value in values.items():
        setattr(project, name, value)
    project.version += 1
    project.updated_at = utcnow()
    session.add(project)
    audit(session, entity="project", key=data.code, action="update", actor=actor, before=before,
          after=data.model_dump(mode="json"))
    enqueue(session, entity="project", key=data.code)
    return "updated"


def project_public(session: Session, project: Project) -> ProjectPublic:
    count = session.exec(select(func.count()).select_from(BarrierProjectLink)
                         .where(BarrierProjectLink.project_id == project.id)).one()
    return ProjectPublic(**ProjectCreate.model_validate(project, from_attributes=True).model_dump(),
                         barrier_count=count)
