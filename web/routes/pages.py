"""Read pages and their JSON twins: overview, barriers, regulations, projects, municipalities."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from kb.enums import Role
from kb.errors import RegisterError
from kb.services.barriers import get_barrier
from search.service import SearchService
from web import data, data_barrier, data_misc
from web.data_search import ListQuery, search_page
from web.deps import DbSession, Reader, Viewer, check_visible, may_edit
from web.templating import render

router = APIRouter(include_in_schema=False)


def _search(request: Request) -> SearchService:
    search = request.app.state.search
    if search is None:
        raise RegisterError("De zoekfunctie is niet beschikbaar (geen zoekindex geconfigureerd)")
    return search


@router.get("/")
def overview(request: Request, session: DbSession, principal: Viewer):
    if principal.anonymous:
        return RedirectResponse("/drempels", status_code=303)
    return render(request, "overview.html", {"o": data_misc.overview_page(session)}, json_url="/api/overview")


@router.get("/drempels")
def barrier_list(request: Request, session: DbSession, principal: Viewer):
    query = ListQuery.from_params(request.query_params)
    page = search_page(session, _search(request), query, public_only=principal.anonymous)
    api = query.url("/api/search", page=query.page)
    return render(request, "barriers.html", {"p": page}, json_url=api)


def barrier_page_data(request: Request, session: DbSession, principal, code: str) -> dict[str, Any]:
    check_visible(principal, get_barrier(session, code))
    page = data_barrier.barrier_page(session, code, request.app.state.search)
    if principal.anonymous:
        # Anonymous readers see public records only: no history, no links to closed barriers.
        page = {"barrier": page["barrier"], "articles": page["articles"], "projects": [], "municipalities": [],
                "status_history": [], "history": [], "similar": [], "precedents": [], "proposed_citations": [],
                "comments": []}
    return page


@router.get("/drempels/{code}")
def barrier(request: Request, session: DbSession, principal: Viewer, code: str):
    page = barrier_page_data(request, session, principal, code)
    editable = not principal.anonymous and may_edit(principal, get_barrier(session, code))
    may_comment = not principal.anonymous and principal.at_least(Role.jurist)
    return render(request, "barrier.html", {"b": page, "editable": editable, "may_comment": may_comment},
                  json_url=f"/api/barriers/{code}")


@router.get("/regelgeving")
def regulations(request: Request, session: DbSession, _p: Reader):
    return render(request, "regulations.html", {"r": data.regulation_list(session).model_dump(mode="json")},
                  json_url="/api/regulations")


@router.get("/regelgeving/{key}")
def regulation(request: Request, session: DbSession, _p: Reader, key: str):
    return render(request, "regulation.html", {"r": data.regulation_page(session, key)},
                  json_url=f"/api/regulations/{key}")


@router.get("/regelgeving/{key}/artikels/{number}")
def article(request: Request, session: DbSession, _p: Reader, key: str, number: str):
    page = data.article_page(session, key, number)
    barriers = data_misc.barrier_titles(session, page["barriers"])
    return render(request, "article.html", {"a": page, "barriers": barriers},
                  json_url=f"/api/regulations/{key}/articles/{number}")


@router.get("/projecten")
def projects(request: Request, session: DbSession, _p: Reader):
    return render(request, "projects.html", {"r": data.project_list(session).model_dump(mode="json")},
                  json_url="/api/projects")


@router.get("/projecten/{code}")
def project(request: Request, session: DbSession, _p: Reader, code: str):
    page = data.project_page(session, code)
    return render(request, "project.html", {"p": page, "barriers": data_misc.barrier_titles(session, page["barriers"])},
                  json_url=f"/api/projects/{code}")


@router.get("/gemeenten")
def municipalities(request: Request, session: DbSession, _p: Reader):
    return render(request, "municipalities.html", {"r": data_misc.municipality_list(session)},
                  json_url="/api/municipalities")


@router.get("/gemeenten/{nis}")
def municipality(request: Request, session: DbSession, _p: Reader, nis: str):
    return render(request, "municipality.html", {"m": data_misc.municipality_page(session, nis)},
                  json_url=f"/api/municipalities/{nis}")
