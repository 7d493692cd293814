"""Theme pages, their twins, curation forms and the assignment on every write path (demo register)."""

import html
import re

import pytest
from sqlmodel import Session, select

from briefs.grouping import display
from kb.models import ThemeMember
from kb.services.barriers import get_barrier
from kb.services.outbox import pending_count
from tests.web.conftest import csrf_of
from tests.web.test_import import confirm, upload

SIGNATURE = ("Het aanvraagformulier vraagt een handgeschreven handtekening; een gekwalificeerde elektronische "
             "handtekening wordt niet aanvaard.")


@pytest.fixture(scope="module")
def themes(site):
    response = site.api("programmateam").post("/api/themes/recluster")
    assert response.status_code == 200, response.text[:500]
    return {t["id"]: t for t in response.json()["themes"]}


def _member(rt, code: str) -> ThemeMember:
    with Session(rt.engine) as session:
        assert pending_count(session) == 0
        return session.exec(select(ThemeMember).where(ThemeMember.barrier_id == get_barrier(session, code).id)).one()


def test_only_the_programme_team_may_recompute(site):
    assert site.api("jurist").post("/api/themes/recluster").status_code == 403
    assert site.api().post("/api/themes/recluster").status_code == 401


def test_overview_page_and_twin_show_the_same_themes(site, themes):
    client = site.client("lezer")
    page = client.get("/themas")
    assert page.status_code == 200 and 'href="/api/themes"' in page.text
    twin = client.get("/api/themes").json()
    text = html.unescape(page.text)
    for theme in twin["themes"]:
        assert display(theme["label"]) in text and f'href="/themas/{theme["key"]}"' in page.text
        assert len(theme["trend"]) == len(twin["quarters"])
    assert {t["key"] for t in twin["themes"]} == set(themes)
    assert page.text.count("<circle") == len(twin["map"]["points"]) > 0
    assert "Nieuwe patronen" in text and "Deze gegevens als JSON" in text


def test_theme_page_and_twin(site, themes):
    client = site.client("lezer")
    page = html.unescape(client.get("/themas/t1").text)
    twin = client.get("/api/themes/t1").json()
    assert f"<h1>{display(twin['theme']['label'])}</h1>" in page  # shown as a name, first letter capitalised
    assert {m["code"] for m in twin["members"]} == set(themes["t1"]["members"])
    assert all(m["code"] in page for m in twin["members"])
    assert twin["open"] + twin["solved"] + twin["not_retained"] == len(twin["members"])
    assert "Thema beheren" not in page  # readers see no curation forms
    assert client.get("/themas/t999").status_code == 404


def test_theme_facet_in_search_and_on_the_barrier_page(site, themes):
    api = site.api("lezer")
    body = api.get("/api/search", params={"q": "", "theme": "t1", "limit": 50}).json()
    assert {h["code"] for h in body["hits"]} == set(themes["t1"]["members"])
    facets = api.get("/api/search", params={"q": ""}).json()["facets"]["theme"]
    assert facets["t1"] == len(themes["t1"]["members"])
    listing = html.unescape(site.client("lezer").get("/drempels").text)
    assert "Thema" in listing and themes["t1"]["label"] in listing
    code = themes["t1"]["members"][0]
    page = html.unescape(site.client("lezer").get(f"/drempels/{code}").text)
    assert 'href="/themas/t1"' in page and display(themes["t1"]["label"]) in page


def test_form_api_and_import_assign_a_theme_once(site, themes):
    jurist = site.client("jurist")
    form = {"code": "DR-2041-001", "title": "Handtekening op papier voor kampvuur", "kind": "procesmatig",
            "description": SIGNATURE, "duplicate_ack": "on"}
    assert jurist.post("/drempels/nieuw", data={"csrf": csrf_of(jurist, "/drempels/nieuw"), **form}).status_code == 303
    body = {"code": "DR-2041-002", "title": "Handtekening bij hondenpenning", "description": SIGNATURE,
            "kind": "procesmatig"}
    assert site.api("jurist").post("/api/barriers", json=body).status_code == 201
    team = site.client("programmateam")
    csv = f'code;title;description;kind\nDR-2041-003;Handtekening bij zwembadabonnement;"{SIGNATURE}";procesmatig\n'
    assert confirm(team, upload(team, "drempels.csv", csv.encode()).text, partial=False).status_code == 200
    for code in ("DR-2041-001", "DR-2041-002", "DR-2041-003"):
        member = _member(site.rt, code)
        assert member.source == "toewijzing" and member.text_hash
        assert (member.theme_id is not None and member.confidence > 0) or member.needs_review
    stamp = _member(site.rt, "DR-2041-002").updated_at
    # a save that leaves the text alone does not assign again
    status = site.api("jurist").patch("/api/barriers/DR-2041-002", json={"severity": 2, "version": 1})
    assert status.status_code == 200, status.text
    assert _member(site.rt, "DR-2041-002").updated_at == stamp


def test_rename_hide_move_and_history(site, themes):
    team = site.client("programmateam")
    csrf = csrf_of(team, "/themas/t2")
    version = site.api("programmateam").get("/api/themes/t2").json()["theme"]["version"]
    response = team.post("/themas/t2/hernoemen", data={"csrf": csrf, "label": "Bekendmaking en aanplakking",
                                                       "version": str(version)})
    assert response.status_code == 303
    code = themes["t3"]["members"][0]
    assert team.post(f"/drempels/{code}/thema", data={"csrf": csrf, "theme": "t2"}).status_code == 303
    twin = site.api("lezer").get("/api/themes/t2").json()
    assert twin["theme"]["label"] == "Bekendmaking en aanplakking" and twin["theme"]["label_curated"]
    assert any(m["code"] == code and m["pinned"] for m in twin["members"])
    assert {"hernoemd", "drempel-vastgezet"} <= {e["action"] for e in twin["history"]}
    assert all(e["actor"] == "programmateam" for e in twin["history"] if e["action"] == "hernoemd")
    # the search index follows the move
    found = site.api("lezer").get("/api/search", params={"q": "", "theme": "t2", "limit": 50}).json()
    assert code in {h["code"] for h in found["hits"]}


def test_stale_form_and_self_merge_are_refused_in_dutch_and_keep_the_input(site, themes):
    team = site.client("programmateam")
    csrf = csrf_of(team, "/themas/t4")
    stale = team.post("/themas/t4/hernoemen", data={"csrf": csrf, "label": "Mijn nieuwe naam", "version": "0"})
    assert stale.status_code == 409
    assert "intussen door iemand anders gewijzigd" in html.unescape(stale.text)
    assert 'value="Mijn nieuwe naam"' in stale.text
    assert site.api("lezer").get("/api/themes/t4").json()["theme"]["label"] != "Mijn nieuwe naam"
    itself = team.post("/themas/t4/samenvoegen", data={"csrf": csrf, "target": "t4"})
    assert itself.status_code == 422 and "met zichzelf" in html.unescape(itself.text)
    assert site.api("lezer").get("/api/themes/t4").json()["theme"]["state"] == "actief"
    assert team.post("/themas/t4/hernoemen", data={"label": "zonder token"}).status_code == 403
    assert site.client("jurist").post("/themas/t4/hernoemen", data={"csrf": csrf_of(site.client("jurist")),
                                                                   "label": "x"}).status_code == 403


def test_api_pins_and_unpins_a_barrier_with_dutch_errors(site, themes):
    api = site.api("programmateam")
    code = themes["t1"]["members"][-1]
    placed = api.post(f"/api/barriers/{code}/theme", json={"theme": "t3"})
    assert placed.status_code == 200, placed.text
    assert placed.json()["theme"]["key"] == "t3" and placed.json()["theme"]["pinned"]
    assert any(m["code"] == code and m["pinned"] for m in api.get("/api/themes/t3").json()["members"])
    assert code in {h["code"] for h in api.get("/api/search", params={"q": "", "theme": "t3", "limit": 50}
                                               ).json()["hits"]}
    loose = api.post(f"/api/barriers/{code}/theme", json={"action": "losmaken"})
    assert loose.status_code == 200 and not loose.json()["theme"]["pinned"]
    missing = api.post(f"/api/barriers/{code}/theme", json={})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "theme"
    assert "kies het thema" in missing.json()["errors"][0]["message"]
    unknown = api.post("/api/barriers/DR-1999-999/theme", json={"theme": "t3"})
    assert unknown.status_code == 404 and "DR-1999-999" in unknown.json()["detail"]
    assert api.post(f"/api/barriers/{code}/theme", json={"theme": "t999"}).status_code == 404
    assert site.api("jurist").post(f"/api/barriers/{code}/theme", json={"theme": "t3"}).status_code == 403
    stale = api.post("/api/themes/t3", json={"action": "hernoemen", "label": "Nieuw", "version": 0})
    assert stale.status_code == 409 and "gewijzigd" in stale.json()["detail"]
    no_target = api.post("/api/themes/t3", json={"action": "samenvoegen"})
    assert no_target.status_code == 422 and no_target.json()["errors"][0]["field"] == "target"
    assert "kies het thema" in no_target.json()["errors"][0]["message"]
    no_codes = api.post("/api/themes/t3", json={"action": "splitsen", "codes": []})
    assert no_codes.status_code == 422 and no_codes.json()["errors"][0]["field"] == "codes"
    wrong = api.post("/api/themes/t3", json={"action": "weggooien"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "action"


def test_merge_split_and_curation_survive_a_rerun(site, themes):
    team = site.client("programmateam")
    csrf = csrf_of(team, "/themas/t5")
    assert team.post("/themas/t6/samenvoegen", data={"csrf": csrf, "target": "t5"}).status_code == 303
    members = site.api("lezer").get("/api/themes/t5").json()["members"]
    moved = [m["code"] for m in members][:1]
    split = team.post("/themas/t5/splitsen", data={"csrf": csrf, "codes": moved, "label": "Apart"})
    assert split.status_code == 303
    part = re.search(r"/themas/(t\d+)", split.headers["location"]).group(1)
    again = {t["id"]: t for t in site.api("programmateam").post("/api/themes/recluster").json()["themes"]}
    assert "t6" not in again and again[part]["members"] == moved and again[part]["label"] == "Apart"
    assert again["t2"]["label"] == "Bekendmaking en aanplakking"
    for key in set(themes) - {"t6"}:
        assert key in again, key
    assert site.api("lezer").get("/api/themes/t6").json()["theme"]["merged_into"] == "t5"
    page = html.unescape(site.client("lezer").get("/themas/t6").text)
    assert "samengevoegd in" in page
