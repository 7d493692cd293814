"""Map register records (kb) onto backend-neutral search documents."""

from collections.abc import Iterator

from sqlmodel import Session, select

from kb.models import (
    Article, Barrier, BarrierMunicipalityLink, BarrierProjectLink, BarrierRegulationLink, BarrierTag, Project,
    Regulation,
)
from search.documents import SearchDocument


def _refs(key: str, article: str | None) -> list[str]:
    """The canonical reference and the bare key (so "AVG" finds every AVG link). Spellings need no
    indexing: queries go through the same citation grammar, which yields these canonical forms."""
    return list(dict.fromkeys([f"{key}:{article}" if article else key, key]))


def barrier_document(session: Session, barrier: Barrier) -> SearchDocument:
    links = session.exec(
        select(BarrierRegulationLink, Regulation).join(Regulation, isouter=True)
        .where(BarrierRegulationLink.barrier_id == barrier.id, BarrierRegulationLink.confirmed == True)  # noqa: E712
        .order_by(BarrierRegulationLink.position)).all()
    refs: list[str] = []
    keys: list[str] = []
    for link, regulation in links:
        if regulation is not None:
            keys.append(regulation.key)
            refs.extend(_refs(regulation.key, link.article_number))
    projects = session.exec(select(Project.code).join(BarrierProjectLink)
                            .where(BarrierProjectLink.barrier_id == barrier.id)).all()
    nis = session.exec(select(BarrierMunicipalityLink.nis).where(BarrierMunicipalityLink.barrier_id == barrier.id,
                                                                   BarrierMunicipalityLink.nis != None)).all()  # noqa: E711
    tags = session.exec(select(BarrierTag.tag).where(BarrierTag.barrier_id == barrier.id)
                        .order_by(BarrierTag.position)).all()
    body = "\n\n".join(part for part in (barrier.description, barrier.proposed_solution,
                                         " ; ".join(link.raw for link, _ in links), " ; ".join(tags)) if part)
    year = (barrier.reported_on or barrier.created_at).year
    return SearchDocument(
        type="barrier", id=f"barrier:{barrier.code}", code=barrier.code, title=barrier.title, body=body,
        status=barrier.status, kind=barrier.kind, werf=barrier.werf, level=barrier.level,
        regulations=list(dict.fromkeys(keys)), refs=list(dict.fromkeys(refs)), projects=list(projects),
        municipalities=list(dict.fromkeys(nis)), year=year, tags=list(tags), severity=barrier.severity,
        updated=barrier.updated_at, theme=(barrier.extra or {}).get("_theme"),
        extra={"public": barrier.is_public, "needs_review": barrier.needs_review})


def article_document(article: Article, regulation: Regulation) -> SearchDocument:
    title = f"art. {article.number} {regulation.abbreviations[0] if regulation.abbreviations else regulation.key}"
    if article.heading:
        title += f" — {article.heading}"
    return SearchDocument(
        type="article", id=f"article:{regulation.key}:{article.number}", code=f"{regulation.key}:{article.number}",
        title=title, body=article.text, level=regulation.level, regulations=[regulation.key],
        refs=_refs(regulation.key, article.number), status=article.status,
        year=regulation.date.year if regulation.date else None, updated=article.updated_at,
        extra={"regulation": regulation.key, "article": article.number, "regulation_title": regulation.title})


def project_document(project: Project) -> SearchDocument:
    return SearchDocument(
        type="project", id=f"project:{project.code}", code=project.code, title=project.name,
        body=project.description or "", werf=project.werf, status=project.status, theme=project.theme,
        municipalities=[n for n in [project.lead_municipality, *project.partners] if n], updated=project.updated_at,
        extra={"project_type": project.project_type, "budget": project.budget})


def all_documents(session: Session) -> Iterator[SearchDocument]:
    for barrier in session.exec(select(Barrier).order_by(Barrier.id)):
        yield barrier_document(session, barrier)
    regulations = {r.id: r for r in session.exec(select(Regulation))}
    for article in session.exec(select(Article).order_by(Article.regulation_id, Article.position)):
        yield article_document(article, regulations[article.regulation_id])
    for project in session.exec(select(Project).order_by(Project.id)):
        yield project_document(project)
