"""Data of the barrier page beyond the API record: article texts, names, similar barriers, proposals."""

from typing import Any

from sqlmodel import Session, select

from kb.models import Article, Barrier, BarrierRegulationLink, Municipality, Project, Regulation
from kb.services.barriers import get_barrier
from web import data

REJECTED_KEY = "verworpen_citaties"


def linked_articles(session: Session, barrier: Barrier) -> list[dict[str, Any]]:
    """Each confirmed citation with the article text the register holds, to show it inline."""
    rows = session.exec(
        select(BarrierRegulationLink, Regulation, Article)
        .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id, isouter=True)
        .join(Article, Article.id == BarrierRegulationLink.article_id, isouter=True)
        .where(BarrierRegulationLink.barrier_id == barrier.id, BarrierRegulationLink.confirmed == True)  # noqa: E712
        .order_by(BarrierRegulationLink.position))
    return [{"raw": link.raw, "regulation": reg.key if reg else None, "regulation_title": reg.title if reg else None,
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


def proposed_citations(search, barrier: dict[str, Any]) -> list[dict[str, Any]]:
    """Citations the linker finds in the text that are neither linked nor rejected yet."""
    if search is None:
        return []
    text = "\n".join(filter(None, [barrier["description"], barrier.get("proposed_solution")]))
    linked = {ref["ref"] for ref in barrier["regulation_refs"] if ref.get("ref")}
    linked |= {raw.casefold() for raw in barrier["regulations"]}
    rejected = set(barrier.get("extra", {}).get(REJECTED_KEY) or [])
    found: dict[str, dict[str, Any]] = {}
    for citation in search.find_citations(text):
        key = citation["ref"] or citation["raw"]
        if citation["ref"] in linked or citation["raw"].casefold() in linked or key in rejected:
            continue
        found.setdefault(key, {"raw": citation["raw"], "ref": citation["ref"], "label": citation["label"],
                               "resolved": citation["resolved"]})
    return list(found.values())


def barrier_page(session: Session, code: str, search) -> dict[str, Any]:
    """Everything the barrier page shows; the JSON twin returns the same dict."""
    detail = data.barrier_detail(session, code)
    barrier = get_barrier(session, code)
    record = detail["barrier"]
    similar = search.similar(code, limit=8) if search is not None else []
    return {**detail, "articles": linked_articles(session, barrier), **linked_names(session, record),
            "similar": [s for s in similar if not s["precedent"]],
            "precedents": [s for s in similar if s["precedent"]],
            "proposed_citations": proposed_citations(search, record)}
