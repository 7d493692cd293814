"""Writing barriers: new and edit forms, status changes, citation proposals, and the JSON write API."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from kb.db import session_scope
from kb.enums import Role, Status
from kb.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from kb.models import BarrierCreate, BarrierUpdate
from kb.services.barriers import MAX_COMMENT, add_comment, change_status, create_barrier, get_barrier, update_barrier
from web.pages.barriers import barrier_detail, barrier_public
from kb.services.citation_links import confirm_link, reject_link
from web.deps import (DbSession, Jurist, Reader, Team, check_csrf_header, check_may_create, form_with_csrf,
                      may_edit)
from web.forms import field_errors, next_code, parse_create, parse_update, record_to_form
from web.templating import render

router = APIRouter()
CSRF_HEADER = [Depends(check_csrf_header)]


def _after_commit(request: Request) -> None:
    """The composition root's after-commit steps (citation proposals, themes, index), so the next
    page and search show the write."""
    request.app.state.after_commit()


def _duplicates(request: Request, title: str, description: str) -> list[dict[str, Any]]:
    search = request.app.state.search
    if search is None or not (title or description):
        return []
    return search.check_duplicate(title, description, limit=5)


def _form_page(request: Request, template: str, *, form: dict, errors: dict, status: int = 200, **extra: Any):
    return render(request, template, {"form": form, "errors": errors, "duplicates": [], "citations": [],
                                      **extra}, status=status)


@router.get("/drempels/nieuw", include_in_schema=False)
def new_form(request: Request, session: DbSession, principal: Jurist):
    form = {"code": next_code(session), "reported_by": principal.name}
    return _form_page(request, "barrier_form.html", form=form, errors={}, mode="nieuw")


@router.post("/drempels/nieuw", include_in_schema=False)
async def create_from_form(request: Request, principal: Jurist, form: dict = Depends(form_with_csrf)):
    try:
        barrier = parse_create(form)
    except ValidationFailed as exc:
        return _form_page(request, "barrier_form.html", form=form, errors=field_errors(exc), status=422,
                          mode="nieuw")
    check_may_create(principal, barrier)
    likely = [d for d in _duplicates(request, barrier.title, barrier.description) if d["likely"]]
    if likely and form.get("duplicate_ack") != "on":
        # Without JavaScript the warning comes here: the jurist confirms it is a different barrier.
        return _form_page(request, "barrier_form.html", form=form, errors={}, status=200, mode="nieuw",
                          duplicates=likely, must_ack=True)
    try:
        with session_scope(request.app.state.engine) as session:
            create_barrier(session=session, data=barrier, actor=principal.name)
    except ValidationFailed as exc:
        return _form_page(request, "barrier_form.html", form=form, errors=field_errors(exc), status=422,
                          mode="nieuw")
    _after_commit(request)
    return RedirectResponse(f"/drempels/{barrier.code}?bewaard=1", status_code=303)


def _editable(session, principal, code: str):
    barrier = get_barrier(session, code)
    if not may_edit(principal, barrier):
        raise PermissionDenied("U mag alleen drempels bewerken die u zelf meldde; het programmateam bewerkt alle")
    return barrier


@router.get("/drempels/{code}/bewerken", include_in_schema=False)
def edit_form(request: Request, session: DbSession, principal: Jurist, code: str):
    barrier = _editable(session, principal, code)
    record = barrier_public(session, barrier).model_dump(mode="json")
    form = {**record_to_form(record), "version": str(barrier.version)}
    return _form_page(request, "barrier_form.html", form=form, errors={}, mode="bewerken", code=code)


@router.post("/drempels/{code}/bewerken", include_in_schema=False)
async def update_from_form(request: Request, session: DbSession, principal: Jurist, code: str,
                           form: dict = Depends(form_with_csrf)):
    _editable(session, principal, code)
    session.close()
    try:
        changes, version = parse_update(form, may_publish=principal.at_least(Role.programmateam))
        with session_scope(request.app.state.engine) as write:
            update_barrier(session=write, code=code, data=changes, actor=principal.name, expected_version=version)
    except ValidationFailed as exc:
        return _form_page(request, "barrier_form.html", form={**form, "code": code}, errors=field_errors(exc),
                          status=422, mode="bewerken", code=code)
    except Conflict as exc:
        return render(request, "conflict.html", {"code": code, "conflict": exc, "form": form}, status=409)
    _after_commit(request)
    return RedirectResponse(f"/drempels/{code}?bewaard=1", status_code=303)


@router.post("/drempels/{code}/status", include_in_schema=False)
async def status_from_form(request: Request, principal: Team, code: str, form: dict = Depends(form_with_csrf)):
    status, comment = form.get("status", ""), form.get("comment", "").strip() or None
    if status not in {s.value for s in Status}:
        raise ValidationFailed([FieldError("status", f"onbekende status {status!r}")])
    try:
        version = int(form.get("version", ""))
    except ValueError:
        raise ValidationFailed([FieldError("version", "het formulier mist zijn versienummer; laad het opnieuw")]) from None
    try:
        with session_scope(request.app.state.engine) as session:
            change_status(session=session, code=code, status=Status(status), actor=principal.name, comment=comment,
                          expected_version=version)
    except Conflict as exc:
        return render(request, "conflict.html", {"code": code, "conflict": exc, "form": None}, status=409)
    _after_commit(request)
    return RedirectResponse(f"/drempels/{code}?status=1#geschiedenis", status_code=303)


@router.post("/drempels/{code}/opmerkingen", include_in_schema=False)
async def comment_from_form(request: Request, principal: Jurist, code: str, form: dict = Depends(form_with_csrf)):
    with session_scope(request.app.state.engine) as session:
        add_comment(session=session, code=code, text=form.get("text", ""), actor=principal.name)
    return RedirectResponse(f"/drempels/{code}#opmerkingen", status_code=303)


class CommentInput(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


@router.post("/api/barriers/{code}/comments", tags=["drempels"], status_code=201, dependencies=CSRF_HEADER)
def api_comment(request: Request, code: str, body: CommentInput, principal: Jurist) -> dict[str, Any]:
    with session_scope(request.app.state.engine) as session:
        comment = add_comment(session=session, code=code, text=body.text, actor=principal.name)
        session.flush()
        return {"id": comment.id, "at": comment.at.isoformat(), "by": comment.by, "text": comment.text}


@router.post("/drempels/{code}/citaties", include_in_schema=False)
async def citation_from_form(request: Request, session: DbSession, principal: Jurist, code: str,
                             form: dict = Depends(form_with_csrf)):
    """Confirm or reject one citation the linker proposed."""
    _editable(session, principal, code)
    session.close()
    action = form.get("action")
    try:
        link_id, version = int(form.get("link", "")), int(form.get("version", ""))
    except ValueError:
        link_id = version = None
    if action not in ("bevestigen", "verwerpen") or link_id is None:
        raise ValidationFailed([FieldError("action", "kies bevestigen of verwerpen voor een gevonden citaat")])
    service = confirm_link if action == "bevestigen" else reject_link
    try:
        with session_scope(request.app.state.engine) as write:
            service(session=write, barrier_code=code, link_id=link_id, actor=principal.name,
                    expected_version=version)
    except Conflict as exc:
        return render(request, "conflict.html", {"code": code, "conflict": exc, "form": None}, status=409)
    _after_commit(request)
    return RedirectResponse(f"/drempels/{code}#citaties", status_code=303)


# -- JSON write API ------------------------------------------------------------

class StatusInput(BaseModel):
    status: Status
    comment: str | None = Field(default=None, max_length=MAX_COMMENT)
    version: int | None = None


class UpdateInput(BarrierUpdate):
    version: int = Field(description="De versie die u las; een wijziging zonder versie zou blind overschrijven.")


class DuplicateInput(BaseModel):
    title: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=50_000)


class TextInput(BaseModel):
    text: str = Field(default="", max_length=50_000)


@router.post("/api/barriers", tags=["drempels"], status_code=201, dependencies=CSRF_HEADER)
def api_create(request: Request, body: BarrierCreate, principal: Jurist) -> dict[str, Any]:
    check_may_create(principal, body)
    with session_scope(request.app.state.engine) as session:
        create_barrier(session=session, data=body, actor=principal.name)
    _after_commit(request)
    with session_scope(request.app.state.engine) as session:
        return barrier_detail(session, body.code)


@router.patch("/api/barriers/{code}", tags=["drempels"], dependencies=CSRF_HEADER)
def api_update(request: Request, code: str, body: UpdateInput, session: DbSession, principal: Jurist) -> dict:
    _editable(session, principal, code)
    session.close()
    changes = BarrierUpdate.model_validate(body.model_dump(exclude_unset=True, exclude={"version", "status"}))
    if changes.is_public is not None and not principal.at_least(Role.programmateam):
        raise PermissionDenied("Alleen het programmateam maakt een drempel publiek")
    with session_scope(request.app.state.engine) as write:
        update_barrier(session=write, code=code, data=changes, actor=principal.name, expected_version=body.version)
    _after_commit(request)
    with session_scope(request.app.state.engine) as read:
        return barrier_detail(read, code)


@router.post("/api/barriers/{code}/status", tags=["drempels"], dependencies=CSRF_HEADER)
def api_status(request: Request, code: str, body: StatusInput, principal: Team) -> dict[str, Any]:
    with session_scope(request.app.state.engine) as session:
        change_status(session=session, code=code, status=body.status, actor=principal.name, comment=body.comment,
                      expected_version=body.version)
    _after_commit(request)
    with session_scope(request.app.state.engine) as session:
        return barrier_detail(session, code)


@router.post("/api/check-duplicate", tags=["drempels"], dependencies=CSRF_HEADER)
def api_check_duplicate(request: Request, body: DuplicateInput, _p: Reader) -> dict[str, Any]:
    """Same JSON as `drempelbank check-duplicate --json`."""
    return {"candidates": _duplicates(request, body.title, body.description)}


@router.post("/api/citations", tags=["drempels"], dependencies=CSRF_HEADER)
def api_citations(request: Request, body: TextInput, _p: Reader) -> dict[str, Any]:
    """Citations recognised in a text, with the register's reference when it knows the regulation."""
    search = request.app.state.search
    return {"citations": search.find_citations(body.text) if search is not None else []}
