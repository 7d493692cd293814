"""Health check and the API documentation page (served from our own static files)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text

from web.deps import DbSession

router = APIRouter(tags=["systeem"])

DOCS_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Drempelbank – API-documentatie</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">
<link rel="stylesheet" href="/static/docs.css"><link rel="icon" href="data:,"></head>
<body><main><h1 class="visually-hidden">API-documentatie</h1><div id="swagger-ui"></div></main>
<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script></body></html>"""


@router.get("/healthz")
def healthz(request: Request, session: DbSession):
    """200 when the database and the search index answer; `opgewarmd` says whether the caches the first
    searches use are filled yet (they are filled beside serving after a start)."""
    session.exec(text("SELECT 1"))
    search = request.app.state.search
    if search is not None:
        try:
            search.backend.count()
        except Exception as exc:  # the index is a separate store; say which part fails
            return JSONResponse({"status": "fout", "detail": f"zoekindex antwoordt niet: {exc}"}, status_code=503)
    return {"status": "ok", "opgewarmd": search is None or search.warmed.is_set()}


@router.get("/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)
