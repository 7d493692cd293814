"""Login and logout, and the account forms: API tokens, password, the user administration (beheerder).
The profile and user list pages themselves are in web/pages/accounts.py."""

from datetime import timedelta
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from kb.db import session_scope
from kb.errors import ValidationFailed
from kb.models import User
from kb.errors import FieldError
from kb.services.users import (
    create_token, create_user, get_user, revoke_token, set_password, update_user, verify_password,
)
from kb.models import utcnow
from kb.services.logins import close_session, close_sessions_before, open_session
from web.auth import SESSION_SECONDS, SessionData, login_session
from web.deps import Admin, DbSession, Reader, form_with_csrf
from web.errors import TooManyAttempts
from web.forms import field_errors
from web.pages.accounts import profile_data, users_data
from web.templating import render

router = APIRouter(tags=["accounts"])


def safe_next(target: str | None) -> str:
    """Only local paths, so the login form cannot send anyone to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        return "/"
    return target


@router.get("/aanmelden", include_in_schema=False)
def login_page(request: Request, volgende: str = "/", melding: str = ""):
    notice = "Uw sessie is verlopen; meld u opnieuw aan." if melding == "verlopen" else None
    return render(request, "login.html", {"next": safe_next(volgende), "notice": notice, "error": None,
                                          "name": ""})


@router.post("/aanmelden", include_in_schema=False)
async def login(request: Request, session: DbSession, form: dict = Depends(form_with_csrf)):
    name, password = form.get("name", "").strip(), form.get("password", "")
    address = request.client.host if request.client else "?"
    throttle = request.app.state.throttle
    wait = throttle.retry_after(name, address)
    if wait:
        raise TooManyAttempts(wait)
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None or not user.active or not verify_password(user, password):
        throttle.failed(name, address)
        return render(request, "login.html", {"next": safe_next(form.get("next")), "name": name, "notice": None,
                                              "error": "Onbekende gebruikersnaam of verkeerd wachtwoord."},
                      status=400)
    throttle.succeeded(name)
    with session_scope(request.app.state.engine) as write:
        close_sessions_before(session=write, moment=utcnow() - timedelta(seconds=SESSION_SECONDS))
        sid = open_session(session=write, user=user)
    request.state.session = login_session(user, sid)
    request.state.session_changed = True
    return RedirectResponse(safe_next(form.get("next")), status_code=303)


@router.post("/afmelden", include_in_schema=False)
async def logout(request: Request, _form: dict = Depends(form_with_csrf)):
    with session_scope(request.app.state.engine) as session:
        close_session(session=session, sid=request.state.session.sid)
    request.state.session = SessionData()
    request.state.session_changed = True
    return RedirectResponse("/aanmelden", status_code=303)


@router.post("/profiel/tokens", include_in_schema=False)
async def new_token(request: Request, principal: Reader, form: dict = Depends(form_with_csrf)):
    with session_scope(request.app.state.engine) as session:
        token = create_token(session=session, name=principal.name, actor=principal.name)
    with session_scope(request.app.state.engine) as session:
        context = profile_data(session, principal.name)
    return render(request, "profile.html", {**context, "new_token": token, "errors": {}}, json_url="/api/profile")


@router.post("/gebruikers", include_in_schema=False)
async def add_user(request: Request, admin: Admin, form: dict = Depends(form_with_csrf)):
    engine = request.app.state.engine
    try:
        with session_scope(engine) as session:
            create_user(session=session, name=form.get("name", "").strip(), role=form.get("role", ""),
                        password=form.get("password", ""), email=form.get("email", "").strip() or None,
                        actor=admin.name)
    except ValidationFailed as exc:
        with session_scope(engine) as session:
            context = users_data(session)
        safe_form = {k: v for k, v in form.items() if k != "password"}
        return render(request, "users.html", {**context, "form": safe_form, "errors": field_errors(exc),
                                              "created": None}, status=422, json_url="/api/users")
    with session_scope(engine) as session:
        context = users_data(session)
    return render(request, "users.html", {**context, "form": {}, "errors": {}, "created": form.get("name")},
                  json_url="/api/users")


@router.post("/profiel/tokens/{token_id}/intrekken", include_in_schema=False)
async def revoke(request: Request, token_id: int, principal: Reader, _form: dict = Depends(form_with_csrf)):
    with session_scope(request.app.state.engine) as session:
        revoke_token(session=session, name=principal.name, token_id=token_id, actor=principal.name)
    return RedirectResponse("/profiel", status_code=303)


@router.post("/profiel/wachtwoord", include_in_schema=False)
async def change_password(request: Request, principal: Reader, form: dict = Depends(form_with_csrf)):
    engine = request.app.state.engine
    try:
        with session_scope(engine) as session:
            if not verify_password(get_user(session, principal.name), form.get("current", "")):
                raise ValidationFailed([FieldError("current", "het huidige wachtwoord klopt niet")])
            set_password(session=session, name=principal.name, password=form.get("password", ""),
                         actor=principal.name)
    except ValidationFailed as exc:
        with session_scope(engine) as session:
            context = profile_data(session, principal.name)
        return render(request, "profile.html", {**context, "new_token": None, "errors": field_errors(exc)},
                      status=422, json_url="/api/profile")
    with session_scope(engine) as session:
        context = profile_data(session, principal.name)
    return render(request, "profile.html", {**context, "new_token": None, "password_changed": True, "errors": {}},
                  json_url="/api/profile")


@router.post("/gebruikers/{name}", include_in_schema=False)
async def change_user(request: Request, name: str, admin: Admin, form: dict = Depends(form_with_csrf)):
    engine = request.app.state.engine
    try:
        with session_scope(engine) as session:
            update_user(session=session, name=name, actor=admin.name, role=form.get("role") or None,
                        active=form.get("active") == "on")
    except ValidationFailed as exc:
        with session_scope(engine) as session:
            context = users_data(session)
        return render(request, "users.html", {**context, "form": {}, "errors": field_errors(exc), "created": None},
                      status=422, json_url="/api/users")
    with session_scope(engine) as session:
        context = users_data(session)
    return render(request, "users.html", {**context, "form": {}, "errors": {}, "created": None, "changed": name},
                  json_url="/api/users")
