"""Regulations and their articles: import (create or new version), with review flags on affected barriers."""

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, delete, func, select

from kb.enums import ArticleStatus
from kb.errors import NotFound
from kb.models import (
    Article, ArticleCreate, Barrier, BarrierRegulationLink, Identifiers, Regulation, RegulationCreate,
    RegulationDetail, RegulationPublic, utcnow,
)
from kb.services.journal import audit
from kb.services.outbox import enqueue

ENTITY = "regulation"
META = ("title", "short_title", "kind", "level", "date", "published", "url")


@dataclass
class VersionReport:
    """What an import did to one regulation: the basis of the 'te herbekijken' flags."""

    key: str
    outcome: str = "unchanged"  # created | updated | unchanged
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    flagged_barriers: list[str] = field(default_factory=list)


def get_regulation(session: Session, key: str) -> Regulation:
    regulation = session.exec(select(Regulation).where(Regulation.key == key)).first()
    if regulation is None:
        raise NotFound("Regelgeving", key)
    return regulation


def _meta(regulation: Regulation) -> dict[str, Any]:
    data = {name: getattr(regulation, name) for name in META}
    data["abbreviations"] = list(regulation.abbreviations or [])
    data["identifiers"] = {"eli": regulation.eli, "numac": regulation.numac, "celex": regulation.celex,
                           "bwb": regulation.bwb}
    data["extra"] = dict(regulation.extra or {})
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}


def _apply_meta(regulation: Regulation, data: RegulationCreate) -> None:
    for name in META:
        setattr(regulation, name, getattr(data, name))
    regulation.abbreviations = list(data.abbreviations)
    for name in ("eli", "numac", "celex", "bwb"):
        setattr(regulation, name, getattr(data.identifiers, name))
    regulation.extra = dict(data.extra)


def _article_values(article: ArticleCreate) -> dict[str, Any]:
    return article.model_dump(mode="json")


def _stored_values(article: Article) -> dict[str, Any]:
    return ArticleCreate.model_validate(article, from_attributes=True).model_dump(mode="json")


def upsert_regulation(*, session: Session, data: RegulationCreate, actor: str | None) -> VersionReport:
    """Create the regulation, or apply a newer version: update changed articles, mark removed ones
    and flag every barrier linked to a changed or removed article for review."""
    regulation = session.exec(select(Regulation).where(Regulation.key == data.key)).first()
    report = VersionReport(key=data.key)
    if regulation is None:
        regulation = Regulation(key=data.key, title=data.title, kind=data.kind, level=data.level)
        _apply_meta(regulation, data)
        session.add(regulation)
        session.flush()
        report.outcome = "created"
        audit(session, entity=ENTITY, key=data.key, action="create", actor=actor, after=_meta(regulation))
    else:
        before = _meta(regulation)
        _apply_meta(regulation, data)
        if _meta(regulation) != before:
            report.outcome = "updated"
            audit(session, entity=ENTITY, key=data.key, action="update", actor=actor, before=before,
                  after=_meta(regulation))
    _sync_articles(session, regulation, data.articles, report)
    if report.added or report.changed or report.removed:
        report.outcome = "updated" if report.outcome == "unchanged" else report.outcome
    if report.outcome != "unchanged":
        regulation.version += 1 if report.outcome == "updated" else 0
        regulation.updated_at = utcnow()
        session.add(regulation)
        enqueue(session, entity=ENTITY, key=data.key)
    return report


def _sync_articles(session: Session, regulation: Regulation, articles: list[ArticleCreate],
                   report: VersionReport) -> None:
    stored = {a.number: a for a in session.exec(select(Article).where(Article.regulation_id == regulation.id))}
    had_text = any(a.text for a in stored.values())
    incoming = {a.number for a in articles}
    for position, article in enumerate(articles):
        current = stored.get(article.number)
        values = _article_values(article)
        if current is None:
            session.add(Article(regulation_id=regulation.id, position=position, **article.model_dump()))
            report.added.append(article.number)
        elif _stored_values(current) != values or current.position != position:
            text_changed = _stored_values(current) != values
            for name, value in article.model_dump().items():
                setattr(current, name, value)
            current.position, current.updated_at = position, utcnow()
            session.add(current)
            if text_changed:
                report.changed.append(article.number)
    if not articles:
        return  # a metadata-only import never removes the articles the register holds
    for number, current in stored.items():
        if number not in incoming and current.status == ArticleStatus.geldend:
            current.status = ArticleStatus.opgeheven
            current.notes = [*current.notes, "Niet meer aanwezig in de laatst ingelezen versie"]
            session.add(current)
            report.removed.append(number)
    if had_text:
        _flag_barriers(session, regulation, stored, report)


def _flag_barriers(session: Session, regulation: Regulation, stored: dict[str, Article],
                   report: VersionReport) -> None:
    affected = {stored[n].id: f"art. {n} gewijzigd" for n in report.changed}
    affected.update({stored[n].id: f"art. {n} opgeheven of verdwenen" for n in report.removed})
    if not affected:
        return
    rows = session.exec(select(BarrierRegulationLink.barrier_id, BarrierRegulationLink.article_id)
                        .where(BarrierRegulationLink.article_id.in_(list(affected))))
    reasons: dict[int, list[str]] = {}
    for barrier_id, article_id in rows:
        reasons.setdefault(barrier_id, []).append(affected[article_id])
    today = utcnow().date().isoformat()
    for barrier in session.exec(select(Barrier).where(Barrier.id.in_(list(reasons)))):
        note = f"{today}: nieuwe versie van {regulation.key}: {', '.join(sorted(set(reasons[barrier.id])))}"
        barrier.needs_review = True
        barrier.review_note = note if not barrier.review_note else f"{barrier.review_note}\n{note}"
        session.add(barrier)
        audit(session, entity="barrier", key=barrier.code, action="review", actor="systeem", field="needs_review",
              before=None, after=note)
        enqueue(session, entity="barrier", key=barrier.code)
        report.flagged_barriers.append(barrier.code)


def regulation_public(session: Session, regulation: Regulation) -> RegulationPublic:
    count = session.exec(select(func.count()).select_from(Article)
                         .where(Article.regulation_id == regulation.id)).one()
    return RegulationPublic(**_public_fields(regulation), article_count=count)


def _public_fields(regulation: Regulation) -> dict[str, Any]:
    return dict(key=regulation.key, title=regulation.title, short_title=regulation.short_title,
                kind=regulation.kind, level=regulation.level, date=regulation.date,
                published=regulation.published, url=regulation.url,
                abbreviations=list(regulation.abbreviations or []),
                identifiers=Identifiers(eli=regulation.eli, numac=regulation.numac, celex=regulation.celex,
                                        bwb=regulation.bwb),
                extra=dict(regulation.extra or {}))


def articles_of(session: Session, regulation: Regulation) -> list[Article]:
    return list(session.exec(select(Article).where(Article.regulation_id == regulation.id)
                             .order_by(Article.position, Article.id)))


def regulation_detail(session: Session, regulation: Regulation) -> RegulationDetail:
    articles = [ArticleCreate.model_validate(a, from_attributes=True) for a in articles_of(session, regulation)]
    return RegulationDetail(**_public_fields(regulation), article_count=len(articles), articles=articles)


def regulation_exchange(session: Session, regulation: Regulation) -> dict[str, Any]:
    """The regulation exchange format (docs/exchange-formats.md), plus extra keys kept on import."""
    detail = regulation_detail(session, regulation)
    data = detail.model_dump(mode="json", exclude={"article_count", "extra"})
    data.update(regulation.extra or {})
    return data


def delete_regulation(*, session: Session, key: str, actor: str | None) -> None:
    regulation = get_regulation(session, key)
    audit(session, entity=ENTITY, key=key, action="delete", actor=actor, before=_meta(regulation))
    for number in session.exec(select(Article.number).where(Article.regulation_id == regulation.id)):
        enqueue(session, entity="article", key=f"{key}:{number}", op="delete")
    session.exec(delete(Article).where(Article.regulation_id == regulation.id))
    session.delete(regulation)
    enqueue(session, entity=ENTITY, key=key, op="delete")
