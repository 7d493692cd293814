"""The brief builder (/nota): choose a selection, see how many barriers it holds and a preview, download
the brief in every format; earlier briefs can be downloaded again, made from the versions they used."""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session, select
from starlette.datastructures import MultiDict

from briefs.grouping import theme_labels
from briefs.labels import values_of
from briefs.render_html import render_fragment
from briefs.selection import FIELD_NAMES, describe, parse_selection, select_codes
from briefs.service import MEDIA_TYPES, EmptySelection, check_format, make_brief, preview, remake
from kb.enums import Role
from kb.errors import ValidationFailed
from kb.models import BarrierTag, Project, Regulation
from kb.services.briefs import list_briefs
from web.auth import csrf_ok
from web.deps import CsrfFailed, DbSession, Reader, Team
from web.templating import render

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


router = APIRouter(include_in_schema=False)


def _download(made) -> Response:
    name = made.filename
    return Response(made.data, media_type=MEDIA_TYPES[made.fmt],
                    headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
                             "X-Content-Hash": made.record.content_hash})


@router.get("/nota")
def nota(request: Request, session: DbSession, principal: Reader):
    page = nota_page(session, request.query_params, with_preview=request.query_params.get("voorbeeld") == "1",
                     can_make=principal.at_least(Role.programmateam))
    query = str(request.url.query)
    return render(request, "nota.html", {"n": page}, json_url="/api/nota" + (f"?{query}" if query else ""))


@router.get("/api/nota")
def nota_json(request: Request, session: DbSession, principal: Reader):
    page = nota_page(session, request.query_params, with_preview=request.query_params.get("voorbeeld") == "1",
                     can_make=principal.at_least(Role.programmateam))
    return JSONResponse(page)


@router.post("/nota/maken")
async def make(request: Request, principal: Team):
    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        raise CsrfFailed()
    params = MultiDict([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        try:
            fmt = check_format(str(form.get("formaat", "")))
            made = make_brief(session=session, filters=filters_from(params), fmt=fmt, actor=principal.name)
        except (ValidationFailed, EmptySelection) as exc:
            errors = {e.field: e.message for e in exc.errors} if isinstance(exc, ValidationFailed) \
                else {"selectie": str(exc)}
            page = nota_page(session, params, with_preview=False, can_make=True)
            page["errors"] = errors
            return render(request, "nota.html", {"n": page}, status=422)
        session.commit()
    return _download(made)


@router.get("/nota/{brief_id}/download")
def download(request: Request, session: DbSession, _p: Reader, brief_id: int, formaat: str | None = None):
    return _download(remake(session, brief_id, formaat))
