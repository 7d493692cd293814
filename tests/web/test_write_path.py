"""One path after every write: each entry point leaves the outbox empty, the index showing the write
and the citation linker's proposals stored; and updates are validated exactly like creates."""

import json
import re

import pytest
from sqlmodel import Session, select

from kb.models import Barrier
from kb.services.barriers import get_barrier
from kb.services.citation_links import list_proposals
from kb.services.outbox import pending_count
from tests.test_cli import run
from tests.web.conftest import csrf_of
from tests.web.test_import import confirm, upload

CITING = "Het reglement verwijst voor de kennisgeving naar art. 6 AVG; dat blokkeert de digitale aanvraag."


def derived_stores_follow(rt, code: str, word: str) -> None:
    """The after-commit steps ran: nothing pending, the index finds the word, the citation is proposed."""
    with Session(rt.engine) as session:
        assert pending_count(session) == 0
        barrier = get_barrier(session, code)
        assert [link.article_number for link in list_proposals(session, barrier.id)] == ["6"]
    assert code in [hit.code for hit in rt.search.search(word).hits]


def test_form_create(site):
    client = site.client("jurist")
    form = {"code": "DR-2040-001", "title": "Kampvuurvergunning enkel op papier", "kind": "procesmatig",
            "description": f"Kampvuurvergunning aanvragen kan niet online. {CITING}", "duplicate_ack": "on"}
    response = client.post("/drempels/nieuw", data={"csrf": csrf_of(client, "/drempels/nieuw"), **form})
    assert response.status_code == 303, response.text[:300]
    derived_stores_follow(site.rt, "DR-2040-001", "kampvuurvergunning")


def test_api_create_and_update(site):
    api = site.api("jurist")
    body = {"code": "DR-2040-002", "title": "Hondenpenning", "description": "Een hondenpenning haal je aan het "
            "loket.", "kind": "procesmatig"}
    assert api.post("/api/barriers", json=body).status_code == 201
    changed = api.patch("/api/barriers/DR-2040-002", json={"description": f"Hondenpenningregister. {CITING}",
                                                          "version": 1})
    assert changed.status_code == 200, changed.text
    derived_stores_follow(site.rt, "DR-2040-002", "hondenpenningregister")


def test_web_import(site):
    team = site.client("programmateam")
    csv = f'code;title;description;kind\nDR-2040-003;Zwembadabonnement;"Zwembadabonnementen. {CITING}";procesmatig\n'
    preview = upload(team, "drempels.csv", csv.encode())
    assert preview.status_code == 200
    assert confirm(team, preview.text, partial=False).status_code == 200
    derived_stores_follow(site.rt, "DR-2040-003", "zwembadabonnement")


def test_cli_import_and_restore(tmp_path):
    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime

    home = tmp_path / "register"
    assert run(home, "init").returncode == 0
    rows = tmp_path / "drempels.jsonl"
    rows.write_text(json.dumps({"code": "DR-2040-004", "title": "Ligplaatsvergunning", "kind": "procesmatig",
                                "description": f"Ligplaatsvergunning voor woonboten. {CITING}"}) + "\n")
    result = run(home, "import", "barriers", str(rows), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["citations"]["totals"]["proposed"] == 1
    backup = tmp_path / "register.jsonl.gz"
    assert run(home, "backup", str(backup)).returncode == 0
    other = tmp_path / "elders"
    assert run(other, "init").returncode == 0
    assert run(other, "restore", str(backup)).returncode == 0
    for folder in (home, other):
        rt = Runtime(Settings(home=folder))
        try:
            derived_stores_follow(rt, "DR-2040-004", "ligplaatsvergunning")
        finally:
            rt.close()


# -- updates are validated like creates (form and API) ------------------------------------------

BAD_VALUES = [
    ("title", "   "), ("title", None), ("title", "x" * 301), ("description", " \n "), ("description", None),
    ("proposed_solution", "x" * 60_000), ("reported_by", "R" * 500), ("kind", None), ("kind", "magisch"),
    ("severity", 9), ("reported_on", "2024-13-01"), ("tags", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[f"{f}={str(v)[:8]!r}" for f, v in BAD_VALUES])
def test_api_refuses_on_update_what_create_refuses(site, field, value):
    api = site.api("programmateam")
    base = {"code": "DR-2040-100", "title": "Een geldige titel", "description": "Een geldige omschrijving.",
            "kind": "technisch"}
    created = api.post("/api/barriers", json={**base, field: value})
    assert created.status_code == 422, (field, created.text[:200])
    assert field in created.text
    api.post("/api/barriers", json=base)
    before = api.get("/api/barriers/DR-2040-100").json()["barrier"]
    response = api.patch("/api/barriers/DR-2040-100", json={field: value, "version": before["version"]})
    assert response.status_code == 422, response.text[:300]
    assert field in response.json()["errors"][0]["field"]
    after = api.get("/api/barriers/DR-2040-100")
    assert after.status_code == 200 and after.json()["barrier"] == before  # nothing stored
    assert api.get("/api/barriers").status_code == 200


@pytest.mark.parametrize("body", [{"status": "opgelost", "version": 1}, {"title": "Zonder versie"},
                                  {"is_demo": True, "version": 1}, {"code": "ANDERS", "version": 1}])
def test_api_update_refuses_status_create_only_fields_and_missing_version(site, body):
    api = site.api("programmateam")
    response = api.patch("/api/barriers/DR-2022-004", json=body)
    assert response.status_code == 422, response.text[:300]
    assert re.search(r"status|versie|version|demo|sleutel", response.text)


def test_edit_form_refuses_long_values_and_the_page_still_opens(site):
    team = site.client("programmateam")
    form = team.get("/drempels/DR-2022-005/bewerken")
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    fields = {name: value for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', form.text)}
    data = {**fields, "title": "Een titel", "description": "Een omschrijving", "kind": "juridisch",
            "proposed_solution": "x" * 60_000, "reported_by": "R" * 500, "version": version}
    response = team.post("/drempels/DR-2022-005/bewerken",
                         data={**data, "csrf": csrf_of(team, "/drempels/DR-2022-005/bewerken")})
    assert response.status_code == 422
    assert 'id="fout-proposed_solution"' in response.text and 'id="fout-reported_by"' in response.text
    with Session(site.rt.engine) as session:
        stored = session.exec(select(Barrier).where(Barrier.code == "DR-2022-005")).one()
        assert stored.version == int(version) and len(stored.proposed_solution or "") < 60_000
    assert team.get("/drempels/DR-2022-005").status_code == 200
    assert team.get("/drempels/DR-2022-005/bewerken").status_code == 200
