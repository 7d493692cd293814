"""The brief as PDF: the print variant of the HTML, laid out by WeasyPrint (page numbers, running
header and the table of contents' page numbers come from the print stylesheet)."""

import logging

from briefs.model import Brief
from briefs.render_html import render_html

# WeasyPrint warns about CSS it ignores on screen-only rules; those are not a user's concern.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def render_pdf(brief: Brief) -> bytes:
    from weasyprint import HTML

    html = render_html(brief, for_print=True).decode("utf-8")
    return HTML(string=html).write_pdf()
