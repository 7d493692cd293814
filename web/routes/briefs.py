"""The brief builder (/nota): choose a selection, see how many barriers it holds and a preview, download
the brief in every format; earlier briefs can be downloaded again, made from the versions they used."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlmodel import Session
from starlette.datastructures import MultiDict

from briefs.service import MEDIA_TYPES, EmptySelection, check_format, make_brief, remake
from kb.enums import Role
from kb.errors import ValidationFailed
from web.auth import csrf_ok
from web.data_briefs import filters_from, nota_page
from web.deps import CsrfFailed, DbSession, Reader, Team
from web.templating import render

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
