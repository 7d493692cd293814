"""Project pages (`/projecten`, `/projecten/{code}`) and their twins under `/api/projects`."""

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, select

from kb.models import Barrier, BarrierProjectLink, Project, ProjectsPublic
from kb.services.reference import get_project, project_public
from web.deps import DbSession, Reader
from web.pages.barriers import barrier_titles
from web.templating import render

router = APIRouter()


def project_list(session: Session) -> ProjectsPublic:
    projects = list(session.exec(select(Project).order_by(Project.code)))
    return ProjectsPublic(data=[project_public(session, p) for p in projects], count=len(projects))


def project_page(session: Session, code: str) -> dict[str, Any]:
    """The project and the barriers it reported (code, title, status)."""
    project = get_project(session, code)
    codes = session.exec(select(Barrier.code).join(BarrierProjectLink)
                         .where(BarrierProjectLink.project_id == project.id).order_by(Barrier.code))
    return {**project_public(session, project).model_dump(mode="json"),
            "barriers": barrier_titles(session, list(dict.fromkeys(codes)))}


@router.get("/projecten", include_in_schema=False)
def projects(request: Request, session: DbSession, _p: Reader):
    return render(request, "projects.html", {"r": project_list(session).model_dump(mode="json")},
                  json_url="/api/projects")


@router.get("/projecten/{code}", include_in_schema=False)
def project(request: Request, session: DbSession, _p: Reader, code: str):
    return render(request, "project.html", {"p": project_page(session, code)}, json_url=f"/api/projects/{code}")


@router.get("/api/projects", tags=["projecten"], summary="Alle projecten")
def api_projects(session: DbSession, _p: Reader) -> ProjectsPublic:
    return project_list(session)


@router.get("/api/projects/{code}", tags=["projecten"], summary="Eén project met zijn drempels")
def api_project(code: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return project_page(session, code)
