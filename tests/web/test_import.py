"""Import page: preview of what will be written and of every refused row, confirm, roles."""

import json
import re

from tests.web.conftest import csrf_of

CSV = ("code;title;description;kind;status;municipalities\n"
       "DR-2031-001;Parkeerkaart enkel aan het loket;Bewoners moeten langskomen voor een parkeerkaart;procesmatig;gemeld;Gent\n"
       "DR-2031-002;Tweede rij;Ongeldige soort;magisch;gemeld;Gent\n"
       "DR-2022-001;Bewonerskaart parkeren vraagt ondertekende papieren aanvraag (bijgewerkt);Nieuwe beschrijving;"
       "juridisch;opgelost;Gent\n")


def upload(client, name: str, content: bytes, kind: str = "drempels"):
    return client.post("/importeren", data={"csrf": csrf_of(client, "/importeren"), "kind": kind},
                       files={"file": (name, content, "application/octet-stream")})


def confirm(client, preview_html: str, partial: bool):
    token = re.search(r'name="token" value="([^"]+)"', preview_html).group(1)
    data = {"csrf": csrf_of(client, "/importeren"), "token": token, "display": "drempels.csv"}
    if partial:
        data["partial"] = "on"
    return client.post("/importeren/bevestigen", data=data)


def test_preview_lists_what_will_be_written_and_every_refused_row(site):
    client = site.client("programmateam")
    preview = upload(client, "drempels.csv", CSV.encode())
    assert preview.status_code == 200
    html = preview.text
    assert "Geweigerde rijen" in html and "regel 3" in html and "magisch" in html
    assert "<strong>1</strong> nieuw" in html and "<strong>1</strong> bijwerken" in html
    assert "DR-2031-001" in html
    assert site.api("lezer").get("/api/barriers/DR-2031-001").status_code == 404  # preview writes nothing


def test_confirm_all_or_nothing_then_partial(site):
    client = site.client("programmateam")
    refused = confirm(client, upload(client, "drempels.csv", CSV.encode()).text, partial=False)
    assert refused.status_code == 200 and "Er werd niets geschreven" in refused.text
    assert site.api("lezer").get("/api/barriers/DR-2031-001").status_code == 404
    done = confirm(client, upload(client, "drempels.csv", CSV.encode()).text, partial=True)
    assert "De import werd uitgevoerd" in done.text
    assert site.api("lezer").get("/api/barriers/DR-2031-001").status_code == 200
    hits = site.api("lezer").get("/api/search", params={"q": "parkeerkaart loket"}).json()["hits"]
    assert "DR-2031-001" in [h["code"] for h in hits]  # the index follows the import


def test_preview_token_cannot_point_outside_the_upload_folder(site):
    client = site.client("programmateam")
    response = client.post("/importeren/bevestigen", data={"csrf": csrf_of(client, "/importeren"),
                                                           "token": "../drempelbank.db"})
    assert response.status_code == 404


def test_a_confirm_without_a_preview_says_so_in_dutch(site):
    """It said "Upload '' bestaat niet in het register"."""
    client = site.client("programmateam")
    response = client.post("/importeren/bevestigen", data={"csrf": csrf_of(client, "/importeren"), "token": ""})
    assert response.status_code == 404
    assert "importvoorbeeld bestaat niet (meer)" in response.text and "Upload ''" not in response.text


def test_regulation_file_preview_and_import(site):
    client = site.client("programmateam")
    regulation = {"key": "TESTREG", "title": "Testreglement digitale loketten", "kind": "reglement",
                  "level": "lokaal", "articles": [{"number": "1", "text": "Aanvragen kunnen digitaal."}]}
    preview = upload(client, "reglement.json", json.dumps(regulation).encode(), kind="regelgeving")
    assert preview.status_code == 200 and "TESTREG" in preview.text and "<strong>1</strong> nieuw" in preview.text
    done = confirm(client, preview.text, partial=False)
    assert "De import werd uitgevoerd" in done.text
    assert site.api("lezer").get("/api/regulations/TESTREG/articles/1").json()["text"] == "Aanvragen kunnen digitaal."


def test_only_the_programme_team_imports(site):
    for role in ("lezer", "jurist"):
        client = site.client(role)
        response = client.post("/importeren", data={"csrf": csrf_of(client, "/")},
                               files={"file": ("d.csv", CSV.encode(), "text/csv")})
        assert response.status_code == 403
    assert site.client().get("/importeren").status_code == 303


def test_upload_errors_name_the_form_field_in_dutch(site):
    """The error summary said "file: het bestand is leeg"; the field is labelled "Bestand"."""
    client = site.client("programmateam")
    empty = upload(client, "leeg.csv", b"")
    assert empty.status_code == 422
    assert "Bestand: het bestand is leeg" in empty.text and "file:" not in empty.text
