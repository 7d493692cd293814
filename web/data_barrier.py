"""Data of the barrier page beyond the API record: article texts, names, similar barriers, proposals."""

from typing import Any

from sqlmodel import Session, select

from kb.models import Article, Barrier, BarrierRegulationLink, Municipality, Project, Regulation
from kb.services.barriers import get_barrier
from kb.services.citation_links import list_proposals
from web import data

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
    if search is not None:
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


def barrier_page(session: Session, code: str, search) -> dict[str, Any]:
    """Everything the barrier page shows; the JSON twin returns the same dict."""
    detail = data.barrier_detail(session, code)
    barrier = get_barrier(session, code)
    record = detail["barrier"]
    similar = search.similar(code, limit=8) if search is not None else []
    return {**detail, "articles": linked_articles(session, barrier), **linked_names(session, record),
            "similar": [s for s in similar if not s["precedent"]],
            "precedents": [s for s in similar if s["precedent"]],
            "proposed_citations": proposed_citations(session, barrier, search)}
