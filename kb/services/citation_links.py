"""Citations found in a barrier's free text: proposals a jurist confirms or rejects.

A proposal is a BarrierRegulationLink with confirmed=False. It never shows in
the barrier's `regulations` list or in exports (those read confirmed links
only) until a jurist confirms it; a rejection is remembered in the audit
trail so the linker does not propose the same reference again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from kb.citations import Citation
from kb.enums import LinkRole
from kb.errors import NotFound
from kb.models import AuditEvent, Barrier, BarrierRegulationLink, Regulation, utcnow
from kb.services.barriers import ENTITY, claim_version, get_barrier, list_values
from kb.services.journal import audit, audit_changes
from kb.services.outbox import enqueue

__all__ = [
    "FoundCitation", "propose_links", "confirm_link", "reject_link", "list_proposals", "rejected_refs",
    "PROPOSED", "CONFIRMED", "REJECTED",
]

PROPOSED, CONFIRMED, REJECTED = "citation-proposed", "citation-confirmed", "citation-rejected"
# A citation in the proposed solution names the remedy's rule; one in the description
# may be the cause or only context, which the jurist decides on confirming.
_ROLE_BY_FIELD = {"description": LinkRole.relevant, "proposed_solution": LinkRole.oplossing}


@dataclass(frozen=True)
class FoundCitation:
    """One citation found in a field of a barrier, resolved against the register."""

    field: str
    citation: Citation
    regulation_id: int | None
    article_id: int | None = None

    @property
    def ref(self) -> str | None:
        return self.citation.ref

    @property
    def text(self) -> str:
        return self.citation.raw


def _link_ref(session: Session, link: BarrierRegulationLink) -> str | None:
    regulation = session.get(Regulation, link.regulation_id) if link.regulation_id is not None else None
    if regulation is None:
        return None
    return f"{regulation.key}:{link.article_number}" if link.article_number else regulation.key


def _links(session: Session, barrier_id: int) -> list[BarrierRegulationLink]:
    query = select(BarrierRegulationLink).where(BarrierRegulationLink.barrier_id == barrier_id)
    return list(session.exec(query.order_by(BarrierRegulationLink.position, BarrierRegulationLink.id)))


def rejected_refs(session: Session, code: str) -> set[str]:
    """References a jurist rejected as proposals for this barrier."""
    query = select(AuditEvent.after).where(AuditEvent.entity == ENTITY, AuditEvent.entity_key == code,
                                           AuditEvent.action == REJECTED)
    return {ref for ref in session.exec(query) if ref}


def _covered(found: FoundCitation, linked: set[tuple[int, str | None]]) -> bool:
    """Already linked: same regulation and article; a mention of the regulation as a whole
    adds nothing once any link to that regulation exists."""
    if found.citation.article is None:
        return any(regulation_id == found.regulation_id for regulation_id, _ in linked)
    return (found.regulation_id, found.citation.article) in linked


def propose_links(*, session: Session, barrier: Barrier, found: list[FoundCitation],
                  actor: str | None) -> list[BarrierRegulationLink]:
    """Store resolved, not yet linked, not rejected citations as proposals; returns the new ones."""
    existing = _links(session, barrier.id)
    linked = {(link.regulation_id, link.article_number) for link in existing if link.regulation_id is not None}
    rejected = rejected_refs(session, barrier.code)
    position = max((link.position for link in existing), default=-1) + 1
    created: list[BarrierRegulationLink] = []
    for item in found:
        if item.regulation_id is None or item.ref in rejected or _covered(item, linked):
            continue
        c = item.citation
        link = BarrierRegulationLink(
            barrier_id=barrier.id, position=position, raw=c.raw[:500], regulation_id=item.regulation_id,
            article_id=item.article_id, article_number=c.article, paragraph=c.paragraph, point=c.point,
            role=_ROLE_BY_FIELD.get(item.field, LinkRole.relevant), confirmed=False, source_field=item.field,
            span_start=c.span[0] if c.span else None, span_end=c.span[1] if c.span else None)
        session.add(link)
        linked.add((item.regulation_id, c.article))
        position += 1
        created.append(link)
        audit(session, entity=ENTITY, key=barrier.code, action=PROPOSED, actor=actor, field=item.field,
              after={"ref": item.ref, "raw": c.raw})
    if created:
        session.flush()
        enqueue(session, entity=ENTITY, key=barrier.code)
    return created


def list_proposals(session: Session, barrier_id: int) -> list[BarrierRegulationLink]:
    """Open proposals of a barrier, in the order they were found."""
    return [link for link in _links(session, barrier_id) if not link.confirmed]


def _proposal(session: Session, barrier: Barrier, link_id: int) -> BarrierRegulationLink:
    link = session.get(BarrierRegulationLink, link_id)
    if link is None or link.barrier_id != barrier.id or link.confirmed:
        raise NotFound("Voorgesteld citaat", str(link_id))
    return link


def confirm_link(*, session: Session, barrier_code: str, link_id: int, actor: str | None,
                 role: LinkRole | None = None, expected_version: int | None = None) -> BarrierRegulationLink:
    """Make a proposal a citation of the barrier: it joins the end of its `regulations` list."""
    barrier = get_barrier(session, barrier_code)
    link = _proposal(session, barrier, link_id)
    before = list_values(session, barrier.id)["regulations"]
    claim_version(session, barrier, expected_version)
    last = session.exec(select(func.max(BarrierRegulationLink.position)).where(
        BarrierRegulationLink.barrier_id == barrier.id, BarrierRegulationLink.confirmed == True)).one()  # noqa: E712
    link.confirmed, link.position = True, (-1 if last is None else last) + 1
    if role is not None:
        link.role = LinkRole(role)
    session.add(link)
    barrier.updated_at, barrier.updated_by = utcnow(), actor
    session.add(barrier)
    session.flush()
    ref = _link_ref(session, link)
    audit(session, entity=ENTITY, key=barrier_code, action=CONFIRMED, actor=actor, after={"ref": ref, "raw": link.raw},
          version=barrier.version)
    audit_changes(session, entity=ENTITY, key=barrier_code, actor=actor, before={"regulations": before},
                  after={"regulations": list_values(session, barrier.id)["regulations"]}, version=barrier.version)
    enqueue(session, entity=ENTITY, key=barrier_code)
    return link


def reject_link(*, session: Session, barrier_code: str, link_id: int, actor: str | None,
                expected_version: int | None = None) -> str | None:
    """Delete a proposal and remember its reference as rejected; returns that reference."""
    barrier = get_barrier(session, barrier_code)
    link = _proposal(session, barrier, link_id)
    claim_version(session, barrier, expected_version)
    ref = _link_ref(session, link)
    session.delete(link)
    barrier.updated_at, barrier.updated_by = utcnow(), actor
    session.add(barrier)
    # The ref alone in `after` is what rejected_refs() reads back.
    audit(session, entity=ENTITY, key=barrier_code, action=REJECTED, actor=actor, before=link.raw, after=ref,
          version=barrier.version)
    enqueue(session, entity=ENTITY, key=barrier_code)
    return ref
