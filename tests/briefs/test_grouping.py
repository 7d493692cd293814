"""A brief groups by kind until the register has themes, then by the theme's name."""

import json

from sqlmodel import Session, select

from briefs.grouping import NO_THEME, display, theme_labels
from kb.models import Barrier, Theme, ThemeMember
from search.theme_store import recluster
from tests.conftest import CORPUS


def test_kind_before_themes_then_theme_names(demo_sqlite):
    with Session(demo_sqlite) as session:
        before = theme_labels(session)
    assert len(before) == 50 and set(before.values()) <= {"Juridisch", "Procesmatig", "Technisch",
                                                          "Organisatorisch", "Financieel"}
    thesaurus = json.loads((CORPUS / "thesaurus.json").read_text(encoding="utf-8"))
    recluster(demo_sqlite, thesaurus=thesaurus, actor="test")
    with Session(demo_sqlite) as session:
        after = theme_labels(session)
        stored = dict(session.exec(select(Barrier.code, Theme.label)
                                   .join(ThemeMember, ThemeMember.barrier_id == Barrier.id)
                                   .join(Theme, Theme.id == ThemeMember.theme_id)).all())
    assert set(after) == set(before)
    assert all(after[code] == (display(stored[code]) if code in stored else NO_THEME) for code in after)
    assert display("aangetekende zending") == "Aangetekende zending" and display("eID-kaart") == "eID-kaart"
    assert len(set(after.values())) > 5
