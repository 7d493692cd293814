"""Audit trail rows, written in the caller's transaction (outbox rows: kb/services/outbox.py)."""

import json
from typing import Any

from sqlmodel import Session, select

from kb.models import AuditEvent


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def audit(session: Session, *, entity: str, key: str, action: str, actor: str | None,
          field: str | None = None, before: Any = None, after: Any = None, version: int | None = None) -> None:
    session.add(AuditEvent(entity=entity, entity_key=key, action=action, actor=actor, field=field,
                           before=_text(before), after=_text(after), version=version))


def audit_changes(session: Session, *, entity: str, key: str, actor: str | None,
                  before: dict[str, Any], after: dict[str, Any], version: int | None = None) -> list[dict[str, Any]]:
    """One audit event per changed field; returns the changes."""
    changes = []
    for field in after:
        if before.get(field) != after[field]:
            changes.append({"field": field, "before": before.get(field), "after": after[field]})
            audit(session, entity=entity, key=key, action="update", actor=actor, field=field,
                  before=before.get(field), after=after[field], version=version)
    return changes


def history(session: Session, *, entity: str, key: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_key == key)
    return list(session.exec(query.order_by(AuditEvent.id)))

