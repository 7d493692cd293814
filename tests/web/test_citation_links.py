"""Confirmed citations never link to an article the register does not hold; a regulation's page lists
the barriers that cite it, per article."""

import re

import pytest


@pytest.fixture(scope="module")
def team(site):
    return site.client("programmateam")


def test_no_barrier_page_links_to_a_missing_article(site, team):
    codes = [b["code"] for b in site.api("lezer").get("/api/barriers", params={"limit": 500}).json()["data"]]
    links = set()
    for code in codes:
        links |= set(re.findall(r'href="(/regelgeving/[^"/]+/artikels/[^"]+)"', team.get(f"/drempels/{code}").text))
    dead = [link for link in sorted(links) if team.get(link).status_code != 200]
    assert dead == []


def test_citation_of_an_unloaded_article_links_to_the_regulation_and_its_source(site, team):
    api = site.api("lezer")
    codes = [b["code"] for b in api.get("/api/barriers", params={"limit": 500}).json()["data"]]
    found = None
    for code in codes:
        cited = [a for a in api.get(f"/api/barriers/{code}").json()["articles"] if a["regulation"] and a["article"]]
        assert all("article_loaded" in a and "regulation_url" in a for a in cited)
        found = next(((code, a) for a in cited if not a["article_loaded"]), None)
        if found:
            break
    assert found, "the demo data cites an article whose text the register does not hold"
    code, citation = found
    html = team.get(f"/drempels/{code}").text
    assert f'href="/regelgeving/{citation["regulation"]}"' in html
    assert f'/regelgeving/{citation["regulation"]}/artikels/{citation["article"]}"' not in html
    if citation["regulation_url"]:
        assert citation["regulation_url"] in html


def test_regulation_page_lists_citing_barriers_per_article(site, team):
    data = site.api("lezer").get("/api/regulations/DLB").json()
    cited = {c["article"]: [b["code"] for b in c["barriers"]] for c in data["cited_by"]}
    assert "285" in cited and cited["285"]
    html = team.get("/regelgeving/DLB").text
    assert "Drempels die deze regeling citeren" in html
    assert all(f'href="/drempels/{code}"' in html for code in cited["285"])
