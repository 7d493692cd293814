"""Which barriers cite a regulation, article by article (for the regulation's page and its JSON twin)."""

from typing import Any

from sqlmodel import Session, select

from kb.models import Article, Barrier, BarrierRegulationLink, Regulation


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
