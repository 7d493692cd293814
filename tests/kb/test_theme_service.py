"""Theme services on SQLite and PostgreSQL: a stored run, curation that a later run respects, refusals."""

import pytest
from sqlmodel import Session, select

from kb.db import session_scope
from kb.errors import Conflict, ValidationFailed
from kb.models import AuditEvent, BarrierCreate, Theme
from kb.services import themes as service
from kb.services.barriers import create_barrier

CODES = [f"DR-2030-{i:03d}" for i in range(1, 7)]


def _run(members: dict[str, list[str]], labels: dict[str, str] | None = None) -> service.ThemeRun:
    labels = labels or {}
    return service.ThemeRun([service.RunTheme(key, labels.get(key, f"thema {key}"), ["term"], codes[0],
                                              {c: 0.5 for c in codes}) for key, codes in members.items()],
                            unassigned=[], coords={c: (0.1, 0.2) for c in CODES})


@pytest.fixture
def themed(engine):
    with session_scope(engine) as session:
        for code in CODES:
            create_barrier(session=session, data=BarrierCreate(code=code, title=f"Drempel {code}",
                                                               description="Tekst.", kind="juridisch"), actor="test")
        service.store_run(session=session, run=_run({"t1": CODES[:3], "t2": CODES[3:]}), actor="clustering")
    return engine


def _members(engine) -> dict[str, frozenset[str]]:
    with Session(engine) as session:
        return service.stored_themes(session).members


def test_a_run_stores_themes_and_members(themed):
    assert _members(themed) == {"t1": frozenset(CODES[:3]), "t2": frozenset(CODES[3:])}


def test_curation_is_kept_by_the_next_run_and_audited(themed):
    with session_scope(themed) as session:
        service.rename_theme(session=session, key="t1", label="Handtekeningen", actor="an")
        service.set_hidden(session=session, key="t2", hidden=True, actor="an")
        service.move_barrier(session=session, code=CODES[0], key="t2", actor="an")
    with session_scope(themed) as session:
        stored = service.stored_themes(session)
        assert stored.pinned == {CODES[0]: "t2"}
        # the clustering would put the pinned barrier back in t1 and rename t1; the pin is applied before storing
        run = _run({"t1": CODES[1:3], "t2": [CODES[0], *CODES[3:]]}, labels={"t1": "andere naam"})
        service.store_run(session=session, run=run, actor="clustering")
    with Session(themed) as session:
        t1, t2 = (service.get_theme(session, k) for k in ("t1", "t2"))
        assert (t1.label, t1.label_curated, t2.hidden) == ("Handtekeningen", True, True)
        actions = {(e.entity_key, e.action, e.actor) for e in session.exec(select(AuditEvent)
                                                                           .where(AuditEvent.entity == "theme"))}
    assert {("t1", "hernoemd", "an"), ("t2", "verborgen", "an"), ("t2", "drempel-vastgezet", "an")} <= actions


def test_merge_moves_members_pinned_and_marks_the_source(themed):
    with session_scope(themed) as session:
        service.merge_themes(session=session, source="t2", target="t1", actor="an")
    assert _members(themed) == {"t1": frozenset(CODES)}
    with Session(themed) as session:
        t2 = service.get_theme(session, "t2")
        assert (t2.state, t2.merged_into) == ("samengevoegd", "t1")
        assert set(service.stored_themes(session).pinned) == set(CODES[3:])


def test_a_theme_merged_into_itself_is_refused_in_dutch(themed):
    with pytest.raises(ValidationFailed) as refused, session_scope(themed) as session:
        service.merge_themes(session=session, source="t1", target="t1", actor="an")
    assert "met zichzelf" in str(refused.value)
    assert _members(themed)["t1"] == frozenset(CODES[:3])


def test_split_makes_a_new_theme_with_a_new_key(themed):
    with session_scope(themed) as session:
        part = service.split_theme(session=session, key="t1", codes=[CODES[0]], label="Apart", actor="an")
    assert part.key == "t3"
    assert _members(themed)["t3"] == frozenset([CODES[0]])
    with pytest.raises(ValidationFailed, match="minstens één drempel in het thema"), session_scope(themed) as s:
        service.split_theme(session=s, key="t2", codes=CODES[3:], label=None, actor="an")


def test_a_stale_curation_form_is_a_conflict_and_changes_nothing(themed):
    with Session(themed) as session:
        seen = service.get_theme(session, "t1").version
    with session_scope(themed) as session:
        service.rename_theme(session=session, key="t1", label="Eerste", actor="an", expected_version=seen)
    with pytest.raises(Conflict, match="intussen door iemand anders gewijzigd"), session_scope(themed) as session:
        service.rename_theme(session=session, key="t1", label="Tweede", actor="bo", expected_version=seen)
    with Session(themed) as session:
        assert service.get_theme(session, "t1").label == "Eerste"


def test_assignment_leaves_pinned_barriers_alone(themed):
    with session_scope(themed) as session:
        service.move_barrier(session=session, code=CODES[0], key="t2", actor="an")
        assert service.assign_barrier(session=session, code=CODES[0], theme_key="t1", confidence=0.9,
                                      text_hash="x") is False
        assert service.assign_barrier(session=session, code=CODES[1], theme_key=None, confidence=0.02,
                                      text_hash="y") is True
    with Session(themed) as session:
        assert service.stored_themes(session).members["t2"] >= {CODES[0]}
        assert CODES[1] not in service.stored_themes(session).members["t1"]


def test_new_keys_are_never_reused(themed):
    with session_scope(themed) as session:
        service.store_run(session=session, run=_run({"t1": CODES}), actor="clustering")
    with Session(themed) as session:
        assert service.get_theme(session, "t2").state == "verdwenen"
        assert service.key_maker(session)() == "t3"
        assert session.exec(select(Theme).where(Theme.key == "t2")).one().version > 1
