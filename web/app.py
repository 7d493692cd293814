"""The FastAPI application: JSON API (and, as they land, the Dutch pages)."""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import Conflict, NotFound, PermissionDenied, RegisterError, ValidationFailed
from kb.models import BarriersPublic, ProjectsPublic, RegulationsPublic
from web import data


def create_app(engine: Engine, *, title: str = "Drempelbank") -> FastAPI:
    app = FastAPI(title=title, description="Register van juridische en procedurele drempels voor lokale "
                                           "e-government in Vlaanderen", version="1.0")
    app.state.engine = engine
    _install_error_handlers(app)
    _install_routes(app)
    return app


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": message, **extra}, status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(_request, exc: NotFound):
        return _error(404, str(exc))

    @app.exception_handler(ValidationFailed)
    async def invalid(_request, exc: ValidationFailed):
        return _error(422, "Ongeldige invoer", errors=[{"field": e.field, "message": e.message} for e in exc.errors])

    @app.exception_handler(Conflict)
    async def conflict(_request, exc: Conflict):
        return _error(409, str(exc), current_version=exc.current, changes=exc.changes)

    @app.exception_handler(PermissionDenied)
    async def denied(_request, exc: PermissionDenied):
        return _error(403, str(exc) or "Geen toegang")

    @app.exception_handler(RegisterError)
    async def refused(_request, exc: RegisterError):
        return _error(400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request, exc: RequestValidationError):
        errors = [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
                  for e in exc.errors()]
        return _error(422, "Ongeldige invoer", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, exc: StarletteHTTPException):
        messages = {404: "Deze pagina bestaat niet", 405: "Deze methode is hier niet toegelaten"}
        return _error(exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def crashed(_request, _exc: Exception):
        return _error(500, "Er liep iets mis aan onze kant; de fout werd gelogd")


def _install_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["systeem"])
    def healthz(session: SessionDep) -> dict[str, str]:
        session.exec(text("SELECT 1"))
        return {"status": "ok"}

    @app.get("/api/overview", tags=["overzicht"])
    def api_overview(session: SessionDep) -> dict[str, Any]:
        return data.overview(session)

    @app.get("/api/barriers", tags=["drempels"])
    def api_barriers(session: SessionDep, offset: Annotated[int, Query(ge=0)] = 0,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50) -> BarriersPublic:
        return data.barrier_list(session, offset=offset, limit=limit)

    @app.get("/api/barriers/{code}", tags=["drempels"])
    def api_barrier(code: str, session: SessionDep) -> dict[str, Any]:
        return data.barrier_detail(session, code)

    @app.get("/api/regulations", tags=["regelgeving"])
    def api_regulations(session: SessionDep) -> RegulationsPublic:
        return data.regulation_list(session)

    @app.get("/api/regulations/{key}", tags=["regelgeving"])
    def api_regulation(key: str, session: SessionDep) -> dict[str, Any]:
        return data.regulation_page(session, key)

    @app.get("/api/regulations/{key}/articles/{number}", tags=["regelgeving"])
    def api_article(key: str, number: str, session: SessionDep) -> dict[str, Any]:
        return data.article_page(session, key, number)

    @app.get("/api/projects", tags=["projecten"])
    def api_projects(session: SessionDep) -> ProjectsPublic:
        return data.project_list(session)

    @app.get("/api/projects/{code}", tags=["projecten"])
    def api_project(code: str, session: SessionDep) -> dict[str, Any]:
        return data.project_page(session, code)
