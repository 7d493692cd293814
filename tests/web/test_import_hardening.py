"""The web import refuses hostile or broken files cleanly, names the user's file, cleans up its
uploads and offers no confirmation for a file it refused whole."""

import io
import re
import zipfile

import openpyxl

from tests.web.test_import import upload

LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "title", "description", "kind"])
    sheet.append(["DR-2034-001", "Titel", "Beschrijving", "juridisch"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(sheet_xml: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def _truncated() -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(_workbook())).read("xl/worksheets/sheet1.xml").decode()
    return _with_sheet(sheet[: len(sheet) // 2])


def _uploads(site) -> set[str]:
    folder = site.app.state.uploads
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_hostile_and_broken_xlsx_are_refused_by_name_without_confirmation(site):
    client = site.client("programmateam")
    for name, content in (("lachsalvo.xlsx", _with_sheet(LAUGHS)), ("afgebroken.xlsx", _truncated())):
        before = _uploads(site)
        response = upload(client, name, content)
        assert response.status_code in (200, 422), response.text[:300]
        assert name in response.text and "Traceback" not in response.text
        refused = re.search(r'<div class="error-summary".*?</div>', response.text, re.S).group(0)
        assert name in refused and "drempels-" not in refused  # the user's name, not the stored one
        assert "Import bevestigen" not in response.text
        assert _uploads(site) == before  # a file refused whole is not kept


def test_refused_regulation_file_names_the_users_file(site):
    client = site.client("programmateam")
    before = _uploads(site)
    response = upload(client, "mijn-regeling.xml", b"<akn><body><article>", kind="regelgeving")
    refused = re.search(r'<div class="error-summary".*?</div>', response.text, re.S).group(0)
    assert "mijn-regeling.xml" in refused and "regelgeving-" not in refused
    assert "Import bevestigen" not in response.text
    assert _uploads(site) == before


def test_abandoned_previews_are_removed(site):
    client = site.client("programmateam")
    folder = site.app.state.uploads
    good = "code,title,description,kind\nDR-2034-010,Titel,Beschrijving,juridisch\n".encode()
    upload(client, "goed.csv", good)
    stale = sorted(folder.iterdir())
    assert stale
    import os
    import time
    old = time.time() - 2 * 24 * 3600
    for path in stale:
        os.utime(path, (old, old))
    upload(client, "goed.csv", good)
    assert not any(path.exists() for path in stale)
