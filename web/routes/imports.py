"""Import page: upload, preview of what will be written and every refused row, then confirm."""

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session
from starlette.datastructures import UploadFile

from ingest.barrier_import import import_barriers
from ingest.limits import MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES
from ingest.regulation_import import read_regulation_items, import_regulation_objects
from kb.errors import FieldError, ValidationFailed
from web.auth import csrf_ok
from web.data_import import preview_barriers, preview_regulations, stored_upload, upload_name
from web.deps import CsrfFailed, Team, form_with_csrf
from web.errors import TooLarge
from web.templating import render

router = APIRouter(include_in_schema=False)
CHUNK = 1 << 16


def _limits(request: Request) -> tuple[int, int]:
    settings = request.app.state.settings
    if settings is None:
        return MAX_UPLOAD_BYTES, MAX_UNPACKED_BYTES
    return settings.max_upload_bytes, settings.max_unpacked_bytes


@router.get("/importeren")
def import_page(request: Request, _p: Team):
    return render(request, "import.html", {"errors": {}, "preview": None, "report": None})


async def _save_upload(request: Request, upload: UploadFile, kind: str) -> str:
    limit, _ = _limits(request)
    name = upload_name(kind, upload.filename or "")
    folder = request.app.state.uploads
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    with (folder / name).open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                out.close()
                (folder / name).unlink(missing_ok=True)
                raise TooLarge(limit)
            out.write(chunk)
    if size == 0:
        (folder / name).unlink(missing_ok=True)
        raise ValidationFailed([FieldError("file", "het bestand is leeg")])
    return name


@router.post("/importeren")
async def upload(request: Request, _p: Team):
    limit, unpacked = _limits(request)
    if int(request.headers.get("content-length") or 0) > limit + 64 * 1024:
        raise TooLarge(limit)  # refuse before reading a byte of an oversized body
    form = await request.form(max_files=1)
    if not csrf_ok(request, form.get("csrf")):
        raise CsrfFailed()
    upload, kind = form.get("file"), str(form.get("kind", "drempels"))
    if not isinstance(upload, UploadFile) or not upload.filename:
        return render(request, "import.html", {"errors": {"file": "kies een bestand om in te lezen"},
                                               "preview": None, "report": None}, status=422)
    try:
        name = await _save_upload(request, upload, kind)
    except ValidationFailed as exc:
        errors = {e.field: e.message for e in exc.errors}
        return render(request, "import.html", {"errors": errors, "preview": None, "report": None}, status=422)
    path = stored_upload(request.app.state.uploads, name)
    with Session(request.app.state.engine) as session:
        if kind == "drempels":
            preview = preview_barriers(session, path, upload.filename, max_unpacked=unpacked)
        else:
            preview = preview_regulations(session, path, upload.filename, max_bytes=limit)
    return render(request, "import.html", {"errors": {}, "preview": preview, "token": name, "report": None})


@router.post("/importeren/bevestigen")
async def confirm(request: Request, principal: Team, form: dict = Depends(form_with_csrf)):
    path = stored_upload(request.app.state.uploads, form.get("token", ""))
    display = form.get("display", path.name)[:200]
    try:
        if path.name.startswith("drempels-"):
            report = import_barriers(engine=request.app.state.engine, path=path, actor=principal.name,
                                     partial=form.get("partial") == "on", display_name=display,
                                     max_unpacked=_limits(request)[1]).as_dict()
        else:
            items = read_regulation_items(path, "auto", key=None, max_bytes=_limits(request)[0])
            report = import_regulation_objects(engine=request.app.state.engine, items=items,
                                               actor=principal.name).as_dict()
            report["file"] = display
    finally:
        path.unlink(missing_ok=True)
    request.app.state.after_commit()
    return render(request, "import.html", {"errors": {}, "preview": None, "report": report})
