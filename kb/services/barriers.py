"""Create, update, change status and delete barriers, with audit, optimistic locking and outbox."""

import json
from datetime import date
from typing import Any, Literal

from sqlalchemy import insert, update
from sqlmodel import Session, col, delete, func, select

from kb.enums import Status
from kb.errors import Conflict, NotFound, ValidationFailed, FieldError
from kb.models import (
    AuditEvent, Barrier, BarrierCreate, BarrierMunicipalityLink, BarrierProjectLink, BarrierRegulationLink, BarrierTag,
    BarrierUpdate, Comment, StatusChange, utcnow,
)
from kb.services.journal import audit, audit_changes
from kb.services.outbox import enqueue, enqueue_many
from kb.services.references import ReferenceIndex

SCALARS = ("title", "description", "kind", "werf", "level", "status", "severity", "proposed_solution",
           "reported_by", "reported_on", "is_public")
LISTS = ("regulations", "projects", "municipalities", "tags")
MAX_COMMENT = 5000  # a comment or a status change's note; longer text belongs in the description
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
    return snapshots(session, [barrier])[barrier.id]


def snapshots(session: Session, barriers: list[Barrier]) -> dict[int, dict[str, Any]]:
    """Snapshots of many barriers with one query per link table (exports read thousands)."""
    lists = list_values_of(session, [b.id for b in barriers])
    result = {}
    for barrier in barriers:
        data = {field: _plain(getattr(barrier, field)) for field in SCALARS}
        data.update(lists[barrier.id])
        data["extra"] = dict(barrier.extra or {})
        result[barrier.id] = data
    return result


def list_values(session: Session, barrier_id: int) -> dict[str, list[str]]:
    return list_values_of(session, [barrier_id])[barrier_id]


def list_values_of(session: Session, barrier_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    values: dict[int, dict[str, list[str]]] = {i: {name: [] for name in LISTS} for i in barrier_ids}
    for name, model in _LIST_TABLES.items():
        column = model.tag if model is BarrierTag else model.raw
        query = select(model.barrier_id, column).where(model.barrier_id.in_(barrier_ids))
        if model is BarrierRegulationLink:
            query = query.where(BarrierRegulationLink.confirmed == True)  # noqa: E712
        for barrier_id, value in session.exec(query.order_by(model.barrier_id, model.position, model.id)):
            values[barrier_id][name].append(value)
    return values


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


# The longest text each list item may hold (the column sizes) and the size of the free `extra` fields.
ITEM_LIMITS = {"regulations": 500, "projects": 300, "municipalities": 200, "tags": 100}
MAX_ITEMS = 200
MAX_EXTRA_CHARS = 20_000


def check_limits(values: dict[str, Any]) -> None:
    """Refuse list items and `extra` fields larger than the register stores, before writing anything."""
    errors = []
    for name, limit in ITEM_LIMITS.items():
        items = values.get(name) or []
        if len(items) > MAX_ITEMS:
            errors.append(FieldError(name, f"te veel waarden ({len(items)}; maximaal {MAX_ITEMS})"))
        errors += [FieldError(f"{name}.{i}", f"is te lang (maximaal {limit} tekens)")
                   for i, item in enumerate(items) if len(item) > limit]
    extra = values.get("extra")
    if extra and len(json.dumps(extra, ensure_ascii=False, default=str)) > MAX_EXTRA_CHARS:
        errors.append(FieldError("extra", f"de extra velden zijn samen te lang (maximaal {MAX_EXTRA_CHARS} tekens)"))
    if errors:
        raise ValidationFailed(errors)


def create_barrier(*, session: Session, data: BarrierCreate, actor: str | None,
                   refs: ReferenceIndex | None = None) -> Barrier:
    check_limits(data.model_dump(include=set(LISTS) | {"extra"}))
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
          after=data.model_dump(mode="json"), version=1)
    enqueue(session, entity=ENTITY, key=barrier.code)
    return barrier


def create_barriers(*, session: Session, items: list[BarrierCreate], actor: str | None,
                    refs: ReferenceIndex) -> list[str]:
    """Insert many new barriers with a handful of statements (imports). The caller guarantees the
    codes are new; audit, status history and outbox rows are written as for one barrier."""
    if not items:
        return []
    for data in items:
        check_limits(data.model_dump(include=set(LISTS) | {"extra"}))
    now = utcnow()
    rows = [{**data.model_dump(exclude=set(LISTS) | {"extra"}), "extra": dict(data.extra), "version": 1,
             "needs_review": False, "review_note": None, "created_at": now, "updated_at": now,
             "created_by": actor, "updated_by": actor} for data in items]
    ids = dict(session.execute(insert(Barrier).returning(Barrier.code, Barrier.id), rows).all())
    links: dict[type, list[dict]] = {}
    for data in items:
        for model, model_rows in _link_rows(ids[data.code], {n: getattr(data, n) for n in LISTS}, refs).items():
            links.setdefault(model, []).extend(model_rows)
    for model, model_rows in links.items():
        session.exec(insert(model), params=model_rows)
    session.exec(insert(StatusChange), params=[
        dict(barrier_id=ids[d.code], from_status=None, to_status=d.status, at=now, by=actor, comment="aangemaakt")
        for d in items])
    session.exec(insert(AuditEvent), params=[
        dict(at=now, actor=actor, entity=ENTITY, entity_key=d.code, action="create", field=None, before=None,
             after=json.dumps(d.model_dump(mode="json"), ensure_ascii=False), version=1) for d in items])
    enqueue_many(session, entity=ENTITY, keys=[d.code for d in items], at=now)
    return [d.code for d in items]


def claim_version(session: Session, barrier: Barrier, expected: int | None) -> None:
    """Raise Conflict unless the row still has the version the editor saw; then claim the next one."""
    expected = barrier.version if expected is None else expected
    result = session.exec(update(Barrier).where(Barrier.id == barrier.id, Barrier.version == expected)
                          .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(barrier)
        raise Conflict("Drempel", barrier.code, expected, barrier.version, changes_since(session, barrier, expected))
    barrier.version = expected + 1


def changes_since(session: Session, barrier: Barrier, version: int) -> list[dict[str, Any]]:
    """What others changed after `version`: the audit events of later saves, for a stale-edit page.
    The creation is no change anyone could have missed (and its record is the whole barrier)."""
    events = session.exec(select(AuditEvent).where(
        AuditEvent.entity == ENTITY, AuditEvent.entity_key == barrier.code, AuditEvent.version > version,
        AuditEvent.action != "create",
    ).order_by(col(AuditEvent.id)))
    return [{"field": e.field, "before": e.before, "after": e.after, "by": e.actor, "at": e.at.isoformat()}
            for e in events]


def update_barrier(*, session: Session, code: str, data: BarrierUpdate, actor: str | None,
                   expected_version: int | None = None, refs: ReferenceIndex | None = None,
                   status: Status | None = None, status_comment: str | None = None) -> tuple[Barrier, list]:
    """Apply the fields set in `data`; returns the barrier and the list of changed fields."""
    barrier = get_barrier(session, code)
    before = snapshot(session, barrier)
    values = data.model_dump(exclude_unset=True)
    check_limits(values)
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
    claim_version(session, barrier, expected_version)
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
    changes = audit_changes(session, entity=ENTITY, key=code, actor=actor, before=before, after=after,
                            version=barrier.version)
    enqueue(session, entity=ENTITY, key=code)
    return barrier, changes


def change_status(*, session: Session, code: str, status: Status, actor: str | None, comment: str | None = None,
                  expected_version: int | None = None) -> Barrier:
    comment = _short_text("comment", comment) if comment and comment.strip() else None
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
    for model in (BarrierRegulationLink, BarrierProjectLink, BarrierMunicipalityLink, BarrierTag, StatusChange,
                  Comment):
        session.exec(delete(model).where(model.barrier_id == barrier.id))
    session.delete(barrier)
    enqueue(session, entity=ENTITY, key=code, op="delete")


def count_barriers(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Barrier)).one()


def barrier_texts(session: Session) -> list[str]:
    """Every barrier's title and description, in code order: the register's own words, which the semantic
    model learns from beside the shipped texts (drempelbank.runtime.semantic_ranker)."""
    rows = session.exec(select(Barrier.title, Barrier.description).order_by(Barrier.code)).all()
    return [f"{title or ''}\n{description or ''}" for title, description in rows]




def add_comment(*, session: Session, code: str, text: str, actor: str | None) -> Comment:
    """A remark on a barrier (audited, indexed with nothing: comments are not searchable text)."""
    barrier = get_barrier(session, code)
    text = _short_text("text", text)
    comment = Comment(barrier_id=barrier.id, by=actor, text=text)
    session.add(comment)
    audit(session, entity=ENTITY, key=code, action="comment", actor=actor, after=text)
    return comment


def _short_text(field: str, text: str | None) -> str:
    """A comment or note, stripped: refused when empty or longer than MAX_COMMENT."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed([FieldError(field, "mag niet leeg zijn")])
    if len(text) > MAX_COMMENT:
        raise ValidationFailed([FieldError(field, f"is te lang (maximaal {MAX_COMMENT} tekens)")])
    return text


def comments_of(session: Session, barrier_id: int) -> list[Comment]:
    return list(session.exec(select(Comment).where(Comment.barrier_id == barrier_id).order_by(Comment.id)))
