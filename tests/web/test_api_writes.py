"""The JSON write API refuses blind writes, misplaced status changes and oversized free fields."""

NEW = {"title": "Bekendmaking enkel op papier", "description": "Het reglement vraagt aanplakking aan het "
       "gemeentehuis.", "kind": "juridisch"}


def _create(site, code: str, **fields) -> dict:
    response = site.api("programmateam").post("/api/barriers", json={**NEW, "code": code, **fields})
    assert response.status_code == 201, response.text
    return response.json()["barrier"]


def test_patch_without_version_is_refused(site):
    _create(site, "DR-2032-001")
    api = site.api("programmateam")
    blind = api.patch("/api/barriers/DR-2032-001", json={"title": "Blind overschreven"})
    assert blind.status_code == 422
    assert [e["field"] for e in blind.json()["errors"]] == ["version"]
    assert site.api("lezer").get("/api/barriers/DR-2032-001").json()["barrier"]["title"] == NEW["title"]
    assert api.patch("/api/barriers/DR-2032-001", json={"title": "Bewust", "version": 1}).status_code == 200


def test_status_in_a_patch_is_refused_not_ignored(site):
    _create(site, "DR-2032-002")
    response = site.api("programmateam").patch("/api/barriers/DR-2032-002",
                                               json={"status": "opgelost", "title": "Andere titel", "version": 1})
    assert response.status_code == 422
    error = next(e for e in response.json()["errors"] if e["field"] == "status")
    assert "/api/barriers/DR-2032-002/status" in error["message"] or "/status" in error["message"]
    barrier = site.api("lezer").get("/api/barriers/DR-2032-002").json()["barrier"]
    assert barrier["status"] == "gemeld" and barrier["title"] == NEW["title"]


def test_extra_and_citation_text_have_a_size_limit(site):
    api = site.api("programmateam")
    huge_extra = api.post("/api/barriers", json={**NEW, "code": "DR-2032-003", "extra": {"notitie": "x" * 70_000}})
    assert huge_extra.status_code == 422
    assert any(e["field"].startswith("extra") for e in huge_extra.json()["errors"])
    long_citation = api.post("/api/barriers", json={**NEW, "code": "DR-2032-004", "regulations": ["art. 1 " + "y" * 600]})
    assert long_citation.status_code == 422
    assert any(e["field"].startswith("regulations") for e in long_citation.json()["errors"])
    for code in ("DR-2032-003", "DR-2032-004"):
        assert site.api("lezer").get(f"/api/barriers/{code}").status_code == 404
    _create(site, "DR-2032-005")
    patched = api.patch("/api/barriers/DR-2032-005", json={"extra": {"a": "z" * 70_000}, "version": 1})
    assert patched.status_code == 422


def test_enum_errors_are_dutch(site):
    response = site.api("programmateam").post("/api/barriers", json={**NEW, "code": "DR-2032-006", "kind": "raar"})
    message = next(e["message"] for e in response.json()["errors"] if e["field"] == "kind")
    assert " or " not in message and "toegelaten" in message


def test_a_body_that_is_not_json_names_the_body_in_dutch(site):
    """A malformed JSON body used to answer field "1" and "ongeldige waarde {}"."""
    response = site.api("programmateam").post("/api/barriers", content=b'{"title": "x",',
                                               headers={"content-type": "application/json"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "body"
    assert "geen geldige JSON" in error["message"] and "{}" not in error["message"]


def test_a_stale_version_lists_real_changes_not_the_creation_as_raw_json(site):
    """Version 0 listed the creation as a change of "status" whose new value was the whole record in JSON."""
    _create(site, "DR-2032-007")
    response = site.api("programmateam").patch("/api/barriers/DR-2032-007", json={"title": "Te laat", "version": 0})
    assert response.status_code == 409
    assert all(change["field"] for change in response.json()["changes"]), response.json()["changes"]
