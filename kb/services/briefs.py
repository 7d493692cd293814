"""Recording policy briefs (audited like every write) and finding earlier ones."""

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, func, select

from kb.errors import NotFound
from kb.models import Brief, BriefPublic, BriefsPublic
from kb.services.journal import audit

ENTITY = "brief"


def selection_key(selection: dict[str, list[str]]) -> str:
    """Canonical form of a selection: same filters in any order give the same key."""
    canonical = {name: sorted(set(values)) for name, values in sorted(selection.items()) if values}
    return json.dumps(canonical, ensure_ascii=False, sort_keys=True)


def record_brief(*, session: Session, selection: dict[str, list[str]], selection_text: str, fmt: str,
                 barrier_versions: dict[str, int], content_hash: str, facts: list[dict[str, Any]],
                 actor: str | None, created_at: datetime) -> Brief:
    brief = Brief(created_at=created_at, created_by=actor, selection=selection,
                  selection_key=selection_key(selection), selection_text=selection_text, format=fmt,
                  barrier_count=len(barrier_versions), barrier_versions=barrier_versions,
                  content_hash=content_hash, facts=facts)
    session.add(brief)
    session.flush()
    audit(session, entity=ENTITY, key=str(brief.id), action="create", actor=actor,
          after={"selection": selection, "format": fmt, "barriers": len(barrier_versions),
                 "content_hash": content_hash})
    return brief


def get_brief(session: Session, brief_id: int) -> Brief:
    brief = session.get(Brief, brief_id)
    if brief is None:
        raise NotFound("Nota", str(brief_id))
    return brief


def previous_brief(session: Session, selection: dict[str, list[str]], *, before_id: int | None = None) -> Brief | None:
    """The newest earlier brief on the same selection (whatever its format)."""
    query = select(Brief).where(Brief.selection_key == selection_key(selection))
    if before_id is not None:
        query = query.where(Brief.id < before_id)
    return session.exec(query.order_by(col(Brief.id).desc()).limit(1)).first()


def list_briefs(session: Session, *, limit: int = 50) -> BriefsPublic:
    count = session.exec(select(func.count()).select_from(Brief)).one()
    # Only the listed columns: a record's facts can hold hundreds of barriers.
    fields = list(BriefPublic.model_fields)
    rows = session.exec(select(*[getattr(Brief, name) for name in fields]).order_by(col(Brief.id).desc()).limit(limit))
    return BriefsPublic(data=[BriefPublic(**dict(zip(fields, row))) for row in rows], count=count)
