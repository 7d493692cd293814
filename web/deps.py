"""Request dependencies: the database session and the access rules of each role."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from kb.enums import Role
from kb.errors import PermissionDenied, RegisterError
from kb.models import Barrier
from web.auth import Principal

if TYPE_CHECKING:
    from search.service import SearchService


class AuthRequired(Exception):
    """No (valid) credentials: pages send the visitor to the login page, the API answers 401."""

    def __init__(self, message: str = "Meld u aan om verder te gaan"):
        super().__init__(message)


class CsrfFailed(Exception):
    pass


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session)]


def current(request: Request) -> Principal:
    return request.state.principal


def public_read(request: Request) -> bool:
    settings = request.app.state.settings
    return bool(settings is not None and settings.public_read)


def require_login(request: Request) -> Principal:
    principal = current(request)
    if principal.anonymous:
        message = "Ongeldig of ingetrokken API-token" if principal.via == "ongeldig-token" else \
            ("Uw sessie is verlopen; meld u opnieuw aan" if request.state.session.expired else
             "Meld u aan om verder te gaan")
        raise AuthRequired(message)
    return principal


def require_viewer(request: Request) -> Principal:
    """Barrier pages: logged in, or anonymous when PUBLIC_READ is on (then only public barriers)."""
    principal = current(request)
    if principal.anonymous and public_read(request) and principal.via == "anoniem":
        return principal
    return require_login(request)


def require(role: Role):
    def check(request: Request) -> Principal:
        principal = require_login(request)
        if not principal.at_least(role):
            raise PermissionDenied(f"Hiervoor is de rol {role.value} of hoger nodig; u bent {principal.role.value}")
        return principal
    return check


Viewer = Annotated[Principal, Depends(require_viewer)]
Reader = Annotated[Principal, Depends(require_login)]
Jurist = Annotated[Principal, Depends(require(Role.jurist))]
Team = Annotated[Principal, Depends(require(Role.programmateam))]
Admin = Annotated[Principal, Depends(require(Role.beheerder))]


def search_of(request: Request) -> "SearchService":
    """The search service the composition root handed the app (typed, so callers see its methods)."""
    search = request.app.state.search
    if search is None:
        raise RegisterError("De zoekfunctie is niet beschikbaar (geen zoekindex geconfigureerd)")
    return search


def may_edit(principal: Principal, barrier: Barrier) -> bool:
    """Jurists edit what they logged themselves; the programme team edits everything."""
    if principal.at_least(Role.programmateam):
        return True
    return principal.at_least(Role.jurist) and barrier.created_by == principal.name


def check_may_create(principal: Principal, data) -> None:
    """A new barrier follows the rules of a change: publishing, a status other than the first one
    (status changes have their own route) and demo marking are for the programme team."""
    if principal.at_least(Role.programmateam):
        return
    from kb.enums import Status

    if data.is_public:
        raise PermissionDenied("Alleen het programmateam maakt een drempel publiek")
    if data.status != Status.gemeld:
        raise PermissionDenied("Alleen het programmateam kent een andere status toe dan 'gemeld'")
    if data.is_demo:
        raise PermissionDenied("Alleen het programmateam markeert een drempel als demo")


def check_visible(principal: Principal, barrier: Barrier) -> None:
    from kb.errors import NotFound

    if principal.anonymous and not barrier.is_public:
        # Same answer as for a code that does not exist: anonymous visitors learn nothing.
        raise NotFound("Drempel", barrier.code)


async def form_with_csrf(request: Request) -> dict[str, str]:
    """The posted form as plain strings (last value wins), after checking the CSRF token."""
    from web.auth import csrf_ok

    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        raise CsrfFailed()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def check_csrf_header(request: Request) -> None:
    """JSON writes from the page's own script send the token as a header; anonymous requests are
    left to the login check (401), as they can write nothing anyway."""
    from web.auth import csrf_ok

    if not current(request).anonymous and not csrf_ok(request, request.headers.get("x-csrf-token")):
        raise CsrfFailed()
