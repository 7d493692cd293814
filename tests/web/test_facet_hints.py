"""A facet word in the search box is offered as a one-click filter and never drops results."""
import html
import re


def test_facet_word_is_offered_as_a_filter_and_the_results_stay(site):
    client = site.client("lezer")
    api = site.api("lezer")
    with_word = api.get("/api/search", params={"q": "opgeloste handtekening"}).json()
    assert with_word["facet_hints"][0]["field"] == "status" and with_word["facet_hints"][0]["value"] == "opgelost"
    page = client.get("/drempels", params={"q": "opgeloste handtekening"})
    assert page.status_code == 200
    link = re.search(r'Bedoelt u: <a href="([^"]+)">status opgelost</a>\?', page.text)
    assert link, "no one-click filter offered"
    href = html.unescape(link.group(1))
    assert "status=opgelost" in href and "q=handtekening" in href
    filtered = client.get(href)
    assert filtered.status_code == 200 and "Bedoelt u: <a" not in filtered.text
