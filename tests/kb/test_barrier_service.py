"""Barrier services against SQLite and PostgreSQL: validation, links, audit, locking, outbox."""

import pytest
from sqlmodel import select

from kb.db import session_scope
from kb.errors import Conflict, NotFound, ValidationFailed
from kb.models import AuditEvent, BarrierCreate, BarrierUpdate, OutboxEntry, StatusChange
from kb.services.barriers import change_status, create_barrier, delete_barrier, get_barrier, update_barrier
from kb.validation import validate
from web.pages.barriers import barrier_detail, barrier_public


def new_barrier(**overrides) -> BarrierCreate:
    data = {
        "code": "DR-2024-001", "title": "Ondertekend origineel vereist voor subsidieaanvraag",
        "description": "Het reglement eist een handtekening op papier, waardoor het e-loket niet volstaat.",
        "kind": "juridisch", "level": "vlaams", "werf": "frontoffice", "severity": 4,
        "regulations": ["art. 285, §1, 2° DLB", "gemeentelijk subsidiereglement van 2019"],
        "municipalities": ["Gent", "Tongeren", "11002"], "tags": ["handtekening"], "reported_on": "2024-03-01",
    }
    data.update(overrides)
    return validate(BarrierCreate, data)


def test_create_resolves_links_and_writes_audit_and_outbox(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="jurist1")
    with session_scope(register) as session:
        public = barrier_public(session, get_barrier(session, "DR-2024-001"))
        assert [r.ref for r in public.regulation_refs] == ["DLB:285", None]
        assert public.regulation_refs[1].raw == "gemeentelijk subsidiereglement van 2019"
        # Tongeren merged into Tongeren-Borgloon (73111) on 1 January 2025; the typed name stays.
        assert public.municipalities == ["Gent", "Tongeren", "11002"]
        assert public.municipality_nis == ["44021", "73111", "11002"]
        events = session.exec(select(AuditEvent).where(AuditEvent.entity_key == "DR-2024-001")).all()
        assert [(e.action, e.actor) for e in events] == [("create", "jurist1")]
        outbox = session.exec(select(OutboxEntry).where(OutboxEntry.entity == "barrier")).all()
        assert [(o.entity, o.entity_key, o.op) for o in outbox] == [("barrier", "DR-2024-001", "upsert")]


def test_duplicate_code_is_refused(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor=None)
    with pytest.raises(ValidationFailed, match="bestaat al"), session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor=None)


def test_update_audits_each_changed_field(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="a")
    with session_scope(register) as session:
        barrier, changes = update_barrier(session=session, code="DR-2024-001", actor="b", expected_version=1,
                                          data=BarrierUpdate(severity=5, tags=["handtekening", "eIDAS"]))
        assert barrier.version == 2
        assert {c["field"] for c in changes} == {"severity", "tags"}
    with session_scope(register) as session:
        history = barrier_detail(session, "DR-2024-001")["history"]
        assert [(h["action"], h["field"], h["before"], h["after"]) for h in history[1:]] == [
            ("update", "severity", "4", "5"), ("update", "tags", '["handtekening"]', '["handtekening", "eIDAS"]')]


def test_stale_update_is_refused_with_what_changed(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="a")
    with session_scope(register) as session:
        update_barrier(session=session, code="DR-2024-001", data=BarrierUpdate(title="Nieuwe titel"), actor="b",
                       expected_version=1)
    with pytest.raises(Conflict) as caught, session_scope(register) as session:
        update_barrier(session=session, code="DR-2024-001", data=BarrierUpdate(severity=1), actor="c",
                       expected_version=1)
    assert caught.value.current == 2
    assert [(c["field"], c["by"]) for c in caught.value.changes] == [("title", "b")]
    with session_scope(register) as session:
        assert get_barrier(session, "DR-2024-001").severity == 4  # nothing of the stale edit was written


def test_unchanged_update_keeps_version(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="a")
    with session_scope(register) as session:
        barrier, changes = update_barrier(session=session, code="DR-2024-001", actor="a",
                                          data=BarrierUpdate(severity=4, tags=["handtekening"]))
        assert changes == [] and barrier.version == 1


def test_status_change_history(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="a")
    with session_scope(register) as session:
        change_status(session=session, code="DR-2024-001", status="in-analyse", actor="pt", comment="opgepikt")
        change_status(session=session, code="DR-2024-001", status="opgelost", actor="pt")
    with session_scope(register) as session:
        rows = session.exec(select(StatusChange).order_by(StatusChange.id)).all()
        assert [(r.from_status, r.to_status, r.comment) for r in rows] == [
            (None, "gemeld", "aangemaakt"), ("gemeld", "in-analyse", "opgepikt"), ("in-analyse", "opgelost", None)]
        assert get_barrier(session, "DR-2024-001").version == 3


def test_invalid_status_is_refused(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="a")
    with pytest.raises(ValueError), session_scope(register) as session:
        change_status(session=session, code="DR-2024-001", status="klaar", actor="pt")


def test_delete_removes_links_and_queues_index_delete(register):
    with session_scope(register) as session:
        create_barrier(session=session, data=new_barrier(), actor="a")
    with session_scope(register) as session:
        delete_barrier(session=session, code="DR-2024-001", actor="b")
    with session_scope(register) as session:
        with pytest.raises(NotFound):
            get_barrier(session, "DR-2024-001")
        last = session.exec(select(OutboxEntry).order_by(OutboxEntry.id.desc())).first()
        assert (last.entity_key, last.op) == ("DR-2024-001", "delete")


@pytest.mark.parametrize("field, value, message", [
    ("kind", "juridiesch", "onbekende waarde 'juridiesch'; toegelaten: juridisch, procesmatig"),
    ("severity", 9, "mag hoogstens 5 zijn"),
    ("reported_on", "2024-02-30", "geen geldige datum"),
    ("code", "DR 2024", "geen geldige vorm"),
    ("title", "   ", "mag niet leeg zijn"),
    ("status", "klaar", "toegelaten: gemeld, in-analyse"),
])
def test_validation_messages_are_dutch_and_name_the_field(field, value, message):
    with pytest.raises(ValidationFailed) as caught:
        new_barrier(**{field: value})
    assert caught.value.errors[0].field == field
    assert message in caught.value.errors[0].message
