"""Page data functions: each gathers plain data once for both the HTML page and its JSON twin."""

import json
from typing import Any

from sqlmodel import Session, col, func, select

from kb.enums import Level, Status, Werf
from kb.errors import NotFound
from kb.models import (
    Article, Barrier, BarrierMunicipalityLink, BarrierProjectLink, BarrierPublic, BarrierRegulationLink,
    BarriersPublic, CommentPublic, LinkPublic, Project, ProjectsPublic, Regulation, RegulationsPublic, StatusChange,
    StatusChangePublic,
)
from kb.services.barriers import comments_of, get_barrier, snapshot
from kb.services.journal import history
from kb.services.reference import get_project, project_public
from kb.services.regulations import get_regulation, regulation_detail, regulation_public


def barrier_public(session: Session, barrier: Barrier) -> BarrierPublic:
    data = snapshot(session, barrier)
    links = session.exec(
        select(BarrierRegulationLink, Regulation.key).join(Regulation, isouter=True)
        .where(BarrierRegulationLink.barrier_id == barrier.id, BarrierRegulationLink.confirmed == True)  # noqa: E712
        .order_by(BarrierRegulationLink.position))
    refs = [LinkPublic(raw=link.raw, regulation=key, article=link.article_number if key else None,
                       ref=(f"{key}:{link.article_number}" if link.article_number else key) if key else None,
                       resolved=key is not None) for link, key in links]
    nis = list(session.exec(select(BarrierMunicipalityLink.nis).where(BarrierMunicipalityLink.barrier_id == barrier.id)
                            .order_by(BarrierMunicipalityLink.position)))
    projects = list(session.exec(
        select(Project.code).select_from(BarrierProjectLink).join(Project, isouter=True)
        .where(BarrierProjectLink.barrier_id == barrier.id).order_by(BarrierProjectLink.position)))
    return BarrierPublic(code=barrier.code, **data, is_demo=barrier.is_demo, version=barrier.version,
                         needs_review=barrier.needs_review, review_note=barrier.review_note,
                         created_at=barrier.created_at, updated_at=barrier.updated_at,
                         created_by=barrier.created_by, updated_by=barrier.updated_by,
                         regulation_refs=refs, municipality_nis=nis, project_codes=projects)


ACTION_LABELS = {"comment": "opmerking", "create": "aangemaakt", "update": "gewijzigd", "review": "te herbekijken", "delete": "verwijderd",
                 "citation-proposed": "citaat voorgesteld", "citation-confirmed": "citaat bevestigd",
                 "citation-rejected": "citaat verworpen"}


def _shown(value: str | None) -> str:
    """An audit value as a person reads it: lists joined, a citation as 'text → reference'."""
    if not value:
        return ""
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, list):
        return ", ".join(str(v) for v in data)
    if isinstance(data, dict) and "raw" in data:
        return f"{data['raw']} → {data.get('ref') or 'niet herkend'}"
    return value if not isinstance(data, (int, float, bool)) else str(data)


def barrier_detail(session: Session, code: str) -> dict[str, Any]:
    barrier = get_barrier(session, code)
    statuses = session.exec(select(StatusChange).where(StatusChange.barrier_id == barrier.id)
                            .order_by(StatusChange.id))
    return {
        "barrier": barrier_public(session, barrier).model_dump(mode="json"),
        "comments": [CommentPublic.model_validate(c, from_attributes=True).model_dump(mode="json")
                     for c in comments_of(session, barrier.id)],
        "status_history": [StatusChangePublic.model_validate(s, from_attributes=True).model_dump(mode="json")
                           for s in statuses],
        "history": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "field": e.field,
                     "before": e.before, "after": e.after, "label": ACTION_LABELS.get(e.action, e.action),
                     "shown": _shown(e.after) if e.action != "create" else ""}
                    for e in history(session, entity="barrier", key=code)],
    }


def barrier_list(session: Session, *, offset: int = 0, limit: int = 50, public_only: bool = False) -> BarriersPublic:
    where = [Barrier.is_public == True] if public_only else []  # noqa: E712
    total = session.exec(select(func.count()).select_from(Barrier).where(*where)).one()
    rows = session.exec(select(Barrier).where(*where).order_by(col(Barrier.code)).offset(offset).limit(limit))
    return BarriersPublic(data=[barrier_public(session, b) for b in rows], count=total)


def regulation_list(session: Session) -> RegulationsPublic:
    regulations = list(session.exec(select(Regulation).order_by(Regulation.key)))
    return RegulationsPublic(data=[regulation_public(session, r) for r in regulations], count=len(regulations))


def regulation_page(session: Session, key: str) -> dict[str, Any]:
    from web.data_citations import cited_by

    regulation = get_regulation(session, key)
    return {**regulation_detail(session, regulation).model_dump(mode="json"),
            "cited_by": cited_by(session, regulation)}


def article_page(session: Session, key: str, number: str) -> dict[str, Any]:
    regulation = get_regulation(session, key)
    article = session.exec(select(Article).where(Article.regulation_id == regulation.id,
                                                 Article.number == number)).first()
    if article is None:
        raise NotFound("Artikel", f"{key} art. {number}")
    codes = session.exec(select(Barrier.code).join(BarrierRegulationLink)
                         .where(BarrierRegulationLink.article_id == article.id).order_by(Barrier.code))
    return {"regulation": key, "title": regulation.title, "number": article.number, "heading": article.heading,
            "path": article.path, "text": article.text, "status": article.status, "notes": article.notes,
            "barriers": list(dict.fromkeys(codes))}


def project_list(session: Session) -> ProjectsPublic:
    projects = list(session.exec(select(Project).order_by(Project.code)))
    return ProjectsPublic(data=[project_public(session, p) for p in projects], count=len(projects))


def project_page(session: Session, code: str) -> dict[str, Any]:
    project = get_project(session, code)
    codes = session.exec(select(Barrier.code).join(BarrierProjectLink)
                         .where(BarrierProjectLink.project_id == project.id).order_by(Barrier.code))
    return {**project_public(session, project).model_dump(mode="json"), "barriers": list(codes)}


def _counts(session: Session, column, values) -> dict[str, int]:
    rows = dict(session.exec(select(column, func.count()).group_by(column)).all())
    return {v.value: rows.get(v.value, 0) for v in values}


def overview(session: Session) -> dict[str, Any]:
    recent = session.exec(select(Barrier.code, Barrier.title, Barrier.updated_at)
                          .order_by(col(Barrier.updated_at).desc()).limit(10))
    return {
        "barriers": session.exec(select(func.count()).select_from(Barrier)).one(),
        "regulations": session.exec(select(func.count()).select_from(Regulation)).one(),
        "projects": session.exec(select(func.count()).select_from(Project)).one(),
        "by_status": _counts(session, Barrier.status, Status),
        "by_level": _counts(session, Barrier.level, Level),
        "by_werf": _counts(session, Barrier.werf, Werf),
        "needs_review": session.exec(select(func.count()).select_from(Barrier).where(Barrier.needs_review == True)).one(),  # noqa: E712
        "recent": [{"code": c, "title": t, "updated_at": u.isoformat()} for c, t, u in recent],
    }
