"""Citation proposals from free text: linker, confirm/reject service, export, and the labelled set."""

import json
from pathlib import Path

import pytest
from sqlmodel import select

from ingest.barrier_import import export_records
from ingest.citation_linker import link_citations, propose_for_barriers
from kb.db import session_scope
from kb.errors import Conflict, NotFound
from kb.models import AuditEvent, BarrierCreate, BarrierRegulationLink
from kb.services.barriers import create_barrier, get_barrier, list_values
from kb.services.citation_links import confirm_link, list_proposals, reject_link
from kb.services.outbox import pending
from kb.services.references import ReferenceIndex

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "ingest" / "citations_eval" / "spans.jsonl"
DEMO = ROOT / "corpus" / "demo" / "barriers.jsonl"

DESCRIPTION = ("De stad hangt reglementen uit, al regelt art. 285 DLB de bekendmaking. Voor de verwerking "
               "geldt art. 6.1.e AVG. Het huishoudelijk reglement zegt in art. 12 iets anders, en de AVG "
               "staat er nogmaals in.")
SOLUTION = "De gelijkstellingsregels van het Bestuursdecreet toepassen."


def add_barrier(engine, code="DR-2030-001", regulations=("art. 285 DLB",)):
    with session_scope(engine) as session:
        data = BarrierCreate(code=code, title="Aanplakking naast bekendmaking", description=DESCRIPTION,
                             kind="juridisch", regulations=list(regulations), proposed_solution=SOLUTION)
        create_barrier(session=session, data=data, actor="jurist")


def proposals(engine, code="DR-2030-001"):
    with session_scope(engine) as session:
        return list_proposals(session, get_barrier(session, code).id)


def test_proposes_unlinked_citations_with_span_and_ref(register):
    add_barrier(register)
    report = link_citations(engine=register, actor="linker")
    (barrier,) = report.barriers
    assert barrier.linked == ["DLB:285"]
    assert [(p.field, p.text, p.ref) for p in barrier.proposed] == [
        ("description", "art. 6.1.e AVG", "AVG:6"), ("proposed_solution", "Bestuursdecreet", "BD")]
    assert all(source_slice(p) == p.text for p in barrier.proposed)
    assert [u.text for u in barrier.unresolved] == ["art. 12"]
    stored = proposals(register)
    assert [(link.raw, link.article_number, link.paragraph, link.point, link.role) for link in stored] == [
        ("art. 6.1.e AVG", "6", "1", "e", "relevant"), ("Bestuursdecreet", None, None, None, "oplossing")]
    assert all(link.confirmed is False and link.regulation_id is not None for link in stored)


def source_slice(found) -> str:
    source = DESCRIPTION if found.field == "description" else SOLUTION
    return source[found.start:found.end]


def test_running_twice_proposes_nothing_new(register):
    add_barrier(register)
    first = link_citations(engine=register, actor="linker")
    second = link_citations(engine=register, actor="linker")
    assert first.proposed == 2 and second.proposed == 0
    assert [u.text for u in second.barriers[0].unresolved] == ["art. 12"]
    assert len(proposals(register)) == 2
    with session_scope(register) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "citation-proposed")).all()
        assert len(events) == 2


def test_proposals_stay_out_of_the_barrier_and_its_export(register):
    add_barrier(register)
    link_citations(engine=register, actor="linker")
    with session_scope(register) as session:
        (record,) = list(export_records(session))
        assert record["regulations"] == ["art. 285 DLB"]
        assert record["regulation_refs"] == ["DLB:285"]
        assert get_barrier(session, "DR-2030-001").version == 1


def test_confirm_appends_the_citation_with_audit_and_outbox(register):
    add_barrier(register)
    link_citations(engine=register, actor="linker")
    avg = proposals(register)[0]
    with session_scope(register) as session:
        outbox_before = len(pending(session, limit=1000))
        confirm_link(session=session, barrier_code="DR-2030-001", link_id=avg.id, actor="jurist",
                     role="oorzaak", expected_version=1)
    with session_scope(register) as session:
        barrier = get_barrier(session, "DR-2030-001")
        assert list_values(session, barrier.id)["regulations"] == ["art. 285 DLB", "art. 6.1.e AVG"]
        (record,) = list(export_records(session))
        assert record["regulation_refs"] == ["DLB:285", "AVG:6"]
        assert barrier.version == 2 and barrier.updated_by == "jurist"
        assert session.get(BarrierRegulationLink, avg.id).role == "oorzaak"
        actions = [e.action for e in session.exec(select(AuditEvent).where(AuditEvent.entity_key == barrier.code))]
        assert "citation-confirmed" in actions and "update" in actions
        assert len(pending(session, limit=1000)) == outbox_before + 1
    assert [p.raw for p in proposals(register)] == ["Bestuursdecreet"]


def test_confirm_on_a_stale_version_is_a_conflict(register):
    add_barrier(register)
    link_citations(engine=register, actor="linker")
    link_id = proposals(register)[0].id
    with pytest.raises(Conflict), session_scope(register) as session:
        confirm_link(session=session, barrier_code="DR-2030-001", link_id=link_id, actor="jurist",
                     expected_version=7)
    assert len(proposals(register)) == 2


def test_rejected_proposal_is_not_proposed_again(register):
    add_barrier(register)
    add_barrier(register, code="DR-2030-002", regulations=())
    link_citations(engine=register, actor="linker")
    bd = next(p for p in proposals(register) if p.raw == "Bestuursdecreet")
    with session_scope(register) as session:
        ref = reject_link(session=session, barrier_code="DR-2030-001", link_id=bd.id, actor="jurist")
    assert ref == "BD"
    again = link_citations(engine=register, actor="linker")
    assert again.proposed == 0
    assert [p.raw for p in proposals(register)] == ["art. 6.1.e AVG"]
    # The rejection holds for that barrier only.
    assert "Bestuursdecreet" in [p.raw for p in proposals(register, "DR-2030-002")]
    with session_scope(register) as session:
        assert session.get(BarrierRegulationLink, bd.id) is None
        (event,) = session.exec(select(AuditEvent).where(AuditEvent.action == "citation-rejected")).all()
        assert (event.entity_key, event.after, event.before, event.actor) == (
            "DR-2030-001", "BD", "Bestuursdecreet", "jurist")


def test_confirm_or_reject_needs_an_open_proposal_of_that_barrier(register):
    add_barrier(register)
    add_barrier(register, code="DR-2030-002")
    link_citations(engine=register, actor="linker")
    link_id = proposals(register)[0].id
    with pytest.raises(NotFound), session_scope(register) as session:
        reject_link(session=session, barrier_code="DR-2030-002", link_id=link_id, actor="jurist")
    with session_scope(register) as session:
        confirm_link(session=session, barrier_code="DR-2030-001", link_id=link_id, actor="jurist")
    with pytest.raises(NotFound), session_scope(register) as session:
        confirm_link(session=session, barrier_code="DR-2030-001", link_id=link_id, actor="jurist")


def test_import_hook_proposes_in_the_callers_transaction(register):
    add_barrier(register)
    add_barrier(register, code="DR-2030-002", regulations=("art. 6.1.e AVG", "Bestuursdecreet"))
    with session_scope(register) as session:
        report = propose_for_barriers(session, ["DR-2030-002"], ReferenceIndex(session), actor="import")
        assert [b.code for b in report.barriers] == ["DR-2030-002"]
        assert [p.ref for p in report.barriers[0].proposed] == ["DLB:285"]
        with pytest.raises(NotFound):
            propose_for_barriers(session, ["DR-9999-999"], ReferenceIndex(session))
    assert proposals(register) == []


# The hand-labelled evaluation set must stay true to the demo texts it annotates.

def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_eval_spans_are_slices_of_their_demo_texts():
    demo = {b["code"]: b for b in _jsonl(DEMO)}
    spans = _jsonl(EVAL)
    assert len(spans) >= 60
    for s in spans:
        value = demo[s["code"]][s["field"]]
        text = value[s["item"]] if s["field"] == "regulations" else value
        assert text[s["start"]:s["end"]] == s["text"], s
        assert s["text"] == s["text"].strip() and s["text"], s


def test_eval_refs_name_catalogue_regulations_and_spans_do_not_overlap():
    keys = {json.loads(line)["key"] for line in (ROOT / "corpus/regulations/catalogue.jsonl").read_text().splitlines()
            if line.strip()}
    spans = _jsonl(EVAL)
    for s in spans:
        assert s["ref"] is None or s["ref"].split(":")[0] in keys, s
    by_text: dict[tuple, list[tuple[int, int]]] = {}
    for s in spans:
        by_text.setdefault((s["code"], s["field"], s.get("item")), []).append((s["start"], s["end"]))
    for ranges in by_text.values():
        ranges.sort()
        assert all(a[1] <= b[0] for a, b in zip(ranges, ranges[1:])), ranges
