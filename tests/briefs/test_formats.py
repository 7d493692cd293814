"""One brief, four formats, read back as a reader would: every selected barrier cited and no other,
headings, table of contents, charts with Dutch labels; and the same data gives the same brief."""

import io
import re
import zipfile
from datetime import UTC, datetime

import pytest
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader
from sqlmodel import Session

from briefs.selection import parse_selection, select_codes
from briefs.service import EmptySelection, make_brief, remake
from kb.errors import ValidationFailed
from kb.models import Barrier
from sqlmodel import select

FILTERS = {"status": ["gemeld", "in-analyse"]}
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CODE = re.compile(r"DR-\d{4}-\d{3}")
HEADINGS = ("Samenvatting", "Cijfers in beeld", "Artikels die het meest blokkeren", "Drempels per thema",
            "Bijlage: alle drempels in de selectie")
DUTCH_LABELS = ("Drempels per bestuursniveau (Bestuursniveau tegenover aantal drempels)",
                "Gemelde drempels per kwartaal (Kwartaal tegenover aantal drempels)", "Drempels per status")


def text_of(fmt: str, data: bytes) -> str:
    if fmt == "md":
        return data.decode("utf-8")
    if fmt == "html":
        return lxml_html.fromstring(data).text_content()
    if fmt == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def made(demo_sqlite):
    with Session(demo_sqlite, expire_on_commit=False) as session:
        selected = select_codes(session, parse_selection(session, FILTERS))
        every = set(session.exec(select(Barrier.code)))
        files = {fmt: make_brief(session=session, filters=FILTERS, fmt=fmt, actor="test", now=NOW)
                 for fmt in ("md", "html", "docx", "pdf")}
        session.commit()
    return {"selected": selected, "others": every - set(selected), "files": files}


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_cites_every_selected_barrier_and_no_other(made, fmt):
    text = text_of(fmt, made["files"][fmt].data)
    found = set(CODE.findall(text))
    assert set(made["selected"]) <= found
    assert not found & made["others"], sorted(found & made["others"])


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_headings_contents_and_dutch_chart_labels(made, fmt):
    text = text_of(fmt, made["files"][fmt].data)
    for heading in HEADINGS + ("Inhoud", "Nota aan de Vlaamse Regering", "Agentschap Binnenlands Bestuur"):
        assert heading in text, heading
    if fmt == "md":  # Markdown gives each chart as its table of figures
        assert "| Bestuursniveau | Aantal drempels |" in text and "| Kwartaal | Aantal drempels |" in text
    else:
        for label in DUTCH_LABELS:
            assert label in text, label
    if fmt == "pdf":  # the axis labels drawn in the SVG charts themselves
        assert "Aantal drempels" in text and "Thema" in text


def test_pdf_has_page_numbers_running_header_and_paged_contents(made):
    reader = PdfReader(io.BytesIO(made["files"]["pdf"].data))
    pages = [page.extract_text() for page in reader.pages]
    assert "Pagina 3 van" in pages[2] and "Nota aan de Vlaamse Regering" in pages[2]
    contents = pages[1]
    found = {title: int(number) for title, number in re.findall(r"^(.+?)[ .]*?(\d+)$", contents, re.M)}
    for heading in HEADINGS:
        page = next(number for title, number in found.items() if heading in title)
        assert heading in pages[page - 1], f"{heading} not on page {page}"


def test_html_is_self_contained_with_svg_charts_and_text_alternatives(made):
    tree = lxml_html.fromstring(made["files"]["html"].data)
    images = tree.xpath("//figure[@class='grafiek']/img")
    assert len(images) == 4
    assert all(img.get("src").startswith("data:image/svg+xml;base64,") for img in images)
    assert all("Aantal drempels per" in img.get("alt") for img in images)
    assert not tree.xpath("//link[@rel='stylesheet'] | //script[@src] | //img[not(starts-with(@src, 'data:'))]")
    assert [a.get("href") for a in tree.xpath("//nav[@class='inhoud']//a")][:2] == ["#samenvatting", "#wijzigingen"]


def test_docx_uses_word_headings_real_tables_png_charts_and_a_toc_field(made):
    data = made["files"]["docx"].data
    document = Document(io.BytesIO(data))
    for heading in HEADINGS:
        assert any(p.text == heading and p.style.name == "Heading 1" for p in document.paragraphs), heading
    assert any(p.style.name == "Heading 2" for p in document.paragraphs)
    assert len(document.tables) >= 2 and document.tables[-1].rows[0].cells[0].text == "Code"
    assert len(document.inline_shapes) == 4
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode("utf-8")
        assert sum(name.endswith(".png") for name in package.namelist()) == 4
    assert "TOC \\o" in body and 'descr="Drempels per bestuursniveau' in body


def test_same_data_same_brief_and_remade_from_recorded_versions(made, demo_sqlite):
    first = made["files"]
    with Session(demo_sqlite, expire_on_commit=False) as session:
        again = {fmt: make_brief(session=session, filters=FILTERS, fmt=fmt, actor="test", now=NOW)
                 for fmt in ("md", "html", "docx", "pdf")}
        remade = {fmt: remake(session, first[fmt].record.id) for fmt in ("md", "pdf")}
        session.rollback()
    assert len({m.record.content_hash for m in [*first.values(), *again.values()]}) == 1
    for fmt in ("md", "html", "docx", "pdf"):
        older, newer = text_of(fmt, first[fmt].data), text_of(fmt, again[fmt].data)
        # The second brief compares itself with the first; that paragraph is the one expected difference.
        assert _without_changes(older) == _without_changes(newer), fmt
    assert remade["md"].data == first["md"].data
    assert text_of("pdf", remade["pdf"].data) == text_of("pdf", first["pdf"].data)
    assert first["md"].record.barrier_versions == {code: 1 for code in made["selected"]}


def _without_changes(text: str) -> str:
    return re.sub(r"(Dit is de eerste nota|Sinds de vorige nota)[^\n]*", "", text)


def test_brief_reports_what_changed_since_the_previous_one(demo_sqlite):
    from kb.services.barriers import change_status

    filters = {"niveau": ["europees"]}
    with Session(demo_sqlite, expire_on_commit=False) as session:
        make_brief(session=session, filters=filters, fmt="md", actor="test", now=NOW)
        code = select_codes(session, parse_selection(session, filters))[0]
        change_status(session=session, code=code, status="opgelost", actor="test")
        later = make_brief(session=session, filters=filters, fmt="md", actor="test", now=NOW)
        session.rollback()
    text = later.data.decode("utf-8")
    assert "Sinds de vorige nota over deze selectie (2 maart 2026)" in text
    assert f"opgelost: 1 drempel [{code}]" in text


def test_refuses_an_empty_selection_and_an_unknown_format(demo_sqlite):
    with Session(demo_sqlite, expire_on_commit=False) as session:
        with pytest.raises(EmptySelection, match="geen enkele drempel"):
            make_brief(session=session, filters={"niveau": ["europees"], "gemeente": ["Gent"],
                                                 "status": ["opgelost"]}, fmt="pdf", actor="test")
        with pytest.raises(ValidationFailed, match="onbekend formaat"):
            make_brief(session=session, filters={}, fmt="odt", actor="test")
