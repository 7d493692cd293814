"""The import page: upload, a preview of what would be written and of every refused row, then confirm.

The preview validates rows with the importer's own row parser and compares them with the stored
records, so it reads only; the confirmed import then runs the real importer on the same file.
"""

import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.datastructures import UploadFile

from ingest.barrier_files import FileRefused, file_format, read_rows
from ingest.barrier_import import import_barriers, row_to_barrier
from ingest.limits import MAX_UNPACKED_BYTES, MAX_UPLOAD_BYTES
from ingest.regulation_import import import_regulation_objects, parse_regulation, read_regulation_items
from kb.errors import FieldError, NotFound, ValidationFailed
from kb.services.barriers import find_barrier, snapshot
from kb.services.regulations import get_regulation
from web.auth import csrf_ok
from web.deps import CsrfFailed, Team, form_with_csrf
from web.errors import TooLarge
from web.templating import render


BARRIER_TYPES = (".csv", ".jsonl", ".ndjson", ".xlsx")
REGULATION_TYPES = (".json", ".jsonl", ".xml", ".html", ".htm", ".pdf", ".docx", ".txt")
KINDS = {"drempels": BARRIER_TYPES, "regelgeving": REGULATION_TYPES}
T = TypeVar("T")
SHOWN = 200
# A preview the user never confirmed is removed after this long (the confirm form then says so).
UPLOAD_MAX_AGE = 24 * 3600


def upload_name(kind: str, filename: str) -> str:
    """A random stored name keeping the extension (the readers choose their format by it)."""
    suffix = Path(filename or "").suffix.lower()
    allowed = KINDS.get(kind)
    if allowed is None:
        raise ValidationFailed([FieldError("kind", "kies drempels of regelgeving")])
    if suffix not in allowed:
        raise ValidationFailed([FieldError("file", f"bestandstype '{suffix or '(geen)'}' wordt niet aanvaard voor "
                                                   f"{kind}; toegelaten: {', '.join(allowed)}")])
    return f"{kind}-{secrets.token_urlsafe(12)}{suffix}"


def stored_upload(folder: Path, name: str) -> Path:
    """The uploaded file for a preview token; refuses anything that is not one of ours."""
    path = folder / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise NotFound("Upload", name, "Dit importvoorbeeld bestaat niet (meer): het werd al bevestigd of is verlopen. "
                                       "Laad het bestand opnieuw op.")
    return path


def remove_stale_uploads(folder: Path, *, max_age: float = UPLOAD_MAX_AGE) -> None:
    """Delete uploads whose preview was abandoned: they hold other people's data and fill the disk."""
    limit = time.time() - max_age
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker removed it first


def _rename(text: str, stored: Path, display: str) -> str:
    """Messages name the user's file, never the random name it is stored under."""
    return text.replace(stored.name, display)


def named_as(display: str, stored: Path, read: Callable[[], T]) -> T:
    """Run a reader; its refusals name the user's file instead of the stored one."""
    try:
        return read()
    except ValidationFailed as exc:
        raise ValidationFailed([FieldError(e.field, _rename(e.message, stored, display), e.line,
                                           display if e.file == stored.name else e.file) for e in exc.errors]) from None


def _finish(preview: dict[str, Any], stored: Path, display: str) -> dict[str, Any]:
    for item in preview["rejected"]:
        item["reason"] = _rename(str(item["reason"]), stored, display)
        if item.get("line") is None and display not in item["reason"]:
            item["reason"] = f"{display}: {item['reason']}"
    # Nothing to write (the file was refused whole): no confirmation to offer.
    preview["confirmable"] = preview["total"] > 0
    return preview


def _changes(session: Session, barrier) -> tuple[str, list[str]]:
    existing = find_barrier(session, barrier.code)
    if existing is None:
        return "nieuw", []
    before = snapshot(session, existing)
    after = barrier.model_dump(mode="json")
    changed = [k for k in before if k in after and k != "extra" and after[k] != before[k]]
    return ("bijwerken", changed) if changed else ("ongewijzigd", [])


def preview_barriers(session: Session, path: Path, display: str, *, max_unpacked: int) -> dict[str, Any]:
    rows, rejected, counts, seen = [], [], {"nieuw": 0, "bijwerken": 0, "ongewijzigd": 0}, {}
    try:
        file_format(path)
        for row in read_rows(path, max_unpacked=max_unpacked):
            try:
                barrier = row_to_barrier(row, display)
            except ValidationFailed as exc:
                rejected.extend({"line": e.line, "field": e.field, "reason": e.message} for e in exc.errors)
                continue
            if barrier.code in seen:
                rejected.append({"line": row.line, "field": "code",
                                 "reason": f"dubbele code '{barrier.code}' (ook op regel {seen[barrier.code]})"})
                continue
            seen[barrier.code] = row.line
            outcome, changed = _changes(session, barrier)
            counts[outcome] += 1
            if len(rows) < SHOWN:
                rows.append({"line": row.line, "code": barrier.code, "title": barrier.title, "outcome": outcome,
                             "changed": changed})
    except FileRefused as exc:
        rejected.append({"line": None, "field": "(bestand)", "reason": str(exc)})
    return _finish({"kind": "drempels", "file": display, "rows": rows, "counts": counts, "rejected": rejected,
                    "total": sum(counts.values()), "shown": len(rows)}, path, display)


def preview_regulations(session: Session, path: Path, display: str, *, max_bytes: int) -> dict[str, Any]:
    rows, rejected, counts = [], [], {"nieuw": 0, "bijwerken": 0, "ongewijzigd": 0}
    try:
        items = read_regulation_items(path, "auto", key=None, max_bytes=max_bytes)
    except ValidationFailed as exc:
        items = []
        rejected.extend({"line": e.line, "field": e.field, "reason": e.message} for e in exc.errors)
    for _file, line, item in items:
        try:
            regulation = parse_regulation(item, file=display, line=line)
        except ValidationFailed as exc:
            rejected.extend({"line": e.line, "field": e.field, "reason": e.message} for e in exc.errors)
            continue
        try:
            get_regulation(session, regulation.key)
            outcome = "bijwerken"
        except NotFound:
            outcome = "nieuw"
        counts[outcome] += 1
        rows.append({"line": line, "code": regulation.key, "title": regulation.title, "outcome": outcome,
                     "changed": [f"{len(regulation.articles)} artikels"]})
    return _finish({"kind": "regelgeving", "file": display, "rows": rows[:SHOWN], "counts": counts,
                    "rejected": rejected, "total": sum(counts.values()), "shown": min(len(rows), SHOWN)}, path, display)


# -- routes ---------------------------------------------------------------------

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
