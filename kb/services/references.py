"""Resolution of what a jurist typed (citations, municipalities, projects) to register records.

Built once per import or request from the database, so resolving 10,000 rows is dictionary work.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from kb.citations import Citation, CitationResolver, RegulationName
from kb.models import Article, FormerMunicipality, Municipality, Project, Regulation


@dataclass(frozen=True)
class ResolvedCitation:
    citation: Citation
    regulation_id: int | None
    article_id: int | None


def regulation_name(regulation: Regulation) -> RegulationName:
    identifiers = {"eli": regulation.eli, "numac": regulation.numac, "celex": regulation.celex, "bwb": regulation.bwb}
    return RegulationName(key=regulation.key, title=regulation.title, short_title=regulation.short_title,
                          abbreviations=tuple(regulation.abbreviations or ()), kind=regulation.kind,
                          date=regulation.date, identifiers=identifiers)


class ReferenceIndex:
    def __init__(self, session: Session):
        regulations = list(session.exec(select(Regulation)))
        self.resolver = CitationResolver([regulation_name(r) for r in regulations])
        self.regulation_ids = {r.key: r.id for r in regulations}
        self.article_ids = {
            (reg_id, number): art_id
            for art_id, reg_id, number in session.exec(select(Article.id, Article.regulation_id, Article.number))
        }
        self.municipalities: dict[str, str] = {}
        for nis, name in session.exec(select(Municipality.nis, Municipality.name)):
            self.municipalities[nis] = nis
            self.municipalities[name.casefold()] = nis
        for former_nis, name, successor in session.exec(
            select(FormerMunicipality.nis, FormerMunicipality.name, FormerMunicipality.successor_nis)
        ):
            self.municipalities.setdefault(former_nis, successor)
            self.municipalities.setdefault(name.casefold(), successor)
        self.projects: dict[str, int] = {}
        for project_id, code, name in session.exec(select(Project.id, Project.code, Project.name)):
            self.projects[code.casefold()] = project_id
            self.projects.setdefault(name.casefold(), project_id)

    def citation(self, raw: str) -> ResolvedCitation:
        citation = self.resolver.resolve(raw)
        regulation_id = self.regulation_ids.get(citation.regulation) if citation.regulation else None
        article_id = self.article_ids.get((regulation_id, citation.article)) if regulation_id else None
        return ResolvedCitation(citation, regulation_id, article_id)

    def municipality(self, raw: str) -> str | None:
        return self.municipalities.get(raw.strip().casefold())

    def project(self, raw: str) -> int | None:
        return self.projects.get(raw.strip().casefold())
