"""A newer version of a regulation updates changed articles, marks removed ones and flags barriers."""

import pytest
from sqlmodel import select

from ingest.regulation_import import import_regulation_objects, parse_regulation
from kb.db import session_scope
from kb.errors import ValidationFailed
from kb.models import Article, BarrierCreate
from kb.services.barriers import create_barrier, get_barrier
from kb.services.regulations import get_regulation
from kb.validation import validate


def regulation(articles: list[tuple[str, str]]) -> dict:
    return {"key": "TESTDECREET", "title": "Testdecreet over digitale dienstverlening", "kind": "decreet",
            "level": "vlaams", "abbreviations": ["TD"], "date": "2020-01-01",
            "articles": [{"number": n, "text": t, "path": ["Hoofdstuk 1"]} for n, t in articles]}


def load(engine, data: dict):
    report = import_regulation_objects(engine=engine, items=[("test.json", None, data)], actor="test")
    assert not report.rejected, report.rejected
    return report.versions[0]


def test_new_version_flags_linked_barriers(engine):
    load(engine, regulation([("1", "Eerste tekst."), ("2", "Tweede tekst."), ("3", "Derde tekst.")]))
    with session_scope(engine) as session:
        for code, citation in (("DR-1", "art. 2 TD"), ("DR-2", "art. 3 TD"), ("DR-3", "art. 1 TD")):
            create_barrier(session=session, actor="t", data=validate(BarrierCreate, {
                "code": code, "title": "Drempel", "description": "Omschrijving", "kind": "juridisch",
                "regulations": [citation]}))
    version = load(engine, regulation([("1", "Eerste tekst."), ("2", "Tweede tekst, gewijzigd.")]))
    assert (version.outcome, version.changed, version.removed) == ("updated", ["2"], ["3"])
    assert sorted(version.flagged_barriers) == ["DR-1", "DR-2"]
    with session_scope(engine) as session:
        assert get_barrier(session, "DR-1").needs_review and "art. 2 gewijzigd" in get_barrier(session, "DR-1").review_note
        assert "art. 3 opgeheven" in get_barrier(session, "DR-2").review_note
        assert not get_barrier(session, "DR-3").needs_review
        reg = get_regulation(session, "TESTDECREET")
        removed = session.exec(select(Article).where(Article.regulation_id == reg.id, Article.number == "3")).one()
        assert removed.status == "opgeheven" and removed.text == "Derde tekst."


def test_same_version_twice_changes_nothing(engine):
    data = regulation([("1", "Eerste tekst.")])
    assert load(engine, data).outcome == "created"
    assert load(engine, data).outcome == "unchanged"


def test_metadata_only_import_keeps_articles(engine):
    load(engine, regulation([("1", "Eerste tekst.")]))
    version = load(engine, regulation([]))
    assert version.removed == []
    with session_scope(engine) as session:
        reg = get_regulation(session, "TESTDECREET")
        assert session.exec(select(Article).where(Article.regulation_id == reg.id)).one().status == "geldend"


@pytest.mark.parametrize("change, field, message", [
    ({"kind": "wetje"}, "kind", "onbekende waarde 'wetje'"),
    ({"key": "D L B"}, "key", "geen geldige vorm"),
    ({"date": "22-12-2017"}, "date", "geen geldige datum"),
    ({"articles": [{"number": "1", "text": "a"}, {"number": "1", "text": "b"}]}, "articles.1.number",
     "komt twee keer voor"),
    ({"articles": [{"text": "zonder nummer"}]}, "articles.0.number", "verplicht veld ontbreekt"),
])
def test_bad_regulation_objects_are_refused_with_field(change, field, message):
    with pytest.raises(ValidationFailed) as caught:
        parse_regulation({**regulation([]), **change}, file="x.json", line=4)
    error = caught.value.errors[0]
    assert (error.field, error.file, error.line) == (field, "x.json", 4) and message in error.message
