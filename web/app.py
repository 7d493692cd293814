"""The FastAPI application: Dutch pages and their JSON twins, sessions, security headers."""

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlmodel import Session

from search.service import SearchService
from web.auth import LoginThrottle, bearer_token, decode_session, encode_session, load_secret, resolve_principal
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
    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):
        secret = request.app.state.secret
        request.state.session = decode_session(secret, request.cookies.get("drempelbank_sessie"))
        if not request.url.path.startswith("/static/"):
            with Session(request.app.state.engine) as session:
                resolve_principal(request, session)
        response = await call_next(request)
        data = request.state.session
        html = response.headers.get("content-type", "").startswith("text/html")
        if (data.dirty or data.expired) and (html or getattr(request.state, "session_changed", False)) \
                and bearer_token(request) is None:
            data.expired = False
            response.set_cookie("drempelbank_sessie", encode_session(secret, data), httponly=True, samesite="lax",
                                secure=request.url.scheme == "https", path="/")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers["Content-Security-Policy"] = DOCS_CSP if request.url.path == "/docs" else CSP
        if html:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _install_routes(app: FastAPI) -> None:
    from web.pages import ROUTERS
    from web.routes import account, barriers, briefs, imports, system, themes

    # Write routes first: /drempels/nieuw must win over the page /drempels/{code}.
    for router in (system.router, account.router, barriers.router, imports.router, briefs.router, themes.router, *ROUTERS):
        app.include_router(router)
