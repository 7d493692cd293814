"""Every page and API route, for every role and for anonymous visitors: allowed and refused."""

import re

import pytest

from tests.web.conftest import ROLES

CODE = "DR-2022-001"
READ_PAGES = ["/", "/drempels", "/drempels?q=handtekening&status=opgelost", f"/drempels/{CODE}", "/regelgeving",
              "/regelgeving/AVG", "/regelgeving/AVG/artikels/6", "/projecten", "/projecten/GZG-2022-001",
              "/gemeenten", "/gemeenten/44021", "/profiel", "/themas"]
READ_API = ["/api/overview", "/api/search?q=handtekening", "/api/barriers", f"/api/barriers/{CODE}",
            f"/api/barriers/{CODE}/similar", "/api/regulations", "/api/regulations/AVG",
            "/api/regulations/AVG/articles/6", "/api/projects", "/api/projects/GZG-2022-001", "/api/municipalities",
            "/api/municipalities/44021", "/api/profile", "/api/themes"]
# page → lowest role allowed
RESTRICTED = {"/drempels/nieuw": "jurist", "/importeren": "programmateam", "/gebruikers": "beheerder",
              f"/drempels/{CODE}/bewerken": "programmateam", "/api/users": "beheerder"}


def allowed(role: str, lowest: str) -> bool:
    return ROLES.index(role) >= ROLES.index(lowest)


@pytest.fixture(scope="module")
def clients(site):
    return {role: site.client(role) for role in ROLES}


@pytest.mark.parametrize("url", READ_PAGES)
def test_read_pages_for_every_role(clients, url):
    for role, client in clients.items():
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.text[:300])
        assert response.headers["content-type"].startswith("text/html")
        assert '<main id="inhoud"' in response.text


@pytest.mark.parametrize("url", READ_PAGES)
def test_anonymous_is_sent_to_login(site, url):
    response = site.client().get(url)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/aanmelden?volgende=")


@pytest.mark.parametrize("url", READ_API)
def test_read_api_with_bearer_token_and_refused_without(site, url):
    for role in ROLES:
        response = site.api(role).get(url)
        assert response.status_code == 200, (role, url, response.text[:300])
        assert response.headers["content-type"].startswith("application/json")
    refused = site.api().get(url)
    assert refused.status_code == 401
    assert refused.json()["detail"]


def test_wrong_bearer_token_is_refused_on_pages_and_api(site):
    client = site.api()
    for url in ("/drempels", "/api/overview"):
        response = client.get(url, headers={"Authorization": "Bearer db_verkeerd"})
        assert response.status_code in (303, 401)
        assert response.status_code == 401 or "/aanmelden" in response.headers["location"]


def test_bearer_token_works_on_pages(site):
    response = site.api("lezer").get("/drempels/" + CODE)
    assert response.status_code == 200
    assert "set-cookie" not in response.headers  # scripts get no session


@pytest.mark.parametrize("url,lowest", RESTRICTED.items())
def test_restricted_pages_per_role(clients, site, url, lowest):
    for role, client in clients.items():
        expected = 200 if allowed(role, lowest) else 403
        assert client.get(url).status_code == expected, (role, url)
    assert site.client().get(url).status_code in (303, 401)


@pytest.mark.parametrize("url", [u for u in READ_PAGES if u != "/profiel"] + ["/profiel"])
def test_each_page_links_to_a_working_json_twin(clients, url):
    client = clients["beheerder"]
    page = client.get(url)
    twin = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', page.text)
    assert twin, f"{url} has no JSON twin link"
    href = twin.group(1).replace("&amp;", "&")
    assert f'href="{twin.group(1)}">Deze gegevens als JSON' in page.text
    response = client.get(href)
    assert response.status_code == 200, href
    assert response.headers["content-type"].startswith("application/json")


def test_search_api_has_the_cli_shape(site):
    body = site.api("lezer").get("/api/search", params={"q": "handtekening", "in": "barriers", "limit": 3}).json()
    assert {"query", "total", "hits", "facets"} <= set(body)
    assert body["query"] == "handtekening" and body["total"] >= len(body["hits"]) > 0
    assert len(body["hits"]) <= 3
    for hit in body["hits"]:
        assert {"type", "code", "title", "score", "snippet"} <= set(hit)
        assert hit["type"] == "barrier"
    assert sum(body["facets"]["status"].values()) == body["total"]


def test_search_api_articles_have_regulation_and_article(site):
    body = site.api("lezer").get("/api/search", params={"q": "persoonsgegevens", "in": "articles"}).json()
    assert body["hits"], body
    assert all(h["type"] == "article" and h["regulation"] and h["article"] for h in body["hits"])


def test_facet_filter_narrows_the_list_and_stays_in_the_url(clients, site):
    client = clients["lezer"]
    full = site.api("lezer").get("/api/search", params={"q": ""}).json()
    solved = site.api("lezer").get("/api/search", params={"q": "", "status": "opgelost"}).json()
    assert 0 < solved["total"] < full["total"]
    assert solved["total"] == full["facets"]["status"]["opgelost"]
    page = client.get("/drempels", params={"status": "opgelost"})
    assert 'href="/drempels"' in page.text or "Alle filters wissen" in page.text
    assert page.text.count('class="hit"') == min(solved["total"], 20)


def test_similar_api_has_the_cli_shape(site):
    body = site.api("lezer").get(f"/api/barriers/{CODE}/similar", params={"limit": 4}).json()
    assert body["code"] == CODE and 0 < len(body["similar"]) <= 4
    assert all({"code", "score", "why"} <= set(s) and s["code"] != CODE for s in body["similar"])


def test_barrier_api_keeps_the_lead_shape(site):
    body = site.api("lezer").get(f"/api/barriers/{CODE}").json()
    assert {"barrier", "status_history", "history"} <= set(body)
    assert body["barrier"]["code"] == CODE and body["barrier"]["regulation_refs"]


def test_barrier_page_shows_linked_article_text(clients, site):
    api = site.api("lezer")
    codes = [h["code"] for h in api.get("/api/search", params={"q": "", "regulation": "AVG"}).json()["hits"]]
    cited = [(code, a) for code in codes for a in api.get(f"/api/barriers/{code}").json()["articles"] if a["text"]]
    assert cited, "no demo barrier cites an AVG article whose text the register holds"
    code, article = cited[0]
    page = clients["lezer"].get(f"/drempels/{code}").text
    assert f"Tekst van art. {article['article']} AVG" in page
    first_line = article["text"].splitlines()[0][:40]
    assert first_line.replace("'", "&#39;").replace('"', "&#34;") in page


def test_health_openapi_and_docs_need_no_login(site):
    client = site.client()
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and isinstance(health["opgewarmd"], bool)
    # The caches are filled beside serving after a start; /healthz says when (benches wait for it).
    site.rt.search.warmed.wait(60)
    assert client.get("/healthz").json() == {"status": "ok", "opgewarmd": True}
    assert "/api/search" in client.get("/openapi.json").json()["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/docs.js" in docs.text and "<script>" not in docs.text


@pytest.mark.parametrize("url,status", [("/drempels/BESTAAT-NIET", 404), ("/api/barriers/BESTAAT-NIET", 404),
                                        ("/regelgeving/XYZ", 404), ("/regelgeving/AVG/artikels/99999", 404),
                                        ("/projecten/XYZ", 404), ("/gemeenten/00000", 404), ("/nergens", 404),
                                        ("/api/search?limit=abc", 422), ("/api/barriers?limit=0", 422),
                                        ("/api/barriers?offset=4005354037880266162176", 422),  # schemathesis
                                        ("/api/barriers?offset=1000000000", 200),
                                        ("/drempels?page=abc&sort=onzin&in=elders", 200),
                                        ("/api/search?q=%22%28%29%5B%5D*", 200)])
def test_bad_urls_give_dutch_errors_never_500(clients, url, status):
    response = clients["lezer"].get(url)
    assert response.status_code == status, response.text[:300]
    if status >= 400:
        text = response.json()["detail"] if url.startswith("/api/") else response.text
        assert any(word in text for word in ("bestaat", "Ongeldige", "Niet gevonden"))


@pytest.mark.parametrize("params,field,words", [
    ({"page": "-1"}, "page", "minstens 1"), ({"page": "abc"}, "page", "geheel getal"),
    ({"page": "10001"}, "page", "hoogstens"),
    ({"sort": "onzin"}, "sort", "toegelaten: 'relevance', 'newest', 'code', 'severity'"),
    ({"in": "elders"}, "in", "toegelaten: 'barriers'")])
def test_search_api_refuses_a_bad_page_sort_or_scope_naming_the_field(clients, params, field, words):
    """The list page reads a damaged URL leniently; a script gets told what is wrong."""
    response = clients["lezer"].get("/api/search", params={"q": "handtekening", **params})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field] and words in errors[0]["message"]


def test_method_not_allowed_is_dutch(clients):
    response = clients["lezer"].put("/api/overview")
    assert response.status_code == 405
    assert "niet toegelaten" in response.json()["detail"]


def test_regulation_facet_shows_names(site):
    page = site.client("lezer").get("/drempels", params={"q": "handtekening"})
    facet = page.text.split('id="facet-regulation"')[1].split("</section>")[0]
    assert "eIDAS-verordening" in facet and ">EIDAS<" not in facet


def _strings(value, keys=("code", "title", "name", "key", "number", "raw")) -> set[str]:
    """The identifying strings of a JSON twin: what its HTML page must show too."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key in keys and isinstance(item, str) and item:
                found.add(item)
            found |= _strings(item, keys)
    elif isinstance(value, list):
        for item in value[:30]:
            found |= _strings(item, keys)
    return found


@pytest.mark.parametrize("url", ["/", "/drempels?q=handtekening", f"/drempels/{CODE}", "/regelgeving/AVG/artikels/6",
                                 "/projecten/GZG-2022-001", "/gemeenten/44021"])
def test_page_and_twin_show_the_same_content(clients, url):
    """Both come from one data function: every code, title and name in the twin is on the page."""
    import html

    client = clients["beheerder"]
    page = client.get(url).text
    href = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', page).group(1)
    twin = client.get(html.unescape(href)).json()
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    wanted = {re.sub(r"\s+", " ", s) for s in _strings(twin)}
    missing = sorted(s for s in wanted if s not in text and html.unescape(s) not in text)
    assert wanted and not missing, (url, missing[:5])
