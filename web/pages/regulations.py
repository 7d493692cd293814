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


def regulation_list(session: Session) -> RegulationsPublic:
    regulations = list(session.exec(select(Regulation).order_by(Regulation.key)))
    return RegulationsPublic(data=[regulation_public(session, r) for r in regulations], count=len(regulations))


def regulation_page(session: Session, key: str) -> dict[str, Any]:
    regulation = get_regulation(session, key)
    return regulation_detail(session, regulation).model_dump(mode="json")


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
