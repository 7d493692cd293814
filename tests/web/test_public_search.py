"""PUBLIC_READ: an anonymous visitor's search, facets, suggestions and similar records come from public
barriers only, on /drempels, /api/search and the barrier page."""

from collections.abc import Iterator

import pytest

from tests.web.conftest import Register, make_register

PUBLIC = {"DR-2022-001", "DR-2023-002", "DR-2024-009"}  # all three "juridisch", about signatures
SECRET = "DR-2031-001"


@pytest.fixture(scope="module")
def public_site(tmp_path_factory) -> Iterator[Register]:
    for register in make_register(tmp_path_factory, public_read=True):
        team = register.api("programmateam")
        created = team.post("/api/barriers", json={
            "code": SECRET, "kind": "financieel",
            "title": "Zeppelinhangar vraagt een ondertekende papieren aanvraag met handtekening",
            "description": "Wie een zeppelinhangar bouwt, moet de aanvraag met een handgeschreven handtekening "
                           "ondertekenen; een digitale handtekening wordt niet aanvaard."})
        assert created.status_code == 201, created.text
        for code in PUBLIC:
            version = team.get(f"/api/barriers/{code}").json()["barrier"]["version"]
            assert team.patch(f"/api/barriers/{code}", json={"is_public": True, "version": version}).status_code == 200
        yield register


def _codes(hits) -> set[str]:
    return {hit["code"] for hit in hits}


def test_a_word_only_a_non_public_barrier_holds_is_never_suggested(public_site):
    reader = public_site.api("lezer")
    assert reader.get("/api/search", params={"q": "zeppelinhanger"}).json()["suggestion"] == "zeppelinhangar"
    anonymous = public_site.client()
    for q in ("zeppelinhanger", "zeppelinhangar"):
        answer = anonymous.get("/api/search", params={"q": q, "in": "all"})
        assert answer.status_code == 200
        body = answer.json()
        assert body["total"] == 0 and body["hits"] == [] and body["facets"] == {} and body["suggestion"] is None
        page = anonymous.get("/drempels", params={"q": "zeppelinhanger"})
        assert page.status_code == 200 and "zeppelinhangar" not in page.text.lower()


def test_hits_totals_and_facets_count_public_barriers_only(public_site):
    everything = public_site.api("lezer").get("/api/search", params={"q": "handtekening", "limit": 200}).json()
    assert SECRET in _codes(everything["hits"]) and "financieel" in everything["facets"]["kind"]
    anonymous = public_site.client()
    for scope in ("barriers", "all"):
        body = anonymous.get("/api/search", params={"q": "handtekening", "in": scope, "limit": 200}).json()
        assert body["hits"] and _codes(body["hits"]) <= PUBLIC and body["total"] == len(body["hits"])
        assert body["facets"]["kind"] == {"juridisch": body["total"]}
        assert sum(body["facets"]["status"].values()) == body["total"]
        assert set(body["facets"]["type"]) == {"barrier"}
        assert all("zeppelin" not in hit["snippet"].lower() and "zeppelin" not in hit["title"].lower()
                   for hit in body["hits"])
    assert anonymous.get("/api/search", params={"q": "handtekening", "kind": "financieel"}).json()["total"] == 0


def test_the_list_page_pages_and_shows_public_facets(public_site):
    anonymous = public_site.client()
    first = anonymous.get("/api/search", params={"limit": 2}).json()
    second = anonymous.get("/api/search", params={"limit": 2, "page": 2}).json()
    assert first["total"] == second["total"] == 3 and first["pages"] == 2
    assert len(first["hits"]) == 2 and _codes(first["hits"]) | _codes(second["hits"]) == PUBLIC
    html = anonymous.get("/drempels", params={"q": "handtekening"}).text
    assert 'class="facets"' in html and "kind=juridisch" in html
    assert "kind=financieel" not in html and SECRET not in html and "zeppelin" not in html.lower()


def test_the_barrier_page_shows_similar_public_barriers_only(public_site):
    seen = public_site.api("lezer").get("/api/barriers/DR-2022-001").json()
    assert {s["code"] for s in seen["similar"] + seen["precedents"]} - PUBLIC  # others exist for readers
    anonymous = public_site.client()
    page = anonymous.get("/api/barriers/DR-2022-001").json()
    shown = {s["code"] for s in page["similar"] + page["precedents"]}
    assert shown and shown <= PUBLIC - {"DR-2022-001"}
    assert page["history"] == [] and page["comments"] == [] and page["proposed_citations"] == []
    html = anonymous.get("/drempels/DR-2022-001").text
    assert any(f'href="/drempels/{code}"' in html for code in shown)
    assert "/api/barriers/DR-2022-001/similar" not in html and SECRET not in html


def test_anonymous_answers_carry_no_score(public_site):
    """A score is computed with whole-register statistics (non-public records included): anonymous
    visitors get the order, not the number."""
    reader = public_site.api("lezer")
    assert all("score" in hit for hit in reader.get("/api/search", params={"q": "handtekening"}).json()["hits"])
    assert all("score" in s for s in reader.get("/api/barriers/DR-2022-001").json()["similar"])
    anonymous = public_site.client()
    hits = anonymous.get("/api/search", params={"q": "handtekening"}).json()["hits"]
    assert hits and all("score" not in hit for hit in hits)
    page = anonymous.get("/api/barriers/DR-2022-001").json()
    assert page["similar"] + page["precedents"]
    assert all("score" not in s for s in page["similar"] + page["precedents"])
    html = anonymous.get("/drempels/DR-2022-001")
    assert html.status_code == 200 and "gelijkenis" not in html.text
