"""The FastAPI application: Dutch pages and their JSON twins, sessions, security headers."""

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.datastructures import MutableHeaders

from search.service import SearchService
from web.auth import COOKIE, LoginThrottle, bearer_token, decode_session, encode_session, load_secret, resolve_principal
from web.errors import install_error_handlers
from web.openapi import dutch_openapi
from web.templating import load_labels, make_templates


STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI sets inline styles from its own script; it still runs no inline script.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                    "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin",
                    "Permissions-Policy": "camera=(), microphone=(), geolocation=()"}


def create_app(engine: Engine, *, after_commit: Callable[[], object], search: SearchService | None = None,
               settings=None, throttle: LoginThrottle | None = None, title: str = "Drempelbank") -> FastAPI:
    """The web application; `after_commit` is the composition root's step list, run after every write."""
    app = FastAPI(title=title, description="Register van juridische en procedurele drempels voor lokale "
                                           "e-government in Vlaanderen", version="1.0",
                  docs_url=None, redoc_url=None)
    app.state.engine = engine
    app.state.search = search
    app.state.after_commit = after_commit
    app.state.settings = settings
    home = settings.home if settings is not None else None
    configured = settings.secret_key if settings is not None else None
    app.state.secret = configured.encode() if configured else load_secret(home)
    app.state.throttle = throttle or LoginThrottle(engine)
    app.state.uploads = (home / "uploads") if home is not None else Path("/tmp/drempelbank-uploads")
    app.state.templates = make_templates(load_labels(settings.corpus_dir if settings else None))
    app.openapi = lambda: dutch_openapi(app)
    install_error_handlers(app)  # wraps the Dutch schema with the 422 body the handlers really send
    _install_middleware(app)
    _install_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def _install_middleware(app: FastAPI) -> None:
    app.add_middleware(SessionAndHeaders)


class SessionAndHeaders:
    """Reads the signed session cookie and the account before the route; writes the cookie back and the
    security headers on the way out. Plain ASGI: Starlette's BaseHTTPMiddleware runs every request
    through an extra task and a response stream, about a tenth of a health check's time."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        secret = request.app.state.secret
        request.state.session = decode_session(secret, request.cookies.get(COOKIE))
        path = scope["path"]
        if not path.startswith("/static/"):
            with Session(request.app.state.engine) as session:
                resolve_principal(request, session)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                data = request.state.session  # a login or logout replaces it
                html = headers.get("content-type", "").startswith("text/html")
                if (data.dirty or data.expired) and (html or getattr(request.state, "session_changed", False)) \
                        and bearer_token(request) is None:
                    data.expired = False
                    headers.append("set-cookie", _cookie(encode_session(secret, data), request.url.scheme == "https"))
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                headers["Content-Security-Policy"] = DOCS_CSP if path == "/docs" else CSP
                if html and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(value: str, secure: bool) -> str:
    """The Set-Cookie header of the session, as Starlette writes it."""
    response = Response()
    response.set_cookie(COOKIE, value, httponly=True, samesite="lax", secure=secure, path="/")
    return response.headers["set-cookie"]


def _install_routes(app: FastAPI) -> None:
    from web.pages import ROUTERS
    from web.routes import account, barriers, briefs, imports, system, themes

    # Write routes first: /drempels/nieuw must win over the page /drempels/{code}.
    for router in (system.router, account.router, barriers.router, imports.router, briefs.router, themes.router, *ROUTERS):
        app.include_router(router)
