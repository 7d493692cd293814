"""Themes of a real register (the shipped demo barriers in a SQLite file): stable ids, curation that
survives a re-run, assignment of new barriers, emerging patterns, and refusals in Dutch."""

import datetime as dt
import json

import pytest
from sqlmodel import Session, select

from kb.db import make_engine, migrate, session_scope
from kb.models import BarrierCreate, Theme, ThemeMember
from kb.services import themes as service
from kb.services.barriers import create_barrier, get_barrier
from search.service import load_thesaurus
from search.theme_store import EMERGING_CACHE, ThemeAssigner, ThemesRefused, emerging, recluster
from tests.conftest import CORPUS

THESAURUS = load_thesaurus(CORPUS)
NEW = [("Aangetekende zending voor bezwaar tegen retributie", "Een bezwaar tegen de retributie moet per "
        "aangetekende zending; een elektronische aangetekende zending wordt niet aanvaard."),
       ("Handgeschreven handtekening op aanvraagformulier", "Het formulier vraagt een handgeschreven handtekening;"
        " een gekwalificeerde elektronische handtekening wordt geweigerd."),
       ("Bekendmaking van het reglement enkel door aanplakking", "Het reglement wordt bekendgemaakt door "
        "aanplakking aan het gemeentehuis, niet op de website.")]


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    from ingest.corpus import load_demo, load_reference

    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('themes') / 'register.db'}")
    migrate(engine)
    load_demo(engine=engine, corpus=CORPUS, report=load_reference(engine=engine, corpus=CORPUS))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def first(demo_engine):
    return recluster(demo_engine, thesaurus=THESAURUS)


def _add(engine, items, year=2031):
    with session_scope(engine) as session:
        for i, (title, text) in enumerate(items, 1):
            create_barrier(session=session, data=BarrierCreate(code=f"DR-{year}-{i:03d}", title=title,
                                                               description=text, kind="juridisch"), actor="test")


def test_every_theme_has_a_key_label_terms_and_members(first):
    assert first.themes and [t["id"] for t in first.themes] == [f"t{i}" for i in range(1, len(first.themes) + 1)]
    assert all(t["label"] and t["terms"] and len(t["members"]) >= 2 for t in first.themes)


def test_a_second_run_gives_the_same_themes(demo_engine, first):
    assert recluster(demo_engine, thesaurus=THESAURUS).as_json() == first.as_json()


def test_curation_survives_a_rerun_and_new_barriers_keep_the_ids(demo_engine, first):
    by_id = {t["id"]: set(t["members"]) for t in first.themes}
    moved = sorted(by_id["t2"])[0]
    with session_scope(demo_engine) as session:
        service.rename_theme(session=session, key="t1", label="Onze naam voor t1", actor="programmateam")
        service.set_hidden(session=session, key="t3", hidden=True, actor="programmateam")
        service.move_barrier(session=session, code=moved, key="t4", actor="programmateam")
    _add(demo_engine, NEW)
    again = {t["id"]: t for t in recluster(demo_engine, thesaurus=THESAURUS).themes}
    assert again["t1"]["label"] == "Onze naam voor t1" and again["t3"]["hidden"] is True
    assert moved in again["t4"]["members"] and moved not in again["t2"]["members"]
    for key, members in by_id.items():  # every theme persists and keeps most of its barriers
        assert key in again, key
        assert len(members & set(again[key]["members"])) >= len(members) / 2, key


def test_new_barrier_is_assigned_once_with_a_confidence(demo_engine, first):
    # A new barrier written as the one that best represents theme t1 belongs in t1.
    with Session(demo_engine) as session:
        twin = get_barrier(session, session.exec(select(Theme).where(Theme.key == "t1")).one().representative)
    _add(demo_engine, [(twin.title, twin.description)], year=2032)
    assigner = ThemeAssigner(demo_engine, thesaurus=THESAURUS)
    report = assigner.assign(["DR-2032-001"])
    assert set(report) == {"DR-2032-001"}
    assert report["DR-2032-001"]["theme"] == "t1" and 0 < report["DR-2032-001"]["confidence"] <= 1
    assert assigner.assign(["DR-2032-001"]) == {}  # same text: not assigned again
    with Session(demo_engine) as session:
        member = session.exec(select(ThemeMember).where(
            ThemeMember.barrier_id == get_barrier(session, "DR-2032-001").id)).one()
        assert (member.source, member.needs_review) == ("toewijzing", False)


def test_unrelated_text_is_marked_for_review(demo_engine, first):
    _add(demo_engine, [("Kleur van de parkeerbordjes", "De kleur van de parkeerbordjes aan de sporthal is "
                                                          "verbleekt door zonlicht.")], year=2033)
    report = ThemeAssigner(demo_engine, thesaurus=THESAURUS).assign(["DR-2033-001"])
    assert report["DR-2033-001"]["theme"] is None
    with Session(demo_engine) as session:
        member = session.exec(select(ThemeMember).where(
            ThemeMember.barrier_id == get_barrier(session, "DR-2033-001").id)).one()
        assert member.needs_review is True


def test_recent_barriers_without_theme_form_new_patterns(demo_engine, first):
    pattern = [("Drone-inspectie van daken vraagt papieren vergunning", "Voor een drone-inspectie van daken "
                "vraagt de gemeente een papieren dronevergunning met stempel."),
               ("Dronevergunning voor inspectie enkel op papier", "De dronevergunning voor inspectie van daken "
                "kan enkel op papier met stempel aangevraagd worden.")]
    _add(demo_engine, pattern, year=2034)
    with session_scope(demo_engine) as session:
        for code in ("DR-2034-001", "DR-2034-002"):
            service.assign_barrier(session=session, code=code, theme_key=None, confidence=0.0, text_hash="x")
    with Session(demo_engine) as session:
        found = emerging(session, today=dt.date.today(), thesaurus=THESAURUS)
        later = emerging(session, today=dt.date.today() + dt.timedelta(days=200), thesaurus=THESAURUS)
    assert any({"DR-2034-001", "DR-2034-002"} <= set(p["members"]) for p in found), found
    assert later == []


def test_new_patterns_are_grouped_again_only_when_the_register_changes(demo_engine, first):
    database = str(demo_engine.url)
    today = dt.date.today()
    with Session(demo_engine) as session:
        found = emerging(session, today=today, thesaurus=THESAURUS)
        entry = EMERGING_CACHE.entries[database]
        assert emerging(session, today=today, thesaurus=THESAURUS) == found
        assert EMERGING_CACHE.entries[database] is entry  # a second view reuses the grouping
    _add(demo_engine, [("Drone-inspectie van bruggen vraagt papieren vergunning", "Voor drone-inspectie van "
                        "bruggen vraagt de gemeente een papieren dronevergunning met stempel.")], year=2035)
    with Session(demo_engine) as session:
        again = emerging(session, today=today, thesaurus=THESAURUS)
        assert EMERGING_CACHE.entries[database] is not entry  # a new barrier: grouped again
        assert EMERGING_CACHE.entries[database][1] == again


@pytest.mark.parametrize("texts, message", [
    ([], "leeg"),
    ([("Eén drempel", "Enkel deze.")], "maar één drempel"),
    ([("Zelfde", "Zelfde tekst."), ("Zelfde", "Zelfde tekst."), ("Zelfde", "Zelfde tekst.")], "dezelfde tekst"),
])
def test_registers_that_cannot_be_grouped_are_refused_in_dutch(tmp_path, texts, message):
    engine = make_engine(f"sqlite:///{tmp_path / 'klein.db'}")
    migrate(engine)
    _add(engine, texts)
    with pytest.raises(ThemesRefused, match=message):
        recluster(engine, thesaurus=THESAURUS)
    with Session(engine) as session:
        assert not service.has_themes(session)
    engine.dispose()


def test_cluster_json_twice_is_identical(tmp_path):
    from tests.test_cli import run

    home = tmp_path / "register"
    assert run(home, "init", "--demo").returncode == 0
    outputs = [run(home, "cluster", "--json") for _ in range(2)]
    assert [o.returncode for o in outputs] == [0, 0], outputs[0].stderr
    assert outputs[0].stdout == outputs[1].stdout
    themes = json.loads(outputs[0].stdout)["themes"]
    assert themes[0]["id"] == "t1" and {"id", "label", "terms", "members"} <= set(themes[0])
    assert all(m.startswith("DR-") for t in themes for m in t["members"])


def test_cluster_on_an_empty_register_exits_1_with_a_dutch_message(tmp_path):
    from tests.test_cli import run

    home = tmp_path / "leeg"
    assert run(home, "init").returncode == 0
    result = run(home, "cluster", "--json")
    assert result.returncode == 1 and "leeg" in result.stderr and "Traceback" not in result.stderr


def test_a_full_rerun_may_regroup_but_keeps_pins_names_and_records_what_changed(demo_engine, first):
    with session_scope(demo_engine) as session:  # the same curation as above, whichever test ran first
        service.rename_theme(session=session, key="t1", label="Onze naam voor t1", actor="programmateam")
    result = recluster(demo_engine, thesaurus=THESAURUS, full=True)
    themes = {t["id"]: t for t in result.themes}
    assert themes["t1"]["label"] == "Onze naam voor t1"
    assert all(e["kind"] in ("kept", "new", "split", "merged", "gone") for e in result.events)
    with Session(demo_engine) as session:
        for code, key in service.stored_themes(session).pinned.items():
            assert code in themes[key]["members"]
