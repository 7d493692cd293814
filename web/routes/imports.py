"""Import page: upload, preview of what will be written and every refused row, then confirm."""

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.datastructures import UploadFile

from ingest.barrier_import import import_barriers
from ingest.limits import MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES
from ingest.regulation_import import read_regulation_items, import_regulation_objects
from kb.errors import FieldError, ValidationFailed
from web.auth import csrf_ok
from web.data_import import (named_as, preview_barriers, preview_regulations, remove_stale_uploads, stored_upload,
                             upload_name)
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
    remove_stale_uploads(folder)
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
    # Reading a large file takes seconds: off the event loop, so other requests go on meanwhile.
    preview = await run_in_threadpool(_preview, request.app.state.engine, kind, path, upload.filename,
                                      limit=limit, unpacked=unpacked)
    if not preview["confirmable"]:
        path.unlink(missing_ok=True)  # refused whole: nothing to confirm, nothing to keep
    return render(request, "import.html", {"errors": {}, "preview": preview, "token": name, "report": None})


def _preview(engine, kind: str, path, display: str, *, limit: int, unpacked: int) -> dict:
    with Session(engine) as session:
        if kind == "drempels":
            return preview_barriers(session, path, display, max_unpacked=unpacked)
        return preview_regulations(session, path, display, max_bytes=limit)


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
            items = named_as(display, path, lambda: read_regulation_items(path, "auto", key=None,
                                                                           max_bytes=_limits(request)[0]))
            report = import_regulation_objects(engine=request.app.state.engine, items=items,
                                               actor=principal.name).as_dict()
            report["file"] = display
    finally:
        path.unlink(missing_ok=True)
    request.app.state.after_commit()
    return render(request, "import.html", {"errors": {}, "preview": None, "report": report})
