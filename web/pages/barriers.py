"""The barrier page (`/drempels/{code}`) and its twin (`/api/barriers/{code}`), the barrier list API and
similar records: the record, its history, article texts, names, similar barriers and open proposals."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import Session, col, func, select

from kb.enums import Role
from kb.models import (
    Article, Barrier, BarrierMunicipalityLink, BarrierProjectLink, BarrierPublic, BarrierRegulationLink,
    BarriersPublic, CommentPublic, LinkPublic, Municipality, Project, Regulation, StatusChange, StatusChangePublic,
)
from kb.services.barriers import comments_of, get_barrier, snapshot
from kb.services.citation_links import list_proposals
from kb.services.journal import history
from web.markup import shown_value
from web.deps import DbSession, Reader, Viewer, check_visible, may_edit, search_of
from web.pages.search import unscored
from web.pages.themes import barrier_theme
from web.templating import render

router = APIRouter()

ACTION_LABELS = {"comment": "opmerking", "create": "aangemaakt", "update": "gewijzigd", "review": "te herbekijken",
                 "delete": "verwijderd", "citation-proposed": "citaat voorgesteld",
                 "citation-confirmed": "citaat bevestigd", "citation-rejected": "citaat verworpen"}
# What an anonymous reader (PUBLIC_READ) sees of a public barrier: the record, its article texts and
# similar public barriers (the search limits those to public records itself).
# The largest offset /api/barriers accepts: far beyond any register, and within the databases' 64-bit
# integers (a larger one reached SQLite and gave a 500).
MAX_OFFSET = 10**9
ANONYMOUS_KEYS = ("barrier", "articles", "similar", "precedents")


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


def barrier_detail(session: Session, code: str) -> dict[str, Any]:
    """The record with comments, status history and change history (also the write API's answer)."""
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
                     "shown": shown_value(e.after) if e.action != "create" else ""}
                    for e in history(session, entity="barrier", key=code)],
    }


def linked_articles(session: Session, barrier: Barrier) -> list[dict[str, Any]]:
    """Each confirmed citation with the article text the register holds, to show it inline."""
    rows = session.exec(
        select(BarrierRegulationLink, Regulation, Article)
        .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id, isouter=True)
        .join(Article, Article.id == BarrierRegulationLink.article_id, isouter=True)
        .where(BarrierRegulationLink.barrier_id == barrier.id, BarrierRegulationLink.confirmed == True)  # noqa: E712
        .order_by(BarrierRegulationLink.position))
    return [{"raw": link.raw, "regulation": reg.key if reg else None, "regulation_title": reg.title if reg else None,
             "regulation_url": reg.url if reg else None, "article_loaded": art is not None,
             "article": link.article_number if reg else None, "heading": art.heading if art else None,
             "text": art.text if art else None, "article_status": art.status if art else None}
            for link, reg, art in rows]


def linked_names(session: Session, record: dict[str, Any]) -> dict[str, Any]:
    codes = [c for c in record["project_codes"] if c]
    projects = {p.code: p.name for p in session.exec(select(Project).where(Project.code.in_(codes)))}
    nis = [n for n in record["municipality_nis"] if n]
    towns = {m.nis: m.name for m in session.exec(select(Municipality).where(Municipality.nis.in_(nis)))}
    return {
        "projects": [{"raw": raw, "code": code, "name": projects.get(code)}
                     for raw, code in zip(record["projects"], record["project_codes"], strict=False)],
        "municipalities": [{"raw": raw, "nis": code, "name": towns.get(code)}
                           for raw, code in zip(record["municipalities"], record["municipality_nis"], strict=False)],
    }


def proposed_citations(session: Session, barrier: Barrier, search) -> list[dict[str, Any]]:
    """Open proposals of the citation linker (to confirm or reject), then citations found in the text
    that name no regulation the register knows (shown so a jurist can add that regulation)."""
    proposals = []
    for link in list_proposals(session, barrier.id):
        regulation = session.get(Regulation, link.regulation_id) if link.regulation_id else None
        ref = (f"{regulation.key}:{link.article_number}" if link.article_number else regulation.key) \
            if regulation else None
        proposals.append({"id": link.id, "raw": link.raw, "ref": ref, "resolved": ref is not None,
                          "label": _label(link, regulation), "field": link.source_field})
    text = "\n".join(filter(None, [barrier.description, barrier.proposed_solution]))
    seen = set()
    for citation in search.find_citations(text):
        if not citation["resolved"] and citation["raw"].casefold() not in seen:
            seen.add(citation["raw"].casefold())
            proposals.append({"id": None, "raw": citation["raw"], "ref": None, "resolved": False,
                              "label": citation["label"], "field": None})
    return proposals


def _label(link, regulation) -> str:
    if regulation is None:
        return link.raw
    name = regulation.abbreviations[0] if regulation.abbreviations else regulation.key
    return f"art. {link.article_number} {name}" if link.article_number else name


def barrier_page(session: Session, search, code: str, *, anonymous: bool = False) -> dict[str, Any]:
    """Everything the barrier page shows; the JSON twin returns the same dict. Anonymous readers
    (PUBLIC_READ) get the record, its article texts and similar public barriers, the other keys empty."""
    detail = barrier_detail(session, code)
    barrier = get_barrier(session, code)
    articles = linked_articles(session, barrier)
    similar = search.similar(code, limit=8, public_only=anonymous)
    found = {"similar": [s for s in similar if not s["precedent"]],
             "precedents": [s for s in similar if s["precedent"]]}
    if anonymous:
        empty = {key: [] for key in ("projects", "municipalities", "status_history", "history",
                                     "proposed_citations", "comments")}
        found = {key: unscored(items) for key, items in found.items()}
        return {**empty, **found, "barrier": detail["barrier"], "articles": articles, "theme": None}
    return {**detail, "articles": articles, **linked_names(session, detail["barrier"]), **found,
            "proposed_citations": proposed_citations(session, barrier, search),
            "theme": barrier_theme(session, code)}


def barrier_list(session: Session, *, offset: int = 0, limit: int = 50, public_only: bool = False) -> BarriersPublic:
    where = [Barrier.is_public == True] if public_only else []  # noqa: E712
    total = session.exec(select(func.count()).select_from(Barrier).where(*where)).one()
    rows = session.exec(select(Barrier).where(*where).order_by(col(Barrier.code)).offset(offset).limit(limit))
    return BarriersPublic(data=[barrier_public(session, b) for b in rows], count=total)


def barrier_titles(session: Session, codes: list[str]) -> list[dict[str, Any]]:
    """Code, title and status of the given barriers, in the given order (project, article, theme pages)."""
    rows = {b.code: b for b in session.exec(select(Barrier).where(Barrier.code.in_(codes)))}
    return [{"code": c, "title": rows[c].title, "status": rows[c].status} for c in codes if c in rows]


def _visible_page(request: Request, session: Session, principal, code: str) -> dict[str, Any]:
    check_visible(principal, get_barrier(session, code))
    return barrier_page(session, search_of(request), code, anonymous=principal.anonymous)


@router.get("/drempels/{code}", include_in_schema=False)
def barrier(request: Request, session: DbSession, principal: Viewer, code: str):
    page = _visible_page(request, session, principal, code)
    editable = not principal.anonymous and may_edit(principal, get_barrier(session, code))
    may_comment = not principal.anonymous and principal.at_least(Role.jurist)
    return render(request, "barrier.html", {"b": page, "editable": editable, "may_comment": may_comment},
                  json_url=f"/api/barriers/{code}")


@router.get("/api/barriers/{code}", tags=["drempels"], summary="Een drempel met geschiedenis en verwante drempels")
def api_barrier(request: Request, code: str, session: DbSession, principal: Viewer) -> dict[str, Any]:
    return _visible_page(request, session, principal, code)


@router.get("/api/barriers", tags=["drempels"], summary="Alle drempels, per pagina")
def api_barriers(session: DbSession, principal: Viewer, offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> BarriersPublic:
    return barrier_list(session, offset=offset, limit=limit, public_only=principal.anonymous)


@router.get("/api/barriers/{code}/similar", tags=["drempels"], summary="Precedenten: de meest gelijkaardige drempels")
def api_similar(request: Request, code: str, session: DbSession, _p: Reader,
                limit: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """Same JSON as `drempelbank similar CODE --json`."""
    get_barrier(session, code)
    return {"code": code, "similar": search_of(request).similar(code, limit=limit)}
