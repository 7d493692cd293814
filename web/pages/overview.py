"""The overview page (`/`) and its twin (`/api/overview`)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, func, select

from kb.enums import Level, Status, Werf
from kb.models import Barrier, BarrierProjectLink, Project, Regulation
from web.deps import DbSession, Reader, Viewer
from web.templating import render

router = APIRouter()


def _counts(session: Session, column, values) -> dict[str, int]:
    rows = dict(session.exec(select(column, func.count()).group_by(column)).all())
    return {v.value: rows.get(v.value, 0) for v in values}


def _rows(session: Session, query) -> list[dict[str, Any]]:
    return [{"code": c, "title": t, **({"at": at.isoformat()} if at else {})} for c, t, at in session.exec(query)]


def overview_page(session: Session) -> dict[str, Any]:
    """Counts by status, level and werf, recent changes, the triage queue, barriers to review, project themes."""
    count = lambda query: session.exec(query).one()  # noqa: E731
    recent = (select(Barrier.code, Barrier.title, Barrier.updated_at)
              .order_by(col(Barrier.updated_at).desc()).limit(10))
    triage = (select(Barrier.code, Barrier.title, Barrier.created_at).where(Barrier.status == Status.gemeld.value)
              .order_by(col(Barrier.created_at), col(Barrier.code)).limit(10))
    review = (select(Barrier.code, Barrier.title, Barrier.updated_at).where(Barrier.needs_review == True)  # noqa: E712
              .order_by(Barrier.code).limit(10))
    themes = session.exec(select(Project.theme, func.count(func.distinct(BarrierProjectLink.barrier_id)))
                          .join(Project, Project.id == BarrierProjectLink.project_id)
                          .where(Project.theme.is_not(None)).group_by(Project.theme))
    return {
        "barriers": count(select(func.count()).select_from(Barrier)),
        "regulations": count(select(func.count()).select_from(Regulation)),
        "projects": count(select(func.count()).select_from(Project)),
        "by_status": _counts(session, Barrier.status, Status),
        "by_level": _counts(session, Barrier.level, Level),
        "by_werf": _counts(session, Barrier.werf, Werf),
        "needs_review": count(select(func.count()).select_from(Barrier).where(Barrier.needs_review == True)),  # noqa: E712
        "recent": [{"code": r["code"], "title": r["title"], "updated_at": r["at"]} for r in _rows(session, recent)],
        "by_theme": dict(sorted(themes, key=lambda item: (-item[1], item[0]))),
        "triage": [{"code": r["code"], "title": r["title"], "created_at": r["at"]} for r in _rows(session, triage)],
        "review": [{"code": r["code"], "title": r["title"]} for r in _rows(session, review)],
    }


@router.get("/", include_in_schema=False)
def overview(request: Request, session: DbSession, principal: Viewer):
    if principal.anonymous:
        return RedirectResponse("/drempels", status_code=303)
    return render(request, "overview.html", {"o": overview_page(session)}, json_url="/api/overview")


@router.get("/api/overview", tags=["overzicht"], summary="Overzicht van het register")
def api_overview(session: DbSession, _p: Reader) -> dict[str, Any]:
    return overview_page(session)
