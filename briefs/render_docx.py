"""The brief as DOCX: Word's own heading styles (so the navigation pane works), real tables, PNG charts
with alt text, a table-of-contents field that Word fills with page numbers, page numbers in the footer."""

import io
from datetime import datetime

from docx import Document
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefs import charts
from briefs.model import Brief, Bullets, Chart, Hint, Link, Para, Table, codes_text

GREY = RGBColor(0x55, 0x55, 0x55)
FIXED_TIME = datetime(2000, 1, 1)


def _codes(paragraph, codes: list[str], summary: str = "") -> None:
    if codes or summary:
        run = paragraph.add_run(" " + codes_text(codes, summary))
        run.font.size, run.font.color.rgb = Pt(8), GREY


def _para(doc, p: Para, style: str | None = None):
    paragraph = doc.add_paragraph(p.text, style=style)
    _codes(paragraph, p.codes, p.summary)
    return paragraph


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC): begin, instruction, separate, current result, end."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _hyperlink(paragraph, text: str, url: str) -> None:
    r_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D3C5E")
    props.extend([style, colour, underline])
    run.append(props)
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def _table(doc, table: Table) -> None:
    caption = doc.add_paragraph(table.caption, style="Caption")
    _codes(caption, table.codes)
    grid = doc.add_table(rows=1, cols=len(table.header), style="Table Grid")
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
    for cell, text in zip(header.cells, table.header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row):
            if isinstance(value, Link) and value.url:
                _hyperlink(cell.paragraphs[0], value.text, value.url)
            else:
                cell.text = value.text if isinstance(value, Link) else str(value)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _chart(doc, chart: Chart) -> None:
    doc.add_picture(io.BytesIO(charts.render(chart, "png")), width=Cm(15))
    for doc_pr in doc.paragraphs[-1]._p.xpath(".//wp:docPr"):
        doc_pr.set("descr", chart.alt)
        doc_pr.set("title", chart.title)
    caption = doc.add_paragraph(chart.caption, style="Caption")
    _codes(caption, chart.codes, chart.summary)


def _block(doc, block) -> None:
    if isinstance(block, Para):
        _para(doc, block)
    elif isinstance(block, Bullets):
        for item in block.items:
            _para(doc, item, style="List Bullet")
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Chart):
        _chart(doc, block)
    elif isinstance(block, Hint):
        paragraph = doc.add_paragraph(style="Intense Quote")
        paragraph.add_run(block.title + ". ").bold = True
        paragraph.add_run(block.text)
        _codes(paragraph, block.codes)
    else:
        raise TypeError(f"unknown block {type(block).__name__}")


def _title_page(doc, brief: Brief) -> None:
    doc.add_paragraph(brief.service.upper(), style="Subtitle")
    doc.add_heading(brief.title, level=0)
    doc.add_paragraph(brief.subtitle, style="Subtitle")
    for name, value in (("Datum", brief.date_text), ("Uitgaande dienst", brief.service),
                        ("Bestemmeling", brief.addressee),
                        ("Selectie", f"{brief.selection_text.rstrip('.')} ({len(brief.codes)} drempels)")):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{name}: ").bold = True
        paragraph.add_run(value)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _contents(doc, brief: Brief) -> None:
    """A TOC field Word fills in (with page numbers) on opening; until then it lists the headings."""
    doc.add_paragraph("Inhoud", style="Subtitle")
    entries = [s for s in brief.sections if s.level <= 2]
    paragraph = doc.add_paragraph()
    _field(paragraph, 'TOC \\o "1-2" \\h \\z \\u',
           placeholder="\n".join(("    " if s.level == 2 else "") + s.title for s in entries))
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _header_footer(doc, brief: Brief) -> None:
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = f"{brief.title} – {brief.date_text}"
    footer = section.footer.paragraphs[0]
    footer.add_run("Pagina ")
    _field(footer, "PAGE", "1")
    footer.add_run(" van ")
    _field(footer, "NUMPAGES", "1")


def render_docx(brief: Brief) -> bytes:
    doc = Document()
    doc.core_properties.title = f"{brief.title}: {brief.subtitle}"
    doc.core_properties.author = brief.service
    doc.core_properties.language = "nl-BE"
    doc.core_properties.created = doc.core_properties.modified = FIXED_TIME
    doc.core_properties.last_modified_by = brief.service
    doc.core_properties.revision = 1
    _header_footer(doc, brief)
    _title_page(doc, brief)
    _contents(doc, brief)
    for section in brief.sections:
        doc.add_heading(section.title, level=section.level)
        for block in section.blocks:
            _block(doc, block)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
