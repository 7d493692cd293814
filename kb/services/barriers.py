"""Create, update, change status and delete barriers, with audit, optimistic locking and outbox."""

from datetime import date
from typing import Any, Literal

from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, func, select

from kb.enums import Status
from kb.errors import Conflict, NotFound, ValidationFailed, FieldError
from kb.models import (
    Barrier, BarrierCreate, BarrierMunicipalityLink, BarrierProjectLink, BarrierRegulationLink, BarrierTag,
    BarrierUpdate, StatusChange, utcnow,
)
from kb.services.journal import audit, audit_changes, enqueue
from kb.services.references import ReferenceIndex

SCALARS = ("title", "description", "kind", "werf", "level", "status", "severity", "proposed_solution",
           "reported_by", "reported_on", "is_public")
LISTS = ("regulations", "projects", "municipalities", "tags")
ENTITY = "barrier"

Outcome = Literal["created", "updated", "unchanged"]


def get_barrier(session: Session, code: str) -> Barrier:
    barrier = session.exec(select(Barrier).where(Barrier.code == code)).first()
    if barrier is None:
        raise NotFound("Drempel", code)
    return barrier


def find_barrier(session: Session, code: str) -> Barrier | None:
    return session.exec(select(Barrier).where(Barrier.code == code)).first()


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def snapshot(session: Session, barrier: Barrier) -> dict[str, Any]:
    """The barrier as the exchange format sees it: scalars plus the list values as typed."""
    data = {field: _plain(getattr(barrier, field)) for field in SCALARS}
    data.update(list_values(session, barrier.id))
    data["extra"] = dict(barrier.extra or {})
    return data


def list_values(session: Session, barrier_id: int) -> dict[str, list[str]]:
    def raws(model, attr="raw"):
        query = select(getattr(model, attr)).where(model.barrier_id == barrier_id)
        if model is BarrierRegulationLink:
            query = query.where(BarrierRegulationLink.confirmed == True)  # noqa: E712
        return list(session.exec(query.order_by(model.position, model.id)))

    return {
        "regulations": raws(BarrierRegulationLink),
        "projects": raws(BarrierProjectLink),
        "municipalities": raws(BarrierMunicipalityLink),
        "tags": raws(BarrierTag, "tag"),
    }


def _dedupe(values: list[str]) -> list[str]:
    seen, result = set(), []
    for value in (v.strip() for v in values):
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            result.append(value)
    return result


def _link_rows(barrier_id: int, lists: dict[str, list[str]], refs: ReferenceIndex) -> dict[type, list[dict]]:
    rows: dict[type, list[dict]] = {}
    for position, raw in enumerate(_dedupe(lists.get("regulations", []))):
        resolved = refs.citation(raw)
        c = resolved.citation
        rows.setdefault(BarrierRegulationLink, []).append(dict(
            barrier_id=barrier_id, position=position, raw=raw, regulation_id=resolved.regulation_id,
            article_id=resolved.article_id, article_number=c.article, paragraph=c.paragraph, point=c.point,
            role="oorzaak", confirmed=True, source_field=None, span_start=None, span_end=None))
    for position, raw in enumerate(_dedupe(lists.get("projects", []))):
        rows.setdefault(BarrierProjectLink, []).append(
            dict(barrier_id=barrier_id, position=position, raw=raw, project_id=refs.project(raw), note=None))
    for position, raw in enumerate(_dedupe(lists.get("municipalities", []))):
        rows.setdefault(BarrierMunicipalityLink, []).append(
            dict(barrier_id=barrier_id, position=position, raw=raw, nis=refs.municipality(raw)))
    for position, tag in enumerate(_dedupe(lists.get("tags", []))):
        rows.setdefault(BarrierTag, []).append(dict(barrier_id=barrier_id, position=position, tag=tag))
    return rows


_LIST_TABLES = {"regulations": BarrierRegulationLink, "projects": BarrierProjectLink,
                "municipalities": BarrierMunicipalityLink, "tags": BarrierTag}


def _write_links(session: Session, barrier: Barrier, lists: dict[str, list[str]], refs: ReferenceIndex,
                 *, fresh: bool = False) -> None:
    """Replace the named link lists (a new barrier has none to delete); rows go in as one insert each."""
    if not fresh:
        for name in lists:
            model = _LIST_TABLES[name]
            query = delete(model).where(model.barrier_id == barrier.id)
            if model is BarrierRegulationLink:
                query = query.where(BarrierRegulationLink.confirmed == True)  # noqa: E712
            session.exec(query)
    for model, rows in _link_rows(barrier.id, lists, refs).items():
        session.exec(insert(model), params=rows)


def create_barrier(*, session: Session, data: BarrierCreate, actor: str | None,
                   refs: ReferenceIndex | None = None) -> Barrier:
    if find_barrier(session, data.code) is not None:
        raise ValidationFailed([FieldError("code", f"code '{data.code}' bestaat al in het register")])
    return _insert(session, data, actor, refs or ReferenceIndex(session))


def _insert(session: Session, data: BarrierCreate, actor: str | None, refs: ReferenceIndex) -> Barrier:
    fields = data.model_dump(exclude=set(LISTS) | {"extra"})
    barrier = Barrier(**fields, extra=dict(data.extra), created_by=actor, updated_by=actor)
    session.add(barrier)
    session.flush()
    _write_links(session, barrier, {name: getattr(data, name) for name in LISTS}, refs, fresh=True)
    session.add(StatusChange(barrier_id=barrier.id, from_status=None, to_status=barrier.status, by=actor,
                             comment="aangemaakt"))
    audit(session, entity=ENTITY, key=barrier.code, action="create", actor=actor,
          after=data.model_dump(mode="json"))
    enqueue(session, entity=ENTITY, key=barrier.code)
    return barrier


def _bump_version(session: Session, barrier: Barrier, expected: int | None, before: dict[str, Any]) -> None:
    """Raise Conflict unless the row still has the version the editor saw; then claim the next one."""
    expected = barrier.version if expected is None else expected
    result = session.exec(update(Barrier).where(Barrier.id == barrier.id, Barrier.version == expected)
                          .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(barrier)
        raise Conflict("Drempel", barrier.code, expected, barrier.version, changes_since(session, barrier, expected))
    barrier.version = expected + 1


def changes_since(session: Session, barrier: Barrier, version: int) -> list[dict[str, Any]]:
    """What others changed after `version`: the audit events of later saves, for a stale-edit page."""
    from kb.models import AuditEvent

    events = session.exec(select(AuditEvent).where(
        AuditEvent.entity == ENTITY, AuditEvent.entity_key == barrier.code, AuditEvent.action.in_(("update", "status"))
    ).order_by(col(AuditEvent.id).desc()).limit(50))
    return [{"field": e.field, "before": e.before, "after": e.after, "by": e.actor, "at": e.at.isoformat()}
            for e in events]


def update_barrier(*, session: Session, code: str, data: BarrierUpdate, actor: str | None,
                   expected_version: int | None = None, refs: ReferenceIndex | None = None,
                   status: Status | None = None, status_comment: str | None = None) -> tuple[Barrier, list]:
    """Apply the fields set in `data`; returns the barrier and the list of changed fields."""
    barrier = get_barrier(session, code)
    before = snapshot(session, barrier)
    values = data.model_dump(exclude_unset=True)
    lists = {name: values.pop(name) for name in LISTS if name in values and values[name] is not None}
    extra = values.pop("extra", None)
    after = dict(before)
    for field, value in values.items():
        after[field] = _plain(value)
    for name, items in lists.items():
        after[name] = _dedupe(items)
    if extra is not None:
        after["extra"] = extra
    if status is not None:
        after["status"] = _plain(status)
    if after == before:
        return barrier, []
    _bump_version(session, barrier, expected_version, before)
    for field, value in values.items():
        setattr(barrier, field, value)
    if extra is not None:
        barrier.extra = dict(extra)
    if status is not None and status != barrier.status:
        session.add(StatusChange(barrier_id=barrier.id, from_status=barrier.status, to_status=status, by=actor,
                                 comment=status_comment))
        barrier.status = status
    changed_lists = {name: items for name, items in lists.items() if _dedupe(items) != before[name]}
    if changed_lists:
        _write_links(session, barrier, changed_lists, refs or ReferenceIndex(session))
    barrier.updated_at, barrier.updated_by = utcnow(), actor
    session.add(barrier)
    changes = audit_changes(session, entity=ENTITY, key=code, actor=actor, before=before, after=after)
    enqueue(session, entity=ENTITY, key=code)
    return barrier, changes


def change_status(*, session: Session, code: str, status: Status, actor: str | None, comment: str | None = None,
                  expected_version: int | None = None) -> Barrier:
    barrier, _ = update_barrier(session=session, code=code, data=BarrierUpdate(), actor=actor,
                                expected_version=expected_version, status=Status(status), status_comment=comment)
    return barrier


def upsert_barrier(*, session: Session, data: BarrierCreate, actor: str | None, refs: ReferenceIndex,
                   present: set[str] | None = None) -> Outcome:
    """Import semantics: a new code creates, an existing code updates the fields the file holds
    (`present`; all when None), identical data changes nothing."""
    existing = find_barrier(session, data.code)
    if existing is None:
        _insert(session, data, actor, refs)
        return "created"
    fields = data.model_dump(exclude={"code", "status", "is_demo", "extra"})
    if present is not None:
        fields = {name: value for name, value in fields.items() if name in present}
    fields["extra"] = {**(existing.extra or {}), **data.extra}
    status = data.status if present is None or "status" in present else None
    _, changes = update_barrier(session=session, code=data.code, data=BarrierUpdate(**fields), actor=actor,
                                refs=refs, status=status, status_comment="via import")
    return "updated" if changes else "unchanged"


def delete_barrier(*, session: Session, code: str, actor: str | None) -> None:
    barrier = get_barrier(session, code)
    audit(session, entity=ENTITY, key=code, action="delete", actor=actor, before=snapshot(session, barrier))
    for model in (BarrierRegulationLink, BarrierProjectLink, BarrierMunicipalityLink, BarrierTag, StatusChange):
        session.exec(delete(model).where(model.barrier_id == barrier.id))
    session.delete(barrier)
    enqueue(session, entity=ENTITY, key=code, op="delete")


def count_barriers(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Barrier)).one()
