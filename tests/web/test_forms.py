"""New and edit forms, status changes, citations, users and tokens: allowed, refused and bad input."""

import re

from fastapi.testclient import TestClient

from tests.web.conftest import csrf_of

NEW = {"title": "Inschrijving voor de sportkampen vraagt een ondertekende papieren fiche",
       "description": "Ouders moeten het inschrijvingsformulier voor de sportkampen afdrukken, handtekenen en "
                      "binnenbrengen. Het reglement verwijst naar art. 285 DLB voor de bekendmaking.",
       "kind": "procesmatig", "werf": "frontoffice", "level": "lokaal", "severity": "3",
       "regulations": "", "projects": "", "municipalities": "Gent", "tags": "sport, handtekening",
       "duplicate_ack": "on"}  # these tests write near-copies on purpose; the warning has its own test


def post_form(client, url, data, csrf_page=None):
    return client.post(url, data={"csrf": csrf_of(client, csrf_page or url), **data})


def test_jurist_logs_a_barrier_and_it_is_searchable(site):
    client = site.client("jurist")
    response = post_form(client, "/drempels/nieuw", {**NEW, "code": "DR-2030-001"})
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"].startswith("/drempels/DR-2030-001")
    page = client.get("/drempels/DR-2030-001")
    assert NEW["title"] in page.text and "Bewerken" in page.text
    hits = site.api("lezer").get("/api/search", params={"q": "sportkampen"}).json()["hits"]
    assert "DR-2030-001" in [h["code"] for h in hits]


def test_field_errors_are_dutch_and_tied_to_their_fields(site):
    client = site.client("jurist")
    bad = {**NEW, "code": "DR 2030 002!", "title": "", "kind": "onbekend", "severity": "9", "reported_on": "31-02-2024"}
    response = post_form(client, "/drempels/nieuw", bad)
    assert response.status_code == 422
    html = response.text
    for field in ("code", "title", "kind", "severity", "reported_on"):
        assert f'id="fout-{field}"' in html, field
        assert re.search(rf'id="veld-{field}"[^>]*aria-describedby="[^"]*fout-{field}', html), field
    assert "verplicht veld ontbreekt" in html or "mag niet leeg zijn" in html
    assert "mag hoogstens 5 zijn" in html
    assert site.api("lezer").get("/api/barriers/DR 2030 002!").status_code == 404


def test_likely_duplicate_is_flagged_before_saving(site):
    client = site.client("jurist")
    original = site.api("lezer").get("/api/barriers/DR-2022-001").json()["barrier"]
    copy = {**NEW, "code": "DR-2030-003", "title": original["title"], "description": original["description"]}
    del copy["duplicate_ack"]
    warned = post_form(client, "/drempels/nieuw", copy)
    assert warned.status_code == 200
    assert "lijkt al in het register te staan" in warned.text and "DR-2022-001" in warned.text
    assert re.search(r"kans op dubbel (\d+)%", warned.text) and int(re.search(r"kans op dubbel (\d+)%",
                                                                             warned.text).group(1)) >= 50
    assert site.api("lezer").get("/api/barriers/DR-2030-003").status_code == 404
    saved = post_form(client, "/drempels/nieuw", {**copy, "duplicate_ack": "on"})
    assert saved.status_code == 303


def test_check_duplicate_api_has_the_cli_shape(site):
    original = site.api("lezer").get("/api/barriers/DR-2022-002").json()["barrier"]
    body = site.api("jurist").post("/api/check-duplicate", json={"title": original["title"],
                                                                 "description": original["description"]}).json()
    assert body["candidates"][0]["code"] == "DR-2022-002" and body["candidates"][0]["likely"] is True
    assert all(c["likely"] == (c["confidence"] >= 0.5) for c in body["candidates"])
    unrelated = site.api("jurist").post("/api/check-duplicate", json={"title": "Zwembad", "description": "chloor"})
    assert not any(c["likely"] for c in unrelated.json()["candidates"])


def test_citations_api_recognises_references(site):
    body = site.api("jurist").post("/api/citations", json={"text": "zie art. 6.1.e AVG en artikel 285 DLB"}).json()
    refs = [c["ref"] for c in body["citations"]]
    assert "DLB:285" in refs and any(r and r.startswith("AVG:6") for r in refs)


def test_jurist_edits_own_but_not_others(site):
    client = site.client("jurist")
    post_form(client, "/drempels/nieuw", {**NEW, "code": "DR-2030-004", "title": "Eigen drempel om te bewerken"})
    form = client.get("/drempels/DR-2030-004/bewerken")
    assert form.status_code == 200
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    edited = post_form(client, "/drempels/DR-2030-004/bewerken",
                       {**NEW, "title": "Eigen drempel, bewerkt", "version": version}, "/drempels/DR-2030-004/bewerken")
    assert edited.status_code == 303
    assert site.api("lezer").get("/api/barriers/DR-2030-004").json()["barrier"]["title"] == "Eigen drempel, bewerkt"
    assert client.get("/drempels/DR-2022-001/bewerken").status_code == 403
    refused = client.post("/drempels/DR-2022-001/bewerken", data={"csrf": csrf_of(client, "/"), **NEW, "version": "1"})
    assert refused.status_code == 403


def test_stale_edit_shows_what_changed_instead_of_overwriting(site):
    team = site.client("programmateam")
    form = team.get("/drempels/DR-2022-003/bewerken")
    version = re.search(r'name="version" value="(\d+)"', form.text).group(1)
    site.api("programmateam").patch("/api/barriers/DR-2022-003",
                                    json={"title": "Titel intussen gewijzigd door een collega", "version": int(version)})
    stale = post_form(team, "/drempels/DR-2022-003/bewerken",
                      {**NEW, "title": "Mijn titel", "version": version}, "/drempels/DR-2022-003/bewerken")
    assert stale.status_code == 409
    assert "Titel intussen gewijzigd door een collega" in stale.text and "Mijn titel" in stale.text
    current = site.api("lezer").get("/api/barriers/DR-2022-003").json()["barrier"]
    assert current["title"] == "Titel intussen gewijzigd door een collega"


def test_status_change_with_comment_appears_in_history(site):
    team = site.client("programmateam")
    page = team.get("/drempels/DR-2022-004")
    version = re.search(r'action="/drempels/DR-2022-004/status".*?name="version" value="(\d+)"', page.text, re.S).group(1)
    response = post_form(team, "/drempels/DR-2022-004/status",
                         {"status": "in-uitvoering", "comment": "Overleg met het agentschap gestart", "version": version},
                         "/drempels/DR-2022-004")
    assert response.status_code == 303
    history = site.api("lezer").get("/api/barriers/DR-2022-004").json()["status_history"]
    assert history[-1]["to_status"] == "in-uitvoering" and history[-1]["comment"] == "Overleg met het agentschap gestart"
    assert "Overleg met het agentschap gestart" in team.get("/drempels/DR-2022-004").text


def test_jurist_and_lezer_cannot_change_status(site):
    for role in ("lezer", "jurist"):
        client = site.client(role)
        response = post_form(client, "/drempels/DR-2022-004/status", {"status": "opgelost", "version": "1"}, "/")
        assert response.status_code == 403
        api = site.api(role).post("/api/barriers/DR-2022-004/status", json={"status": "opgelost"})
        assert api.status_code == 403


def test_lezer_cannot_create(site):
    assert post_form(site.client("lezer"), "/drempels/nieuw", {**NEW, "code": "DR-2030-009"}, "/").status_code == 403
    assert site.api("lezer").post("/api/barriers", json={**NEW, "code": "DR-2030-009", "severity": 3}).status_code == 403
    assert site.api().post("/api/barriers", json={**NEW, "code": "DR-2030-009"}).status_code == 401


def test_api_create_validates_in_dutch_and_detects_stale_updates(site):
    api = site.api("jurist")
    bad = api.post("/api/barriers", json={"code": "DR-2030-010", "title": "x", "description": "y", "kind": "raar"})
    assert bad.status_code == 422
    assert any(e["field"] == "kind" and "toegelaten" in e["message"] for e in bad.json()["errors"])
    body = {"code": "DR-2030-010", "title": "Via de API", "description": "Gemeld door een script", "kind": "technisch"}
    created = api.post("/api/barriers", json=body)
    assert created.status_code == 201 and created.json()["barrier"]["created_by"] == "jurist"
    assert api.patch("/api/barriers/DR-2030-010", json={"title": "Nieuw", "version": 1}).status_code == 200
    stale = api.patch("/api/barriers/DR-2030-010", json={"title": "Ouder", "version": 1})
    assert stale.status_code == 409
    assert any(c["field"] == "title" and c["after"] == "Nieuw" for c in stale.json()["changes"])


def test_proposed_citation_can_be_confirmed_or_rejected(site):
    client = site.client("jurist")
    post_form(client, "/drempels/nieuw", {**NEW, "code": "DR-2030-011", "title": "Citaat in de tekst"})
    page = client.get("/drempels/DR-2030-011")
    assert "Gevonden citaten in de tekst" in page.text and "art. 285 DLB" in page.text
    assert "citaat voorgesteld" in page.text and "citation-proposed" not in page.text  # history in Dutch
    data = site.api("lezer").get("/api/barriers/DR-2030-011").json()
    proposal = next(p for p in data["proposed_citations"] if p["ref"] == "DLB:285")
    assert "art. 285 DLB" not in data["barrier"]["regulations"]  # a proposal is not a citation yet
    response = post_form(client, "/drempels/DR-2030-011/citaties",
                         {"link": str(proposal["id"]), "action": "bevestigen",
                          "version": str(data["barrier"]["version"])}, "/drempels/DR-2030-011")
    assert response.status_code == 303
    data = site.api("lezer").get("/api/barriers/DR-2030-011").json()
    assert "art. 285 DLB" in data["barrier"]["regulations"]
    assert not [p for p in data["proposed_citations"] if p["id"]]
    stale = post_form(client, "/drempels/DR-2030-011/citaties",
                      {"link": str(proposal["id"]), "action": "verwerpen", "version": "1"}, "/drempels/DR-2030-011")
    assert stale.status_code in (404, 409)  # already confirmed, and the version is stale


def test_beheerder_creates_users_others_cannot(site):
    admin = site.client("beheerder")
    bad = post_form(admin, "/gebruikers", {"name": "nieuwe", "role": "koning", "password": "kort"})
    assert bad.status_code == 422 and 'id="fout-role"' in bad.text and 'id="fout-password"' in bad.text
    for address in ("jan.peeters", "jan@gemeente", "jan @gemeente.be", "a@b@gemeente.be"):
        refused = post_form(admin, "/gebruikers", {"name": "nieuwe", "role": "jurist", "password": "lang-genoeg-123",
                                                   "email": address})
        assert refused.status_code == 422 and 'id="fout-email"' in refused.text, address
        assert "geen geldig e-mailadres" in refused.text
    assert "nieuwe" not in {u["name"] for u in site.api("beheerder").get("/api/users").json()["data"]}
    good = post_form(admin, "/gebruikers", {"name": "nieuwe-jurist", "role": "jurist", "password": "lang-genoeg-123",
                                            "email": "jurist@gemeente.be"})
    assert good.status_code == 200 and "nieuwe-jurist" in good.text
    fresh = site.client()
    response = fresh.post("/aanmelden", data={"csrf": csrf_of(fresh), "name": "nieuwe-jurist",
                                              "password": "lang-genoeg-123", "next": "/drempels"})
    assert response.status_code == 303 and response.headers["location"] == "/drempels"
    team = site.client("programmateam")
    assert post_form(team, "/gebruikers", {"name": "x", "role": "lezer", "password": "lang-genoeg-123"}, "/").status_code == 403


def test_profile_creates_a_working_api_token(site):
    client = site.client("lezer")
    page = post_form(client, "/profiel/tokens", {}, "/profiel")
    token = re.search(r'id="nieuw-token" class="token" readonly value="([^"]+)"', page.text).group(1)
    api = site.api()
    assert api.get("/api/overview", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_beheerder_changes_role_and_deactivates_and_keeps_one_admin(site):
    admin = site.client("beheerder")
    post_form(admin, "/gebruikers", {"name": "tijdelijk", "role": "lezer", "password": "een-lang-wachtwoord"})
    changed = post_form(admin, "/gebruikers/tijdelijk", {"role": "jurist", "active": "on"}, "/gebruikers")
    assert changed.status_code == 200 and "Account tijdelijk werd bijgewerkt" in changed.text
    users = {u["name"]: u for u in site.api("beheerder").get("/api/users").json()["data"]}
    assert users["tijdelijk"]["role"] == "jurist" and users["tijdelijk"]["active"] is True
    user = site.client(None)
    login_page = user.post("/aanmelden", data={"csrf": csrf_of(user), "name": "tijdelijk",
                                               "password": "een-lang-wachtwoord"})
    assert login_page.status_code == 303
    page = post_form(user, "/profiel/tokens", {}, "/profiel")
    token = re.search(r'id="nieuw-token" class="token" readonly value="([^"]+)"', page.text).group(1)
    script = TestClient(site.app, headers={"Authorization": f"Bearer {token}"}, follow_redirects=False)
    assert script.get("/api/overview").status_code == 200
    post_form(admin, "/gebruikers/tijdelijk", {"role": "jurist"}, "/gebruikers")  # unchecked: deactivated
    assert user.get("/drempels").status_code in (302, 303, 401)  # the open session no longer counts
    assert script.get("/api/overview").status_code == 401  # nor does the account's API token
    last = post_form(admin, "/gebruikers/beheerder", {"role": "lezer", "active": "on"}, "/gebruikers")
    assert last.status_code == 422 and "laatste actieve beheerder" in last.text
    assert post_form(site.client("jurist"), "/gebruikers/tijdelijk", {"role": "beheerder", "active": "on"},
                     "/drempels").status_code == 403


def test_own_password_and_token_revocation(site):
    client = site.client("lezer")
    page = post_form(client, "/profiel/tokens", {}, "/profiel")
    token = page.text.split('id="nieuw-token" class="token" readonly value="')[1].split('"')[0]
    script = TestClient(site.app, headers={"Authorization": f"Bearer {token}"}, follow_redirects=False)
    assert script.get("/api/overview").status_code == 200
    token_id = max(t["id"] for t in client.get("/api/profile").json()["tokens"])
    assert post_form(client, f"/profiel/tokens/{token_id}/intrekken", {}, "/profiel").status_code == 303
    assert script.get("/api/overview").status_code == 401
    wrong = post_form(client, "/profiel/wachtwoord", {"current": "fout-wachtwoord", "password": "nieuw-wachtwoord-1"},
                      "/profiel")
    assert wrong.status_code == 422 and "Huidig wachtwoord: het huidige wachtwoord klopt niet" in wrong.text


def test_jurist_comments_lezer_cannot(site):
    jurist = site.client("jurist")
    added = post_form(jurist, "/drempels/DR-2022-001/opmerkingen", {"text": "Ook in Leuven gezien."},
                      "/drempels/DR-2022-001")
    assert added.status_code == 303
    page = jurist.get("/drempels/DR-2022-001")
    assert "Ook in Leuven gezien." in page.text and "Opmerking toevoegen" in page.text
    data = site.api("lezer").get("/api/barriers/DR-2022-001").json()
    assert [(c["by"], c["text"]) for c in data["comments"]][-1] == ("jurist", "Ook in Leuven gezien.")
    assert "Opmerking toevoegen" not in site.client("lezer").get("/drempels/DR-2022-001").text
    assert post_form(site.client("lezer"), "/drempels/DR-2022-001/opmerkingen", {"text": "x"},
                     "/drempels/DR-2022-001").status_code == 403
    assert post_form(jurist, "/drempels/DR-2022-001/opmerkingen", {"text": "   "},
                     "/drempels/DR-2022-001").status_code == 422
    api = site.api("jurist").post("/api/barriers/DR-2022-001/comments", json={"text": "Via een script."})
    assert api.status_code == 201 and api.json()["by"] == "jurist"
    assert site.api("jurist").post("/api/barriers/DR-0000-000/comments", json={"text": "x"}).status_code == 404


def test_an_overlong_status_comment_is_refused_and_nothing_changes(site):
    """The status form stored a 60,000-character comment; the API refused it. Both now refuse it."""
    team = site.client("programmateam")
    page = team.get("/drempels/DR-2022-005")
    version = re.search(r'action="/drempels/DR-2022-005/status".*?name="version" value="(\d+)"', page.text, re.S).group(1)
    before = site.api("lezer").get("/api/barriers/DR-2022-005").json()
    response = post_form(team, "/drempels/DR-2022-005/status",
                         {"status": "in-uitvoering", "comment": "x" * 60_000, "version": version}, "/drempels/DR-2022-005")
    assert response.status_code == 422
    assert "Toelichting" in response.text and "te lang" in response.text
    after = site.api("lezer").get("/api/barriers/DR-2022-005").json()
    assert after["barrier"]["version"] == before["barrier"]["version"]
    assert after["status_history"] == before["status_history"]
