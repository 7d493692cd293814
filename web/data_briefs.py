"""Data of the brief builder page (/nota): filters, how many barriers they select, a preview, earlier briefs.

One function gathers the page's data as a plain dict; the HTML page and /api/nota render it.
"""

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from briefs.grouping import theme_labels
from briefs.labels import values_of
from briefs.render_html import render_fragment
from briefs.selection import FIELD_NAMES, describe, parse_selection, select_codes
from briefs.service import EmptySelection, preview
from kb.errors import ValidationFailed
from kb.models import BarrierTag, Project, Regulation
from kb.services.briefs import list_briefs

FORMATS = {"pdf": "PDF", "docx": "Word (DOCX)", "html": "HTML", "md": "Markdown"}
# Fields chosen from a list on the page; the others are typed (several values: repeat or separate with ';').
CHOICE_GROUPS = {"niveau": "levels", "soort": "kinds", "werf": "werven", "status": "statuses"}
TYPED = ("project", "gemeente", "regelgeving", "artikel", "trefwoord")
DATES = ("gemeld-vanaf", "gemeld-tot")


def filters_from(params) -> dict[str, list[str]]:
    """The page's filters from query or form parameters, keyed by their Dutch field names."""
    filters: dict[str, list[str]] = {}
    for name in FIELD_NAMES.values():
        values = []
        for raw in params.getlist(name):
            values.extend(v.strip() for v in str(raw).split(";") if v.strip())
        if values:
            filters[name] = values
    return filters


def _choices(session: Session) -> dict[str, list[dict[str, str]]]:
    choices = {name: [{"value": v, "label": label} for v, label in values_of(group).items()]
               for name, group in CHOICE_GROUPS.items()}
    choices["thema"] = [{"value": t, "label": t} for t in sorted(set(theme_labels(session).values()))]
    choices["project"] = [{"value": code, "label": f"{code} – {name}"}
                          for code, name in session.exec(select(Project.code, Project.name).order_by(Project.code))]
    choices["regelgeving"] = [{"value": key, "label": short or title} for key, short, title in
                              session.exec(select(Regulation.key, Regulation.short_title, Regulation.title)
                                           .order_by(Regulation.key))]
    choices["trefwoord"] = [{"value": t, "label": t} for t in
                            session.exec(select(BarrierTag.tag).distinct().order_by(BarrierTag.tag))]
    return choices


def nota_page(session: Session, params, *, with_preview: bool, can_make: bool) -> dict[str, Any]:
    filters = filters_from(params)
    page: dict[str, Any] = {"filters": filters, "errors": {}, "count": 0, "codes": [], "selection_text": "",
                            "preview_html": None, "formats": FORMATS, "can_make": can_make,
                            "choices": _choices(session), "briefs": list_briefs(session).model_dump(mode="json")}
    try:
        selection = parse_selection(session, filters)
    except ValidationFailed as exc:
        page["errors"] = {e.field: e.message for e in exc.errors}
        return page
    page["selection_text"] = describe(session, selection)
    page["codes"] = select_codes(session, selection)
    page["count"] = len(page["codes"])
    if with_preview and page["codes"]:
        try:
            _, brief = preview(session, filters, now=datetime.now(UTC))
            page["preview_html"] = render_fragment(brief)
        except EmptySelection:
            pass
    return page
