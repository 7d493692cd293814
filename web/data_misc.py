"""Data of the overview, municipality and regulation-article pages."""

from typing import Any

from sqlmodel import Session, col, func, select

from kb.enums import Status
from kb.models import Barrier, BarrierMunicipalityLink, BarrierProjectLink, Municipality, Project
from kb.services.reference import municipality_public
from web import data


def overview_page(session: Session) -> dict[str, Any]:
    """The lead's overview counts plus themes, triage queue and chart series."""
    base = data.overview(session)
    triage = session.exec(select(Barrier.code, Barrier.title, Barrier.created_at)
                          .where(Barrier.status == Status.gemeld.value)
                          .order_by(col(Barrier.created_at), col(Barrier.code)).limit(10))
    themes = session.exec(select(Project.theme, func.count(func.distinct(BarrierProjectLink.barrier_id)))
                          .join(Project, Project.id == BarrierProjectLink.project_id)
                          .where(Project.theme.is_not(None)).group_by(Project.theme))
    review = session.exec(select(Barrier.code, Barrier.title).where(Barrier.needs_review == True)  # noqa: E712
                          .order_by(Barrier.code).limit(10))
    return {**base, "by_theme": dict(sorted(themes, key=lambda item: (-item[1], item[0]))),
            "triage": [{"code": c, "title": t, "created_at": at.isoformat()} for c, t, at in triage],
            "review": [{"code": c, "title": t} for c, t in review]}


def municipality_list(session: Session) -> dict[str, Any]:
    link = BarrierMunicipalityLink
    counts = dict(session.exec(select(link.nis, func.count(func.distinct(link.barrier_id)))
                               .where(link.nis.is_not(None)).group_by(link.nis)).all())
    rows = session.exec(select(Municipality).order_by(Municipality.province, Municipality.name))
    items = [{"nis": m.nis, "name": m.name, "province": m.province, "barrier_count": counts.get(m.nis, 0)}
             for m in rows]
    return {"data": items, "count": len(items)}


def municipality_page(session: Session, nis: str) -> dict[str, Any]:
    public = municipality_public(session, nis)
    rows = session.exec(select(Barrier.code, Barrier.title, Barrier.status).join(BarrierMunicipalityLink)
                        .where(BarrierMunicipalityLink.nis == nis).order_by(Barrier.code))
    barriers = list({code: {"code": code, "title": title, "status": status} for code, title, status in rows}.values())
    return {**public.model_dump(mode="json"), "barriers": barriers}


def barrier_titles(session: Session, codes: list[str]) -> list[dict[str, Any]]:
    """Code, title and status of the given barriers, in the given order (for project and article pages)."""
    rows = {b.code: b for b in session.exec(select(Barrier).where(Barrier.code.in_(codes)))}
    return [{"code": c, "title": rows[c].title, "status": rows[c].status} for c in codes if c in rows]
