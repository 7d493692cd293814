"""Creating a barrier applies the same role rules as changing one: only the programme team publishes,
sets a status other than 'gemeld' or marks a record as demo."""

import pytest

from tests.web.conftest import csrf_of

BODY = {"title": "Aanvraag vraagt een papieren formulier", "description": "Het reglement eist een ondertekend "
        "origineel van het aanvraagformulier.", "kind": "procesmatig"}
PRIVILEGED = [{"is_public": True}, {"status": "opgelost"}, {"is_demo": True}]


@pytest.mark.parametrize("extra", PRIVILEGED, ids=lambda e: next(iter(e)))
def test_jurist_cannot_create_with_team_only_fields_via_api(site, extra):
    code = f"DR-2031-{next(iter(extra))}"
    response = site.api("jurist").post("/api/barriers", json={**BODY, "code": code, **extra})
    assert response.status_code == 403, response.text
    assert "programmateam" in response.json()["detail"]
    assert site.api("lezer").get(f"/api/barriers/{code}").status_code == 404


def test_jurist_cannot_publish_through_a_hand_made_form(site):
    client = site.client("jurist")
    form = {**BODY, "code": "DR-2031-100", "is_public": "on", "duplicate_ack": "on",
            "csrf": csrf_of(client, "/drempels/nieuw")}
    response = client.post("/drempels/nieuw", data=form)
    assert response.status_code == 403
    assert site.api("lezer").get("/api/barriers/DR-2031-100").status_code == 404


def test_programme_team_may_create_with_those_fields(site):
    body = {**BODY, "code": "DR-2031-200", "is_public": True, "status": "opgelost"}
    response = site.api("programmateam").post("/api/barriers", json=body)
    assert response.status_code == 201, response.text
    barrier = response.json()["barrier"]
    assert barrier["is_public"] is True and barrier["status"] == "opgelost"


def test_jurist_creates_an_ordinary_barrier(site):
    response = site.api("jurist").post("/api/barriers", json={**BODY, "code": "DR-2031-300", "is_public": False,
                                                               "status": "gemeld"})
    assert response.status_code == 201, response.text
