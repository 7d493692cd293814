"""Find citations in barriers' free text and propose links a jurist confirms.

Steps: extract (spaCy pipeline over description and proposed solution) →
resolve (register ids) → propose (kb service, skips what is linked or
rejected) → report. Running it again proposes nothing new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from spacy.language import Language
from sqlalchemy import Engine
from sqlmodel import Session, select

from kb.db import session_scope
from kb.errors import NotFound
from kb.models import Barrier, BarrierRegulationLink, Regulation
from kb.services.citation_links import FoundCitation, propose_links
from kb.services.references import ReferenceIndex
from search.citations_nlp import citation_pipeline, citation_spans

__all__ = ["FIELDS", "LinkReport", "BarrierLinks", "FoundText", "extract", "link_citations", "propose_for_barriers"]

FIELDS = ("description", "proposed_solution")


@dataclass(frozen=True)
class FoundText:
    """A citation as the report shows it: where it was, what was written, what it means."""

    field: str
    text: str
    ref: str | None
    start: int
    end: int


@dataclass
class BarrierLinks:
    code: str
    linked: list[str] = field(default_factory=list)
    proposed: list[FoundText] = field(default_factory=list)
    unresolved: list[FoundText] = field(default_factory=list)


@dataclass
class LinkReport:
    barriers: list[BarrierLinks] = field(default_factory=list)

    @property
    def proposed(self) -> int:
        return sum(len(b.proposed) for b in self.barriers)

    @property
    def unresolved(self) -> int:
        return sum(len(b.unresolved) for b in self.barriers)

    @property
    def linked(self) -> int:
        return sum(len(b.linked) for b in self.barriers)

    def as_dict(self) -> dict[str, Any]:
        return {"barriers": [asdict(b) for b in self.barriers],
                "totals": {"barriers": len(self.barriers), "linked": self.linked,
                           "proposed": self.proposed, "unresolved": self.unresolved}}

    def lines(self) -> list[str]:
        """Dutch summary for the command line: one line per barrier with news, then totals."""
        out = []
        for b in self.barriers:
            if b.proposed or b.unresolved:
                parts = []
                if b.proposed:
                    parts.append("voorgesteld: " + ", ".join(f"{p.text} → {p.ref}" for p in b.proposed))
                if b.unresolved:
                    parts.append("niet herkend: " + ", ".join(u.text for u in b.unresolved))
                out.append(f"{b.code}: " + "; ".join(parts))
        out.append(f"{len(self.barriers)} drempels: {self.linked} citaten gekoppeld, "
                   f"{self.proposed} nieuwe voorstellen, {self.unresolved} niet herkend")
        return out


def extract(barrier: Barrier, nlp: Language, refs: ReferenceIndex) -> list[FoundCitation]:
    """Every citation in the barrier's free-text fields, resolved to register ids."""
    found = []
    for name in FIELDS:
        text = getattr(barrier, name) or ""
        for span in citation_spans(nlp(text)) if text.strip() else ():
            c = span._.citation
            regulation_id = refs.regulation_ids.get(c.regulation) if c.regulation else None
            article_id = refs.article_ids.get((regulation_id, c.article)) if regulation_id and c.article else None
            found.append(FoundCitation(name, c, regulation_id, article_id))
    return found


def _linked_refs(session: Session, barrier_id: int) -> list[str]:
    query = (select(BarrierRegulationLink.raw, Regulation.key, BarrierRegulationLink.article_number)
             .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id, isouter=True)
             .where(BarrierRegulationLink.barrier_id == barrier_id, BarrierRegulationLink.confirmed == True)  # noqa: E712
             .order_by(BarrierRegulationLink.position))
    return [raw if key is None else (f"{key}:{article}" if article else key) for raw, key, article in session.exec(query)]


def _found_text(item: FoundCitation) -> FoundText:
    start, end = item.citation.span
    return FoundText(item.field, item.text, item.ref, start, end)


def link_barrier(session: Session, barrier: Barrier, nlp: Language, refs: ReferenceIndex,
                 actor: str | None) -> BarrierLinks:
    found = extract(barrier, nlp, refs)
    new = propose_links(session=session, barrier=barrier, found=found, actor=actor)
    # A proposal stands for the first mention of its reference; later mentions repeat it.
    pending = {(link.regulation_id, link.article_number) for link in new}
    proposed = []
    for item in found:
        if (key := (item.regulation_id, item.citation.article)) in pending:
            pending.discard(key)
            proposed.append(_found_text(item))
    return BarrierLinks(code=barrier.code, linked=_linked_refs(session, barrier.id), proposed=proposed,
                        unresolved=[_found_text(item) for item in found if item.regulation_id is None])


def _barriers(session: Session, codes: Iterable[str] | None) -> list[Barrier]:
    query = select(Barrier).order_by(Barrier.code)
    if codes is None:
        return list(session.exec(query))
    wanted = list(dict.fromkeys(codes))
    found = {b.code: b for b in session.exec(query.where(Barrier.code.in_(wanted)))}
    for code in wanted:
        if code not in found:
            raise NotFound("Drempel", code)
    return [found[code] for code in wanted]


def propose_for_barriers(session: Session, codes: Iterable[str] | None, refs: ReferenceIndex, *,
                         actor: str | None = None, nlp: Language | None = None,
                         only_found: bool = False, chunk: int = 500) -> LinkReport:
    """Propose links for these barriers inside the caller's transaction (the import hook).
    With `only_found`, barriers whose text cites nothing are skipped without touching the database.
    Barriers are read `chunk` at a time, so a large import does not hold them all in memory."""
    nlp = nlp or citation_pipeline(refs.resolver)
    report = LinkReport()
    wanted = list(dict.fromkeys(codes)) if codes is not None else list(session.exec(select(Barrier.code)
                                                                                    .order_by(Barrier.code)))
    for start in range(0, len(wanted), chunk):
        for barrier in _barriers(session, wanted[start:start + chunk]):
            if only_found and not _cites_something(barrier, nlp):
                continue
            report.barriers.append(link_barrier(session, barrier, nlp, refs, actor))
        session.flush()
        session.expunge_all()
    return report


def _cites_something(barrier: Barrier, nlp: Language) -> bool:
    return any((getattr(barrier, name) or "").strip() and citation_spans(nlp(getattr(barrier, name)))
               for name in FIELDS)


def link_citations(*, engine: Engine, codes: Iterable[str] | None = None, actor: str | None) -> LinkReport:
    """`drempelbank link-citations`: all barriers (or `codes`) in one transaction."""
    with session_scope(engine) as session:
        return propose_for_barriers(session, codes, ReferenceIndex(session), actor=actor)
