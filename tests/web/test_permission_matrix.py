"""Every route and method, for each role and for an anonymous visitor: allowed or refused as the
role rules say. A new route without an entry here makes the test fail."""

import pytest
from fastapi.routing import APIRoute

from tests.web.conftest import ROLES, csrf_of

ANYONE, LEZER, JURIST, TEAM, ADMIN = "iedereen", "lezer", "jurist", "programmateam", "beheerder"
CODE = "DR-2035-001"  # logged by the jurist in the fixture, so the jurist may edit it
MINIMUM = {
    ("GET", "/healthz"): ANYONE, ("GET", "/docs"): ANYONE, ("GET", "/openapi.json"): ANYONE,
    ("GET", "/aanmelden"): ANYONE, ("POST", "/aanmelden"): ANYONE, ("POST", "/afmelden"): ANYONE,
    ("GET", "/profiel"): LEZER, ("GET", "/api/profile"): LEZER, ("POST", "/profiel/tokens"): LEZER,
    ("POST", "/profiel/tokens/{token_id}/intrekken"): LEZER, ("POST", "/profiel/wachtwoord"): LEZER,
    ("GET", "/gebruikers"): ADMIN, ("GET", "/api/users"): ADMIN, ("POST", "/gebruikers"): ADMIN,
    ("POST", "/gebruikers/{name}"): ADMIN,
    ("GET", "/drempels/nieuw"): JURIST, ("POST", "/drempels/nieuw"): JURIST,
    ("GET", "/drempels/{code}/bewerken"): JURIST, ("POST", "/drempels/{code}/bewerken"): JURIST,
    ("POST", "/drempels/{code}/status"): TEAM, ("POST", "/drempels/{code}/opmerkingen"): JURIST,
    ("POST", "/api/barriers/{code}/comments"): JURIST, ("POST", "/drempels/{code}/citaties"): JURIST,
    ("POST", "/api/barriers"): JURIST, ("PATCH", "/api/barriers/{code}"): JURIST,
    ("POST", "/api/barriers/{code}/status"): TEAM,
    ("POST", "/api/check-duplicate"): LEZER, ("POST", "/api/citations"): LEZER,
    ("GET", "/importeren"): TEAM, ("POST", "/importeren"): TEAM, ("POST", "/importeren/bevestigen"): TEAM,
    ("GET", "/nota"): LEZER, ("GET", "/api/nota"): LEZER, ("GET", "/nota/{brief_id}/download"): LEZER,
    ("POST", "/nota/maken"): TEAM,
    ("POST", "/themas/herberekenen"): TEAM, ("POST", "/api/themes/recluster"): TEAM,
    ("POST", "/themas/{key}/hernoemen"): TEAM, ("POST", "/themas/{key}/verbergen"): TEAM,
    ("POST", "/themas/{key}/samenvoegen"): TEAM, ("POST", "/themas/{key}/splitsen"): TEAM,
    ("POST", "/drempels/{code}/thema"): TEAM, ("POST", "/api/themes/{key}"): TEAM,
    ("POST", "/api/barriers/{code}/theme"): TEAM,
    **{("GET", path): LEZER for path in (
        "/", "/drempels", "/drempels/{code}", "/regelgeving", "/regelgeving/{key}",
        "/regelgeving/{key}/artikels/{number}", "/projecten", "/projecten/{code}", "/gemeenten", "/gemeenten/{nis}",
        "/api/overview", "/api/search", "/api/barriers", "/api/barriers/{code}", "/api/barriers/{code}/similar",
        "/api/regulations", "/api/regulations/{key}", "/api/regulations/{key}/articles/{number}", "/api/projects",
        "/api/projects/{code}", "/api/municipalities", "/api/municipalities/{nis}", "/themas", "/api/themes",
        "/themas/{key}", "/api/themes/{key}")},
}
RANK = {ANYONE: 0, LEZER: 1, JURIST: 2, TEAM: 3, ADMIN: 4}


def routes(app) -> set[tuple[str, str]]:
    found = set()
    for entry in app.routes:
        for route in getattr(getattr(entry, "original_router", None), "routes", [entry]):
            if isinstance(route, APIRoute) or getattr(route, "path", "") == "/openapi.json":
                found |= {(method, route.path) for method in route.methods - {"HEAD"}}
    return found


@pytest.fixture(scope="module")
def values(site):
    created = site.api("jurist").post("/api/barriers", json={
        "code": CODE, "title": "Testdrempel voor de rechtenmatrix", "description": "Alleen voor de test.",
        "kind": "technisch"})
    assert created.status_code == 201, created.text
    project = site.api("lezer").get("/api/projects").json()["data"][0]["code"]
    return {"code": CODE, "key": "AVG", "number": "6", "nis": "44021", "token_id": "999999", "name": "niemand",
            "project": project, "brief_id": "999999"}


def test_every_route_is_in_the_matrix(site):
    assert routes(site.app) == set(MINIMUM)


def _url(path: str, values: dict) -> str:
    url = path.replace("/projecten/{code}", f"/projecten/{values['project']}")
    url = url.replace("/api/projects/{code}", f"/api/projects/{values['project']}")
    for name, value in values.items():
        url = url.replace("{" + name + "}", value)
    return url


def _send(client, method: str, url: str, csrf: str | None):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.request(method, url, json={}, headers={"X-CSRF-Token": csrf} if csrf else {})
    return client.request(method, url, data={"csrf": csrf} if csrf else {})


@pytest.mark.parametrize("who", [None, *ROLES], ids=lambda r: r or "anoniem")
def test_each_role_gets_what_the_rules_say(site, values, who):
    if who is None:
        client = site.client()
        csrf = csrf_of(client)
    else:
        client, csrf = site.api(who), None
    wrong = []
    for (method, path), minimum in sorted(MINIMUM.items(), key=lambda item: item[0][1]):
        response = _send(client, method, _url(path, values), csrf)
        status, location = response.status_code, response.headers.get("location", "")
        refused = status in (401, 403) or (status == 303 and location.startswith("/aanmelden?volgende="))
        allowed = RANK[who or ANYONE] >= RANK[minimum]
        if status >= 500 or allowed == refused:
            wrong.append(f"{method} {path}: {status} {location}")
        if refused and who is None and not (status == 401 if path.startswith("/api/") else status == 303):
            wrong.append(f"{method} {path}: anonymous gets {status} (API: 401, pages: to the login page)")
        if refused and who is not None and status != 403:
            wrong.append(f"{method} {path}: {who} gets {status} instead of 403")
    assert wrong == []
