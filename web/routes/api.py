"""JSON twins of the read pages (same data functions as the HTML routes) and search endpoints."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from kb.models import BarriersPublic, ProjectsPublic, RegulationsPublic
from kb.services.barriers import get_barrier
from web import data, data_misc
from web.data_search import ListQuery, run_search, search_page
from web.deps import DbSession, Reader, Viewer
from web.routes.pages import _search, barrier_page_data

router = APIRouter(prefix="/api")


@router.get("/overview", tags=["overzicht"])
def api_overview(session: DbSession, _p: Reader) -> dict[str, Any]:
    return data_misc.overview_page(session)


@router.get("/search", tags=["zoeken"])
def api_search(request: Request, session: DbSession, principal: Viewer,
               limit: Annotated[int, Query(ge=1, le=200)] = 20) -> dict[str, Any]:
    """Same JSON as `drempelbank search --json`; `in`, `sort`, `page` and facet filters as on /drempels."""
    query = ListQuery.from_params(request.query_params)
    search = _search(request)
    if principal.anonymous:
        return search_page(session, search, query, public_only=True)["results"]
    results = run_search(search, query, limit)
    return search.search_json(results, query.q)


@router.get("/barriers", tags=["drempels"])
def api_barriers(session: DbSession, principal: Viewer, offset: Annotated[int, Query(ge=0)] = 0,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> BarriersPublic:
    return data.barrier_list(session, offset=offset, limit=limit, public_only=principal.anonymous)


@router.get("/barriers/{code}", tags=["drempels"])
def api_barrier(request: Request, code: str, session: DbSession, principal: Viewer) -> dict[str, Any]:
    return barrier_page_data(request, session, principal, code)


@router.get("/barriers/{code}/similar", tags=["drempels"])
def api_similar(request: Request, code: str, session: DbSession, _p: Reader,
                limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """Same JSON as `drempelbank similar CODE --json`."""
    get_barrier(session, code)
    return {"code": code, "similar": _search(request).similar(code, limit=limit)}


@router.get("/regulations", tags=["regelgeving"])
def api_regulations(session: DbSession, _p: Reader) -> RegulationsPublic:
    return data.regulation_list(session)


@router.get("/regulations/{key}", tags=["regelgeving"])
def api_regulation(key: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return data.regulation_page(session, key)


@router.get("/regulations/{key}/articles/{number}", tags=["regelgeving"])
def api_article(key: str, number: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return data.article_page(session, key, number)


@router.get("/projects", tags=["projecten"])
def api_projects(session: DbSession, _p: Reader) -> ProjectsPublic:
    return data.project_list(session)


@router.get("/projects/{code}", tags=["projecten"])
def api_project(code: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return data.project_page(session, code)


@router.get("/municipalities", tags=["gemeenten"])
def api_municipalities(session: DbSession, _p: Reader) -> dict[str, Any]:
    return data_misc.municipality_list(session)


@router.get("/municipalities/{nis}", tags=["gemeenten"])
def api_municipality(nis: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return data_misc.municipality_page(session, nis)
