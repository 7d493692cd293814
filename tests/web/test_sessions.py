"""Logging out ends the session on the server, and the login throttle is shared through the database."""

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, csrf_of
from web.app import create_app


def test_a_copied_cookie_stops_working_after_logout(site):
    client = site.client("lezer")
    copied = TestClient(site.app, raise_server_exceptions=False, follow_redirects=False)
    copied.cookies.set("drempelbank_sessie", client.cookies.get("drempelbank_sessie"))
    assert copied.get("/drempels").status_code == 200
    assert client.post("/afmelden", data={"csrf": csrf_of(client, "/")}).status_code == 303
    assert copied.get("/drempels").status_code == 303
    assert copied.get("/api/overview").status_code == 401


def test_other_sessions_of_the_same_account_survive_a_logout(site):
    first, second = site.client("jurist"), site.client("jurist")
    assert first.post("/afmelden", data={"csrf": csrf_of(first, "/")}).status_code == 303
    assert second.get("/drempels").status_code == 200


def test_throttle_holds_across_application_servers(site):
    """Two apps on one database stand in for two workers: failures counted by one block the other."""
    other = TestClient(create_app(site.rt.engine, settings=site.rt.settings, search=site.rt.search,
                                  after_commit=site.rt.after_commit), raise_server_exceptions=False,
                       follow_redirects=False)
    first = site.client()
    for _ in range(5):
        wrong = first.post("/aanmelden", data={"csrf": csrf_of(first), "name": "programmateam", "password": "fout"})
        assert wrong.status_code == 400
    blocked = other.post("/aanmelden", data={"csrf": csrf_of(other), "name": "programmateam", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    site.app.state.throttle.succeeded("programmateam")
    assert other.post("/aanmelden", data={"csrf": csrf_of(other), "name": "programmateam",
                                          "password": PASSWORD}).status_code == 303
