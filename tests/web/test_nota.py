"""The brief builder /nota: count and preview for every signed-in user, making briefs for the programme
team (with CSRF), downloads of earlier briefs in every format, the JSON twin."""

import io

from docx import Document
from pypdf import PdfReader

from tests.web.conftest import csrf_of


def test_reader_sees_count_preview_and_earlier_briefs_but_cannot_make(site):
    client = site.client("lezer")
    page = client.get("/nota?status=gemeld&niveau=vlaams&voorbeeld=1")
    assert page.status_code == 200
    html = page.text
    assert "geselecteerd: Drempels met niveau ‘Vlaams’; status ‘Gemeld’." in html
    assert 'class="nota"' in html and "Artikels die het meest blokkeren" in html  # the preview
    assert 'action="/nota/maken"' not in html
    made = client.post("/nota/maken", data={"csrf": csrf_of(client, "/nota"), "status": "gemeld", "formaat": "pdf"})
    assert made.status_code == 403


def test_json_twin_renders_the_same_data(site):
    api = site.api("lezer")
    data = api.get("/api/nota?status=gemeld&status=opgelost").json()
    assert data["filters"] == {"status": ["gemeld", "opgelost"]}
    assert data["count"] == len(data["codes"]) > 0
    assert set(data["choices"]) >= {"thema", "niveau", "status", "project", "regelgeving"}
    assert data["errors"] == {} and data["can_make"] is False
    bad = api.get("/api/nota?status=weg").json()
    assert "onbekende waarde 'weg'" in bad["errors"]["status"] and bad["count"] == 0


def test_team_makes_briefs_and_downloads_them_again_in_every_format(site):
    client = site.client("programmateam")
    csrf = csrf_of(client, "/nota")
    made = client.post("/nota/maken", data={"csrf": csrf, "soort": "financieel", "formaat": "docx"})
    assert made.status_code == 200
    assert made.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in made.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(made.content)).paragraphs)
    assert "Selectie: Drempels met soort ‘Financieel’ (" in text
    listing = site.api("lezer").get("/api/nota").json()["briefs"]
    record = listing["data"][0]
    assert record["selection"] == {"kind": ["financieel"]} and record["format"] == "docx"
    for fmt in ("pdf", "docx", "html", "md"):
        again = site.client("lezer").get(f"/nota/{record['id']}/download?formaat={fmt}")
        assert again.status_code == 200, fmt
        assert again.headers["x-content-hash"] == record["content_hash"]
    pdf = site.client("lezer").get(f"/nota/{record['id']}/download?formaat=pdf")
    assert "Nota aan de Vlaamse Regering" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert f"/nota/{record['id']}/download?formaat=md" in client.get("/nota").text


def test_bad_requests_give_dutch_answers(site):
    client = site.client("programmateam")
    csrf = csrf_of(client, "/nota")
    empty = client.post("/nota/maken", data={"csrf": csrf, "niveau": "europees", "gemeente": "Gent",
                                             "status": "opgelost", "formaat": "pdf"})
    assert empty.status_code == 422 and "geen enkele drempel" in empty.text
    unknown = client.post("/nota/maken", data={"csrf": csrf, "formaat": "odt"})
    assert unknown.status_code == 422 and "onbekend formaat" in unknown.text
    forged = client.post("/nota/maken", data={"status": "gemeld", "formaat": "md"})
    assert forged.status_code == 403 and "CSRF" in forged.text
    assert client.get("/nota/999999/download").status_code == 404
    assert site.client().get("/nota").status_code == 303  # anonymous: to the login page
