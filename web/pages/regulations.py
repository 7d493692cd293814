"""Regulation pages (`/regelgeving`, `/regelgeving/{key}`, `/regelgeving/{key}/artikels/{number}`) and their
twins under `/api/regulations`."""

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, select

from kb.errors import NotFound
from kb.models import Article, Barrier, BarrierRegulationLink, Regulation, RegulationsPublic
from kb.services.regulations import get_regulation, regulation_detail, regulation_public
from web.deps import DbSession, Reader
from web.pages.barriers import barrier_titles
from web.templating import render

router = APIRouter()



def _article_order(number: str | None) -> tuple:
    """Article numbers in reading order: 2 before 10, 'II.21' after 'II.3', the regulation as a whole first."""
    if number is None:
        return ((0,),)
    parts = number.replace("/", ".").split(".")
    return ((1,), *((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts))


def cited_by(session: Session, regulation: Regulation) -> list[dict[str, Any]]:
    """One entry per cited article (None: the regulation as a whole), with the citing barriers and
    whether the register holds that article's text."""
    rows = session.exec(
        select(BarrierRegulationLink.article_number, BarrierRegulationLink.article_id, Barrier.code, Barrier.title)
        .join(Barrier, Barrier.id == BarrierRegulationLink.barrier_id)
        .where(BarrierRegulationLink.regulation_id == regulation.id, BarrierRegulationLink.confirmed == True)  # noqa: E712
        .order_by(Barrier.code)).all()
    loaded = set(session.exec(select(Article.number).where(Article.regulation_id == regulation.id)))
    groups: dict[str | None, dict[str, Any]] = {}
    for number, _article_id, code, title in rows:
        group = groups.setdefault(number, {"article": number, "article_loaded": number in loaded, "barriers": []})
        if code not in [b["code"] for b in group["barriers"]]:
            group["barriers"].append({"code": code, "title": title})
    return [groups[key] for key in sorted(groups, key=_article_order)]


def regulation_list(session: Session) -> RegulationsPublic:
    regulations = list(session.exec(select(Regulation).order_by(Regulation.key)))
    return RegulationsPublic(data=[regulation_public(session, r) for r in regulations], count=len(regulations))


def regulation_page(session: Session, key: str) -> dict[str, Any]:
    regulation = get_regulation(session, key)
    return {**regulation_detail(session, regulation).model_dump(mode="json"), "cited_by": cited_by(session, regulation)}


def article_page(session: Session, key: str, number: str) -> dict[str, Any]:
    """The article text and the barriers that cite it (code, title, status)."""
    regulation = get_regulation(session, key)
    article = session.exec(select(Article).where(Article.regulation_id == regulation.id,
                                                 Article.number == number)).first()
    if article is None:
        raise NotFound("Artikel", f"{key} art. {number}")
    codes = session.exec(select(Barrier.code).join(BarrierRegulationLink)
                         .where(BarrierRegulationLink.article_id == article.id).order_by(Barrier.code))
    return {"regulation": key, "title": regulation.title, "number": article.number, "heading": article.heading,
            "path": article.path, "text": article.text, "status": article.status, "notes": article.notes,
            "barriers": barrier_titles(session, list(dict.fromkeys(codes)))}


@router.get("/regelgeving", include_in_schema=False)
def regulations(request: Request, session: DbSession, _p: Reader):
    return render(request, "regulations.html", {"r": regulation_list(session).model_dump(mode="json")},
                  json_url="/api/regulations")


@router.get("/regelgeving/{key}", include_in_schema=False)
def regulation(request: Request, session: DbSession, _p: Reader, key: str):
    return render(request, "regulation.html", {"r": regulation_page(session, key)},
                  json_url=f"/api/regulations/{key}")


@router.get("/regelgeving/{key}/artikels/{number}", include_in_schema=False)
def article(request: Request, session: DbSession, _p: Reader, key: str, number: str):
    return render(request, "article.html", {"a": article_page(session, key, number)},
                  json_url=f"/api/regulations/{key}/articles/{number}")


@router.get("/api/regulations", tags=["regelgeving"], summary="Alle regelgeving in het register")
def api_regulations(session: DbSession, _p: Reader) -> RegulationsPublic:
    return regulation_list(session)


@router.get("/api/regulations/{key}", tags=["regelgeving"], summary="Eén regelgeving met haar artikels")
def api_regulation(key: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return regulation_page(session, key)


@router.get("/api/regulations/{key}/articles/{number}", tags=["regelgeving"], summary="Eén artikel")
def api_article(key: str, number: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return article_page(session, key, number)
