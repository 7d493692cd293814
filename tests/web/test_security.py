"""Sessions, CSRF, login throttling, security headers, sanitised Markdown, PUBLIC_READ, first beheerder."""

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kb.db import session_scope
from kb.models import User
from sqlmodel import select
from tests.web.conftest import PASSWORD, Register, csrf_of, make_register
from kb.services.users import ensure_first_admin
from web.auth import SESSION_SECONDS, SessionData, encode_session, fingerprint


def test_security_headers_on_pages_and_api(site):
    for response in (site.client().get("/aanmelden"), site.api("lezer").get("/api/overview")):
        csp = response.headers["content-security-policy"]
        script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


def test_templates_have_no_inline_script(site):
    html = site.client("beheerder").get("/drempels/nieuw").text
    assert "<script>" not in html and " onclick=" not in html and 'src="/static/app.js"' in html


def test_session_cookie_flags(site):
    response = site.client().get("/aanmelden")
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    https = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
    assert "secure" in https.get("/aanmelden").headers["set-cookie"].lower()


@pytest.mark.parametrize("token", [None, "vals"])
def test_forms_without_a_valid_csrf_token_are_refused(site, token):
    client = site.client("programmateam")
    data = {"status": "opgelost", "version": "1", **({"csrf": token} if token else {})}
    response = client.post("/drempels/DR-2022-005/status", data=data)
    assert response.status_code == 403 and "CSRF" in response.text
    login_attempt = site.client().post("/aanmelden", data={"name": "lezer", "password": PASSWORD})
    assert login_attempt.status_code == 403


def test_json_writes_from_a_session_need_the_csrf_header(site):
    client = site.client("jurist")
    body = {"title": "a", "description": "b"}
    assert client.post("/api/check-duplicate", json=body).status_code == 403
    token = csrf_of(client, "/")
    assert client.post("/api/check-duplicate", json=body, headers={"X-CSRF-Token": token}).status_code == 200


def test_login_failures_are_throttled(site):
    client = site.client()
    for _ in range(5):
        wrong = client.post("/aanmelden", data={"csrf": csrf_of(client), "name": "beheerder", "password": "fout"})
        assert wrong.status_code == 400 and "verkeerd wachtwoord" in wrong.text
    blocked = client.post("/aanmelden", data={"csrf": csrf_of(client), "name": "beheerder", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    site.app.state.throttle.succeeded("beheerder")


def test_expired_and_forged_sessions_send_to_login(site):
    with session_scope(site.rt.engine) as session:
        user = session.exec(select(User).where(User.name == "lezer")).one()
        old = SessionData(user="lezer", fingerprint=fingerprint(user), issued=time.time() - SESSION_SECONDS - 60)
    client = site.client()
    client.cookies.set("drempelbank_sessie", encode_session(site.app.state.secret, old))
    response = client.get("/drempels")
    assert response.status_code == 303 and "melding=verlopen" in response.headers["location"]
    assert "Uw sessie is verlopen" in client.get(response.headers["location"]).text
    forged = site.client()
    forged.cookies.set("drempelbank_sessie", encode_session(b"niet-de-sleutel" * 2, SessionData(user="beheerder")))
    assert forged.get("/gebruikers").status_code == 303


def test_logout_ends_the_session(site):
    client = site.client("lezer")
    assert client.get("/drempels").status_code == 200
    assert client.post("/afmelden", data={"csrf": csrf_of(client, "/")}).status_code == 303
    assert client.get("/drempels").status_code == 303


def test_markdown_is_sanitised(site):
    evil = ("**vet** <script>alert('x')</script> <img src=x onerror=alert(1)> "
            "[klik](javascript:alert(1)) [goed](https://www.vlaanderen.be)")
    api = site.api("jurist")
    assert api.post("/api/barriers", json={"code": "DR-2030-666", "title": "<b>Titel</b>", "description": evil,
                                           "kind": "technisch"}).status_code == 201
    html = site.client("lezer").get("/drempels/DR-2030-666").text
    assert "<strong>vet</strong>" in html and 'href="https://www.vlaanderen.be"' in html
    assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert 'href="javascript:' not in html and "<b>Titel</b>" not in html and "&lt;b&gt;Titel" in html


def test_upload_of_wrong_type_and_oversized_and_missing_file(site):
    client = site.client("programmateam")
    csrf = csrf_of(client, "/importeren")
    wrong = client.post("/importeren", data={"csrf": csrf, "kind": "drempels"},
                        files={"file": ("virus.exe", b"MZ\x90\x00", "application/octet-stream")})
    assert wrong.status_code == 422 and "wordt niet aanvaard" in wrong.text
    missing = client.post("/importeren", data={"csrf": csrf, "kind": "drempels"})
    assert missing.status_code == 422


@pytest.fixture(scope="module")
def public_site(tmp_path_factory) -> Iterator[Register]:
    yield from make_register(tmp_path_factory, public_read=True, max_upload_bytes=4096)


def test_public_read_shows_only_public_barriers(public_site):
    team = public_site.api("programmateam")
    version = team.get("/api/barriers/DR-2022-001").json()["barrier"]["version"]
    assert team.patch("/api/barriers/DR-2022-001", json={"is_public": True, "version": version}).status_code == 200
    anonymous = public_site.client()
    listing = anonymous.get("/drempels")
    assert listing.status_code == 200 and "DR-2022-001" in listing.text and "DR-2022-002" not in listing.text
    assert anonymous.get("/drempels/DR-2022-001").status_code == 200
    assert anonymous.get("/drempels/DR-2022-002").status_code == 404
    assert anonymous.get("/api/barriers/DR-2022-002").status_code == 404
    hits = anonymous.get("/api/search", params={"q": "bewonerskaart"}).json()["hits"]
    assert [h["code"] for h in hits] == ["DR-2022-001"]
    assert anonymous.get("/regelgeving").status_code == 303
    assert anonymous.get("/api/overview").status_code == 401
    assert anonymous.get("/").headers["location"] == "/drempels"
    history = anonymous.get("/api/barriers/DR-2022-001").json()
    assert history["history"] == [] and history["similar"] == []


def test_jurist_cannot_make_a_barrier_public(public_site):
    api = public_site.api("jurist")
    api.post("/api/barriers", json={"code": "DR-2030-700", "title": "t", "description": "d", "kind": "technisch"})
    assert api.patch("/api/barriers/DR-2030-700", json={"is_public": True, "version": 1}).status_code == 403


def test_oversized_upload_is_refused_with_413(public_site):
    client = public_site.client("programmateam")
    big = b"code,title,description,kind\n" + b"x" * 10_000
    response = client.post("/importeren", data={"csrf": csrf_of(client, "/importeren"), "kind": "drempels"},
                           files={"file": ("groot.csv", big, "text/csv")})
    assert response.status_code == 413 and "groter dan" in response.text


def test_first_admin_is_created_once(site):
    with session_scope(site.rt.engine) as session:
        admins = session.exec(select(User).where(User.role == "beheerder")).all()
    assert admins  # the fixture made one, so init must not add another
    assert _first_admin(site.rt.engine) is None


def test_first_admin_on_an_empty_register(tmp_path):
    from kb.db import make_engine, migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'leeg.db'}")
    migrate(engine)
    password = _first_admin(engine)
    assert password and len(password) >= 10
    assert _first_admin(engine) is None
    from kb.services.users import verify_password

    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.name == "beheerder")).one()
        assert user.role == "beheerder" and verify_password(user, password)
    engine.dispose()


def test_login_redirect_stays_on_this_site(site):
    client = site.client()
    response = client.post("/aanmelden", data={"csrf": csrf_of(client), "name": "lezer", "password": PASSWORD,
                                                "next": "//evil.example/x"})
    assert response.status_code == 303 and response.headers["location"] == "/"


def _first_admin(engine):
    with session_scope(engine) as session:
        return ensure_first_admin(session=session)
