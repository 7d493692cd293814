"""Map register records (kb) onto backend-neutral search documents."""

from collections.abc import Iterator

from sqlmodel import Session, select

from kb.models import (
    Article, Barrier, BarrierMunicipalityLink, BarrierProjectLink, BarrierRegulationLink, BarrierTag, Municipality,
    Project, Regulation, Theme, ThemeMember,
)
from search.documents import SearchDocument


def _refs(key: str, article: str | None) -> list[str]:
    """The canonical reference and the bare key (so "AVG" finds every AVG link). Spellings need no
    indexing: queries go through the same citation grammar, which yields these canonical forms."""
    return list(dict.fromkeys([f"{key}:{article}" if article else key, key]))


def barrier_document(session: Session, barrier: Barrier) -> SearchDocument:
    return barrier_documents(session, [barrier])[0]


def barrier_documents(session: Session, barriers: list[Barrier]) -> list[SearchDocument]:
    """Documents for many barriers with one query per link table (the outbox drains thousands)."""
    ids = [b.id for b in barriers]
    links = _grouped(session.exec(
        select(BarrierRegulationLink.barrier_id, BarrierRegulationLink.raw, BarrierRegulationLink.article_number,
               Regulation.key).join(Regulation, isouter=True)
        .where(BarrierRegulationLink.barrier_id.in_(ids), BarrierRegulationLink.confirmed == True)  # noqa: E712
        .order_by(BarrierRegulationLink.position)))
    projects = _grouped(session.exec(select(BarrierProjectLink.barrier_id, Project.code).join(Project)
                                     .where(BarrierProjectLink.barrier_id.in_(ids))))
    nis = _grouped(session.exec(select(BarrierMunicipalityLink.barrier_id, BarrierMunicipalityLink.nis)
                                .where(BarrierMunicipalityLink.barrier_id.in_(ids),
                                       BarrierMunicipalityLink.nis != None)))  # noqa: E711
    tags = _grouped(session.exec(select(BarrierTag.barrier_id, BarrierTag.tag).where(BarrierTag.barrier_id.in_(ids))
                                 .order_by(BarrierTag.position)))
    # The theme a barrier shows under: active and not hidden (a hidden theme is no facet value).
    themes = dict(session.exec(select(ThemeMember.barrier_id, Theme.key).join(Theme, Theme.id == ThemeMember.theme_id)
                               .where(ThemeMember.barrier_id.in_(ids), Theme.state == "actief",
                                      Theme.hidden == False)).all())  # noqa: E712
    docs = [_barrier_document(b, links.get(b.id, []), projects.get(b.id, []), nis.get(b.id, []), tags.get(b.id, []))
            for b in barriers]
    province = dict(session.exec(select(Municipality.nis, Municipality.province)
                                 .where(Municipality.nis.in_({n for codes in nis.values() for n in codes}))).all())
    for barrier, doc in zip(barriers, docs):
        doc.theme = themes.get(barrier.id)
        doc.provinces = list(dict.fromkeys(province[n] for n in doc.municipalities if province.get(n)))
    return docs


def _grouped(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for barrier_id, *values in rows:
        grouped.setdefault(barrier_id, []).append(values[0] if len(values) == 1 else tuple(values))
    return grouped


def _barrier_document(barrier: Barrier, links: list[tuple], projects: list[str], nis: list[str],
                      tags: list[str]) -> SearchDocument:
    refs: list[str] = []
    keys: list[str] = []
    for _raw, article, key in links:
        if key is not None:
            keys.append(key)
            refs.extend(_refs(key, article))
    body = "\n\n".join(part for part in (barrier.description, barrier.proposed_solution,
                                         " ; ".join(raw for raw, _, _ in links), " ; ".join(tags)) if part)
    year = (barrier.reported_on or barrier.created_at).year
    return SearchDocument(
        type="barrier", id=f"barrier:{barrier.code}", code=barrier.code, title=barrier.title, body=body,
        status=barrier.status, kind=barrier.kind, werf=barrier.werf, level=barrier.level,
        regulations=list(dict.fromkeys(keys)), refs=list(dict.fromkeys(refs)), projects=list(projects),
        municipalities=list(dict.fromkeys(nis)), year=year, tags=list(tags), severity=barrier.severity,
        updated=barrier.updated_at, summary="\n\n".join(p for p in (barrier.description, barrier.proposed_solution) if p),
        public=barrier.is_public, extra={"needs_review": barrier.needs_review})


# Articles and projects are indexed with public=False: the legal texts themselves are public, but the
# register shows anonymous visitors (PUBLIC_READ) only public barriers, no regulation or project pages,
# so an anonymous search must not lead to them nor learn words from them. Opening them to anonymous
# visitors is a decision for the web's access rules first, then `public=True` here.


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
        body=project.description or "", werf=project.werf, status=project.status,
        municipalities=[n for n in [project.lead_municipality, *project.partners] if n], updated=project.updated_at,
        # A project's call theme is not a barrier theme: kept for display, out of the `theme` facet.
        extra={"project_type": project.project_type, "budget": project.budget, "call_theme": project.theme})


def all_documents(session: Session) -> Iterator[SearchDocument]:
    ids = list(session.exec(select(Barrier.id).order_by(Barrier.id)))
    for start in range(0, len(ids), 500):
        chunk = list(session.exec(select(Barrier).where(Barrier.id.in_(ids[start:start + 500])).order_by(Barrier.id)))
        yield from barrier_documents(session, chunk)
    regulations = {r.id: r for r in session.exec(select(Regulation))}
    for article in session.exec(select(Article).order_by(Article.regulation_id, Article.position)):
        yield article_document(article, regulations[article.regulation_id])
    for project in session.exec(select(Project).order_by(Project.id)):
        yield project_document(project)
