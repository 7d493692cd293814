"""Municipality pages (`/gemeenten`, `/gemeenten/{nis}`) and their twins under `/api/municipalities`."""

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, func, select

from kb.models import Barrier, BarrierMunicipalityLink, Municipality
from kb.services.reference import municipality_public
from web.deps import DbSession, Reader
from web.templating import render

router = APIRouter()


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


@router.get("/gemeenten", include_in_schema=False)
def municipalities(request: Request, session: DbSession, _p: Reader):
    return render(request, "municipalities.html", {"r": municipality_list(session)}, json_url="/api/municipalities")


@router.get("/gemeenten/{nis}", include_in_schema=False)
def municipality(request: Request, session: DbSession, _p: Reader, nis: str):
    return render(request, "municipality.html", {"m": municipality_page(session, nis)},
                  json_url=f"/api/municipalities/{nis}")


@router.get("/api/municipalities", tags=["gemeenten"], summary="De 285 Vlaamse gemeenten met hun aantal drempels")
def api_municipalities(session: DbSession, _p: Reader) -> dict[str, Any]:
    return municipality_list(session)


@router.get("/api/municipalities/{nis}", tags=["gemeenten"], summary="Eén gemeente met haar drempels")
def api_municipality(nis: str, session: DbSession, _p: Reader) -> dict[str, Any]:
    return municipality_page(session, nis)
