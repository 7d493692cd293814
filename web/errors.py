"""Every failure becomes a Dutch page or a JSON error with the right status; never a stack trace."""

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import Conflict, NotFound, PermissionDenied, RegisterError, ValidationFailed
from web.deps import AuthRequired, CsrfFailed

log = logging.getLogger("drempelbank.web")

TITLES = {400: "Ongeldig verzoek", 401: "Aanmelden vereist", 403: "Geen toegang", 404: "Niet gevonden",
          405: "Methode niet toegelaten", 409: "Intussen gewijzigd", 413: "Bestand te groot",
          422: "Ongeldige invoer", 429: "Te veel pogingen", 500: "Er liep iets mis"}
HTTP_MESSAGES = {404: "Deze pagina bestaat niet", 405: "Deze methode is hier niet toegelaten",
                 413: "Het verzoek is te groot", 400: "Het verzoek kon niet gelezen worden"}
CSRF_MESSAGE = ("Het formulier is verlopen of werd niet vanuit de Drempelbank verstuurd (ontbrekend of "
                "ongeldig CSRF-token). Laad de pagina opnieuw en probeer nog eens.")


class TooLarge(Exception):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"Het bestand is groter dan de toegelaten {limit // (1024 * 1024)} MB")


class TooManyAttempts(Exception):
    def __init__(self, wait: int):
        self.wait = wait
        super().__init__(f"Te veel mislukte aanmeldpogingen. Probeer het over {max(1, -(-wait // 60))} "
                         f"minuten opnieuw.")


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/openapi.json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
    headers = {"Retry-After": str(extra.pop("retry_after"))} if "retry_after" in extra else None
    if wants_json(request):
        return JSONResponse({"detail": message, **extra}, status_code=status, headers=headers)
    from web.templating import render

    if not hasattr(request.state, "principal"):
        from web.auth import ANONYMOUS, SessionData

        request.state.principal, request.state.session = ANONYMOUS, SessionData()
    response = render(request, "error.html", {"status": status, "title": TITLES.get(status, "Fout"),
                                              "message": message, "extra": extra}, status=status)
    if headers:
        response.headers.update(headers)
    return response


class FieldErrorPublic(BaseModel):
    field: str
    message: str


class ErrorPublic(BaseModel):
    """Every JSON error of the API: a Dutch message, and per field what is wrong (422)."""

    detail: str
    errors: list[FieldErrorPublic] | None = None


def document_errors(app: FastAPI) -> None:
    """Publish the 422 body the handlers below really send, instead of FastAPI's default
    `detail: [...]` shape that no answer of ours has (schemathesis found the mismatch)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            published = ErrorPublic.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(published.pop("$defs", {}))
            components["HTTPValidationError"] = published
            components.pop("ValidationError", None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


# How each failure is answered: exception type -> (status, Dutch message, extra fields of the answer).
# Starlette picks the entry of the most specific class, so NotFound wins over its base RegisterError.
ANSWERS: dict[type[Exception], Callable[[Any], tuple[int, str, dict[str, Any]]]] = {
    CsrfFailed: lambda exc: (403, CSRF_MESSAGE, {}),
    NotFound: lambda exc: (404, str(exc), {}),
    ValidationFailed: lambda exc: (422, "Ongeldige invoer", {"errors": [{"field": e.field, "message": e.message}
                                                                        for e in exc.errors]}),
    Conflict: lambda exc: (409, str(exc), {"current_version": exc.current, "changes": exc.changes}),
    PermissionDenied: lambda exc: (403, str(exc) or "Geen toegang", {}),
    TooLarge: lambda exc: (413, str(exc), {}),
    TooManyAttempts: lambda exc: (429, str(exc), {"retry_after": exc.wait}),
    RegisterError: lambda exc: (400, str(exc), {}),
    RequestValidationError: lambda exc: (422, "Ongeldige invoer", {"errors": _field_errors(exc)}),
    StarletteHTTPException: lambda exc: (exc.status_code, HTTP_MESSAGES.get(exc.status_code, str(exc.detail)), {}),
}


def install_error_handlers(app: FastAPI) -> None:
    document_errors(app)

    async def answer(request: Request, exc: Exception) -> Response:
        status, message, extra = ANSWERS[_answered_as(exc)](exc)
        return error_response(request, status, message, **extra)

    for kind in ANSWERS:
        app.add_exception_handler(kind, answer)
    app.add_exception_handler(AuthRequired, _login_first)
    app.add_exception_handler(Exception, _crashed)


def _answered_as(exc: Exception) -> type[Exception]:
    return next(kind for kind in type(exc).__mro__ if kind in ANSWERS)


async def _login_first(request: Request, exc: AuthRequired) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    notice = "verlopen" if request.state.session.expired else ""
    suffix = f"&melding={notice}" if notice else ""
    return RedirectResponse(f"/aanmelden?volgende={quote(target)}{suffix}", status_code=303)


async def _crashed(request: Request, exc: Exception) -> Response:
    log.exception("onverwachte fout bij %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "Er liep iets mis aan onze kant; de fout werd gelogd")


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    return [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": _dutch(e)}
            for e in exc.errors()]


def _dutch(error: dict[str, Any]) -> str:
    from kb.validation import dutch_message

    try:
        return dutch_message(error, None)
    except (KeyError, IndexError, ValueError):
        return "ongeldige waarde"
