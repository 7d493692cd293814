"""The barrier list and search page (`/drempels`) and its twin (`/api/search`, the JSON of `search --json`):
URL parameters in, neutral query to the search service, facets out."""

from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from sqlmodel import Session, select

from kb.models import Municipality, Project, Regulation, Theme
from search.backend import SearchResults
from search.service import SCOPES, SearchService
from web.deps import DbSession, Viewer, search_of
from web.templating import render

router = APIRouter()

FACETS = ("theme", "status", "kind", "werf", "level", "regulation", "project", "municipality", "province", "year")
FILTERS = (*FACETS, "tag")
SORTS = {"relevance": "relevantie", "newest": "nieuwste eerst", "code": "code", "severity": "ernst"}
PAGE_SIZE = 20
MAX_PAGE = 10_000


@dataclass
class ListQuery:
    """The list page's state, parsed once from the URL so every link can rebuild it."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    scope: str = "barriers"

    @classmethod
    def from_params(cls, params) -> "ListQuery":
        filters = {name: [v for v in params.getlist(name) if v.strip()][:20] for name in FILTERS}
        sort = params.get("sort", "relevance")
        scope = params.get("in", "barriers")
        try:
            page = max(1, min(MAX_PAGE, int(params.get("page", "1"))))
        except ValueError:
            page = 1
        return cls(q=params.get("q", "").strip()[:500], filters={k: v for k, v in filters.items() if v},
                   sort=sort if sort in SORTS else "relevance", page=page,
                   scope=scope if scope in SCOPES else "barriers")

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        state = {"q": self.q, "filters": self.filters, "sort": self.sort, "page": self.page, "in": self.scope}
        state.update(changes)
        pairs = [("q", state["q"])] if state["q"] else []
        if state["in"] != "barriers":
            pairs.append(("in", state["in"]))
        for name, values in state["filters"].items():
            pairs.extend((name, v) for v in values)
        if state["sort"] != "relevance":
            pairs.append(("sort", state["sort"]))
        if state["page"] != 1:
            pairs.append(("page", str(state["page"])))
        return pairs

    def url(self, base: str = "/drempels", **changes: Any) -> str:
        pairs = self.params(**changes)
        return f"{base}?{urlencode(pairs)}" if pairs else base

    def toggled(self, name: str, value: str) -> str:
        values = list(self.filters.get(name, []))
        values = [v for v in values if v != value] if value in values else [*values, value]
        filters = {**self.filters, name: values}
        return self.url(filters={k: v for k, v in filters.items() if v}, page=1)


def _display_names(session: Session, facets: dict[str, dict[str, int]],
                   public_only: bool = False) -> dict[str, dict[str, str]]:
    """Names for facet values; anonymous visitors get project codes only (project records are not public)."""
    nis = list(facets.get("municipality", {}))
    codes = [] if public_only else list(facets.get("project", {}))
    towns = dict(session.exec(select(Municipality.nis, Municipality.name).where(Municipality.nis.in_(nis))).all())
    projects = dict(session.exec(select(Project.code, Project.name).where(Project.code.in_(codes))).all())
    keys = list(facets.get("regulation", {}))
    regulations = {r.key: r.short_title or r.title
                   for r in session.exec(select(Regulation).where(Regulation.key.in_(keys)))}
    themes = dict(session.exec(select(Theme.key, Theme.label).where(Theme.key.in_(list(facets.get("theme", {})))))
                  .all())
    return {"municipality": towns, "project": {c: f"{c} – {n}" for c, n in projects.items()},
            "regulation": regulations, "theme": themes}


def facet_groups(session: Session, query: ListQuery, facets: dict[str, dict[str, int]],
                 public_only: bool = False) -> list[dict[str, Any]]:
    names = _display_names(session, facets, public_only)
    groups = []
    for name in FACETS:
        counts = dict(facets.get(name, {}))
        for chosen in query.filters.get(name, []):
            counts.setdefault(chosen, 0)
        if not counts:
            continue
        values = [{"value": value, "count": count, "name": names.get(name, {}).get(value),
                   "selected": value in query.filters.get(name, []), "url": query.toggled(name, value)}
                  for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
        groups.append({"field": name, "values": values[:12], "more": max(0, len(values) - 12)})
    return groups


def search_page(session: Session, search: SearchService, query: ListQuery, *, public_only: bool = False,
                page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """One data function for /drempels and /api/search: the service's results (`results`, the twin)
    plus the page state the HTML list shows around them. `public_only` (anonymous visitors under
    PUBLIC_READ): the search itself is limited to public barriers, so hits, totals, facets, snippets
    and the spelling suggestion all come from public barriers alone."""
    query = visible_query(query, public_only)
    results, shaped = search_results(search, query, page_size, public_only=public_only)
    return {"results": shaped, "hits": results.hits, "query": query,
            "facets": facet_groups(session, query, results.facets, public_only),
            "sorts": SORTS, "pages": results.pages}


def visible_query(query: ListQuery, public_only: bool) -> ListQuery:
    """Anonymous visitors search barriers alone: they see no regulation or project pages."""
    return replace(query, scope="barriers") if public_only else query


def search_results(search: SearchService, query: ListQuery, page_size: int, *,
                   public_only: bool = False) -> tuple[SearchResults, dict[str, Any]]:
    """The service's results and their JSON (`search --json`): all /api/search returns, without the
    names the HTML list looks up for its facets."""
    results = run_search(search, query, page_size, public_only=public_only)
    shaped = search.search_json(results, query.q)
    if public_only:
        shaped["hits"] = unscored(shaped["hits"])
    return results, shaped


def unscored(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without `score`: it is computed with statistics of the whole register, non-public records
    included, so anonymous visitors get the order and not the number."""
    return [{k: v for k, v in item.items() if k != "score"} for item in items]


def run_search(search: SearchService, query: ListQuery, page_size: int, *, public_only: bool = False) -> SearchResults:
    """Without words the page lists everything: a filter on record type makes the query match all."""
    filters, sort = dict(query.filters), query.sort
    if not query.q:
        filters.setdefault("type", list(SCOPES[query.scope]))
        sort = "newest" if sort == "relevance" else sort
    return search.search(query.q, scope=query.scope, filters=filters, sort=sort, page=query.page,
                         page_size=page_size, public_only=public_only)


@router.get("/drempels", include_in_schema=False)
def barrier_list(request: Request, session: DbSession, principal: Viewer):
    query = ListQuery.from_params(request.query_params)
    page = search_page(session, search_of(request), query, public_only=principal.anonymous)
    return render(request, "barriers.html", {"p": page}, json_url=query.url("/api/search", page=query.page))


@router.get("/api/search", tags=["zoeken"], summary="Zoeken in drempels en artikels")
def api_search(request: Request, principal: Viewer,
               limit: Annotated[int, Query(ge=1, le=200)] = PAGE_SIZE,
               page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
               sort: Annotated[Literal[tuple(SORTS)], Query()] = "relevance",
               scope: Annotated[Literal[tuple(SCOPES)], Query(alias="in")] = "barriers") -> dict[str, Any]:
    """Same JSON as `drempelbank search --json`; `in`, `sort`, `page` and facet filters as on /drempels.
    The list page reads a damaged URL leniently (page 1, relevance); a script gets a 422 naming the field."""
    query = visible_query(ListQuery.from_params(request.query_params), principal.anonymous)
    return search_results(search_of(request), query, limit, public_only=principal.anonymous)[1]
