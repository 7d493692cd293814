"""The facts a brief rests on: each selected barrier as plain JSON, read with a few queries.

The same list is stored with the brief record, so the brief can be rendered again identically
from the barrier versions it used, whatever happened to the register since.
"""

from typing import Any

from sqlmodel import Session, select

from briefs.grouping import theme_labels
from kb.models import (
    Article, Barrier, BarrierMunicipalityLink, BarrierProjectLink, BarrierRegulationLink, BarrierTag, Municipality,
    Project, Regulation,
)

Facts = list[dict[str, Any]]


def gather(session: Session, codes: list[str]) -> Facts:
    """One dict per barrier, sorted by code; lists in the order the jurist gave them."""
    barriers = list(session.exec(select(Barrier).where(Barrier.code.in_(codes)).order_by(Barrier.code)))
    ids = [b.id for b in barriers]
    themes = theme_labels(session, codes)
    citations = _citations(session, ids)
    projects = _projects(session, ids)
    municipalities = _municipalities(session, ids)
    tags: dict[int, list[str]] = {}
    for barrier_id, tag in session.exec(select(BarrierTag.barrier_id, BarrierTag.tag)
                                        .where(BarrierTag.barrier_id.in_(ids)).order_by(BarrierTag.position)):
        tags.setdefault(barrier_id, []).append(tag)
    return [{
        "code": b.code, "version": b.version, "title": b.title, "description": b.description,
        "kind": str(b.kind), "werf": str(b.werf) if b.werf else None, "level": str(b.level) if b.level else None,
        "status": str(b.status), "severity": b.severity, "proposed_solution": b.proposed_solution,
        "reported_on": b.reported_on.isoformat() if b.reported_on else None,
        "solution_type": (b.extra or {}).get("solution_type"), "theme": themes.get(b.code),
        "citations": citations.get(b.id, []), "projects": projects.get(b.id, []),
        "municipalities": municipalities.get(b.id, []), "tags": tags.get(b.id, []),
    } for b in barriers]


def _citations(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    query = (select(BarrierRegulationLink, Regulation, Article)
             .outerjoin(Regulation, Regulation.id == BarrierRegulationLink.regulation_id)
             .outerjoin(Article, Article.id == BarrierRegulationLink.article_id)
             .where(BarrierRegulationLink.barrier_id.in_(ids), BarrierRegulationLink.confirmed == True)  # noqa: E712
             .order_by(BarrierRegulationLink.barrier_id, BarrierRegulationLink.position, BarrierRegulationLink.id))
    result: dict[int, list[dict[str, Any]]] = {}
    for link, regulation, article in session.exec(query):
        result.setdefault(link.barrier_id, []).append({
            "raw": link.raw, "role": str(link.role),
            "regulation": regulation.key if regulation else None,
            "regulation_title": (regulation.short_title or regulation.title) if regulation else None,
            "regulation_name": _name(regulation) if regulation else None,
            "level": str(regulation.level) if regulation else None,
            "url": (regulation.url or regulation.eli) if regulation else None,
            "article": link.article_number if regulation else None,
            "article_in_register": article is not None,
            "paragraph": link.paragraph, "point": link.point,
        })
    return result


def _name(regulation: Regulation) -> str:
    """How a citation names the regulation: its first abbreviation (DLB, AVG, eIDAS), else its short title."""
    return (regulation.abbreviations or [None])[0] or regulation.short_title or regulation.key


def _projects(session: Session, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    query = (select(BarrierProjectLink.barrier_id, BarrierProjectLink.raw, Project.code, Project.name)
             .outerjoin(Project, Project.id == BarrierProjectLink.project_id)
             .where(BarrierProjectLink.barrier_id.in_(ids)).order_by(BarrierProjectLink.position))
    result: dict[int, list[dict[str, str]]] = {}
    for barrier_id, raw, code, name in session.exec(query):
        result.setdefault(barrier_id, []).append({"code": code or raw, "name": name or raw})
    return result


def _municipalities(session: Session, ids: list[int]) -> dict[int, list[dict[str, str]]]:
    query = (select(BarrierMunicipalityLink.barrier_id, BarrierMunicipalityLink.raw, Municipality.nis,
                    Municipality.name)
             .outerjoin(Municipality, Municipality.nis == BarrierMunicipalityLink.nis)
             .where(BarrierMunicipalityLink.barrier_id.in_(ids)).order_by(BarrierMunicipalityLink.position))
    result: dict[int, list[dict[str, str]]] = {}
    for barrier_id, raw, nis, name in session.exec(query):
        result.setdefault(barrier_id, []).append({"nis": nis or raw, "name": name or raw})
    return result


def versions(facts: Facts) -> dict[str, int]:
    return {fact["code"]: fact["version"] for fact in facts}
