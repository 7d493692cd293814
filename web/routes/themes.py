"""Curating themes (programme team and beheerder): rename, hide, merge, split, move or pin a barrier,
and recompute the themes. Every write goes through kb/services/themes.py, then the after-commit steps."""

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from kb.db import session_scope
from kb.errors import Conflict, FieldError, ValidationFailed
from kb.services import themes as service
from search.theme_store import ThemesRefused, recluster
from web.deps import Team, check_csrf_header, form_with_csrf
from web.pages.themes import barrier_theme, theme_detail, themes_overview, thesaurus_of
from web.templating import render

router = APIRouter()
CSRF_HEADER = [Depends(check_csrf_header)]


def _version(form: dict[str, str]) -> int | None:
    value = form.get("version", "")
    return int(value) if value.isdigit() else None


def _theme_page(request: Request, key: str, *, form: dict, error: str, status: int, fields: dict | None = None):
    """The theme page again, with the curator's input kept and the reason it was not saved."""
    engine = request.app.state.engine
    from sqlmodel import Session

    with Session(engine) as session:
        page = theme_detail(session, key)
    return render(request, "theme.html", {"t": page, "curate": True, "form": form, "error": error,
                                          "fields": fields or {}}, status=status, json_url=f"/api/themes/{key}")


def _curate(request: Request, key: str, form: dict, write) -> Any:
    """Run one curation write; a stale form or bad input re-shows the page with what was typed."""
    try:
        with session_scope(request.app.state.engine) as session:
            write(session)
    except Conflict as exc:
        return _theme_page(request, key, form=form, status=409,
                           error=f"{exc} Herlaad de pagina en probeer opnieuw; uw invoer staat hieronder nog.")
    except ValidationFailed as exc:
        return _theme_page(request, key, form=form, status=422, error="De wijziging werd niet bewaard.",
                           fields={e.field: e.message for e in exc.errors})
    request.app.state.after_commit()
    return None


@router.post("/themas/herberekenen", include_in_schema=False)
async def recompute_form(request: Request, principal: Team, form: dict = Depends(form_with_csrf)):
    try:
        recluster(request.app.state.engine, thesaurus=thesaurus_of(request), actor=principal.name,
                  full=form.get("full") == "on")
    except ThemesRefused as exc:
        from sqlmodel import Session

        with Session(request.app.state.engine) as session:
            page = themes_overview(session, thesaurus=thesaurus_of(request))
        return render(request, "themes.html", {"t": page, "curate": True, "error": str(exc)}, status=422,
                      json_url="/api/themes")
    request.app.state.after_commit()
    return RedirectResponse("/themas?herberekend=1", status_code=303)


@router.post("/api/themes/recluster", tags=["thema's"], summary="Thema's opnieuw berekenen",
             dependencies=CSRF_HEADER)
def recompute_api(request: Request, principal: Team, full: bool = False) -> dict[str, Any]:
    """Same themes as `drempelbank cluster --json`, plus what changed (`events`) and counts; `full=true`
    lets themes split and merge as the clustering says (as `cluster --volledig`)."""
    result = recluster(request.app.state.engine, thesaurus=thesaurus_of(request), actor=principal.name, full=full)
    request.app.state.after_commit()
    return {**result.as_json(), "counts": result.counts, "events": result.events}


@router.post("/themas/{key}/hernoemen", include_in_schema=False)
async def rename(request: Request, key: str, principal: Team, form: dict = Depends(form_with_csrf)):
    failed = _curate(request, key, form, lambda s: service.rename_theme(
        session=s, key=key, label=form.get("label", ""), actor=principal.name, expected_version=_version(form)))
    return failed or RedirectResponse(f"/themas/{key}?bewaard=1", status_code=303)


@router.post("/themas/{key}/verbergen", include_in_schema=False)
async def hide(request: Request, key: str, principal: Team, form: dict = Depends(form_with_csrf)):
    hidden = form.get("hidden", "1") == "1"
    failed = _curate(request, key, form, lambda s: service.set_hidden(
        session=s, key=key, hidden=hidden, actor=principal.name, expected_version=_version(form)))
    return failed or RedirectResponse(f"/themas/{key}?bewaard=1", status_code=303)


@router.post("/themas/{key}/samenvoegen", include_in_schema=False)
async def merge(request: Request, key: str, principal: Team, form: dict = Depends(form_with_csrf)):
    target = form.get("target", "")
    failed = _curate(request, key, form, lambda s: service.merge_themes(
        session=s, source=key, target=target, actor=principal.name, expected_version=_version(form)))
    return failed or RedirectResponse(f"/themas/{target}?samengevoegd={key}", status_code=303)


@router.post("/themas/{key}/splitsen", include_in_schema=False)
async def split(request: Request, key: str, principal: Team, form: dict = Depends(form_with_csrf)):
    codes = [c for c in (await request.form()).getlist("codes") if isinstance(c, str)]
    made: list[str] = []

    def write(session):
        made.append(service.split_theme(session=session, key=key, codes=codes, label=form.get("label"),
                                        actor=principal.name, expected_version=_version(form)).key)
    failed = _curate(request, key, form, write)
    return failed or RedirectResponse(f"/themas/{made[0]}?afgesplitst={key}", status_code=303)


@router.post("/drempels/{code}/thema", include_in_schema=False)
async def move(request: Request, code: str, principal: Team, form: dict = Depends(form_with_csrf)):
    """Move a barrier to a theme and pin it there; `losmaken` lets the next run place it again."""
    key = form.get("theme", "")
    back = form.get("back") if form.get("back", "").startswith("/themas/") else f"/drempels/{code}"
    with session_scope(request.app.state.engine) as session:
        if form.get("action") == "losmaken":
            service.unpin_barrier(session=session, code=code, actor=principal.name)
        else:
            service.move_barrier(session=session, code=code, key=key, actor=principal.name)
    request.app.state.after_commit()
    return RedirectResponse(f"{back}?bewaard=1", status_code=303)


class Curation(BaseModel):
    """A curation through the API; `version` is the theme version the caller saw."""

    action: str = Field(description="hernoemen, verbergen, tonen, samenvoegen, splitsen")
    label: str | None = None
    target: str | None = None
    codes: list[str] = []
    version: int | None = None


@router.post("/api/themes/{key}", tags=["thema's"], summary="Een thema cureren", dependencies=CSRF_HEADER)
def curate_api(request: Request, key: str, body: Curation, principal: Team) -> dict[str, Any]:
    actor, version = principal.name, body.version
    result_key = key
    with session_scope(request.app.state.engine) as session:
        if body.action == "hernoemen":
            service.rename_theme(session=session, key=key, label=body.label or "", actor=actor,
                                 expected_version=version)
        elif body.action in ("verbergen", "tonen"):
            service.set_hidden(session=session, key=key, hidden=body.action == "verbergen", actor=actor,
                               expected_version=version)
        elif body.action == "samenvoegen":
            result_key = service.merge_themes(session=session, source=key, target=body.target or "", actor=actor,
                                              expected_version=version).key
        elif body.action == "splitsen":
            result_key = service.split_theme(session=session, key=key, codes=body.codes, label=body.label,
                                             actor=actor, expected_version=version).key
        else:
            raise ValidationFailed([FieldError("action", "onbekende actie; kies hernoemen, verbergen, "
                                                                 "tonen, samenvoegen of splitsen")])
    request.app.state.after_commit()
    with session_scope(request.app.state.engine) as session:
        return theme_detail(session, result_key)


class Placement(BaseModel):
    """Put a barrier in a theme by hand (pinned: re-runs leave it there), or let re-runs place it again."""

    action: Literal["vastzetten", "losmaken"] = Field(
        default="vastzetten", description="vastzetten: in `theme` plaatsen en vastzetten; losmaken: de volgende "
                                          "herberekening mag de drempel weer plaatsen")
    theme: str | None = Field(default=None, description="sleutel van het thema (bv. t3), bij vastzetten")


@router.post("/api/barriers/{code}/theme", tags=["thema's"], dependencies=CSRF_HEADER)
def place_api(request: Request, code: str, body: Placement, principal: Team) -> dict[str, Any]:
    """The barrier's theme block afterwards (as on the barrier page): theme, pinned, confidence, choices."""
    with session_scope(request.app.state.engine) as session:
        if body.action == "losmaken":
            service.unpin_barrier(session=session, code=code, actor=principal.name)
        else:
            service.move_barrier(session=session, code=code, key=body.theme or "", actor=principal.name)
    request.app.state.after_commit()
    with session_scope(request.app.state.engine) as session:
        return {"code": code, "theme": barrier_theme(session, code)}
