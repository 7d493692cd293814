"""The theme pages (`/themas`, `/themas/{key}`) and their twins (`/api/themes`, `/api/themes/{key}`):
themes with size, trend, regulations, status mix and levels; a map of all barriers; new patterns."""

from collections import Counter
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, select

from kb.enums import Role
from kb.models import (
    Article, Barrier, BarrierMunicipalityLink, BarrierProjectLink, BarrierRegulationLink, Municipality, Project,
    Regulation, Theme, ThemeMember,
)
from kb.services.journal import history
from kb.services.themes import get_theme
from search.service import load_thesaurus
from search.theme_store import emerging
from web.markup import shown_value
from web.deps import DbSession, Reader
from web.templating import render

router = APIRouter()

QUARTERS = 20  # the trend shows at most the last five years of reports, from the first report on
COLOURS = 12  # map colour classes c0…c11 in app.css; themes beyond share colours (the legend says which)
MAP_W, MAP_H, MARGIN = 640, 420, 16
CLOSED = ("opgelost", "niet-weerhouden")
ACTION_LABELS = {"hernoemd": "hernoemd", "verborgen": "verborgen", "zichtbaar": "weer zichtbaar",
                 "samengevoegd": "samengevoegd in ander thema", "samengevoegd-uit": "thema hierin samengevoegd",
                 "gesplitst": "gesplitst", "afgesplitst": "afgesplitst", "drempel-vastgezet": "drempel vastgezet",
                 "drempel-verplaatst": "drempel weggehaald", "drempel-losgemaakt": "drempel losgemaakt",
                 "herberekening-new": "nieuw bij herberekening", "herberekening-split": "gesplitst bij herberekening",
                 "herberekening-merged": "samengevoegd bij herberekening",
                 "herberekening-gone": "verdwenen bij herberekening", "herberekening-naam": "naam herberekend"}


def _quarter(day: date) -> str:
    return f"{day.year}-K{(day.month - 1) // 3 + 1}"


def _quarters(first: date | None, today: date) -> list[str]:
    """Quarters from the register's first report (at most QUARTERS back) up to today's quarter."""
    year, q = today.year, (today.month - 1) // 3
    stop = _quarter(first) if first and first <= today else None
    out = []
    for _ in range(QUARTERS):
        out.append(f"{year}-K{q + 1}")
        if out[-1] == stop:
            break
        year, q = (year - 1, 3) if q == 0 else (year, q - 1)
    return out[::-1]


def _members(session: Session) -> list[tuple[Theme, Barrier, ThemeMember]]:
    return list(session.exec(select(Theme, Barrier, ThemeMember).join(ThemeMember, ThemeMember.theme_id == Theme.id)
                             .join(Barrier, Barrier.id == ThemeMember.barrier_id).where(Theme.state == "actief")
                             .order_by(Barrier.code)))


def _regulations_by_barrier(session: Session, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = session.exec(select(BarrierRegulationLink.barrier_id, Regulation.key)
                        .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id)
                        .where(BarrierRegulationLink.barrier_id.in_(ids),
                               BarrierRegulationLink.confirmed == True))  # noqa: E712
    for barrier_id, key in rows:
        out.setdefault(barrier_id, []).append(key)
    return out


def _key_order(key: str) -> tuple[int, str]:
    return (int(key[1:]) if key[1:].isdigit() else 10**9, key)


def themes_overview(session: Session, *, today: date | None = None, thesaurus: dict | None = None) -> dict[str, Any]:
    """Everything /themas shows; /api/themes returns the same dict."""
    today = today or date.today()
    rows = _members(session)
    first = min((b.reported_on or b.created_at.date() for _, b, _ in rows), default=None)
    quarters = _quarters(first, today)
    regs = _regulations_by_barrier(session, [b.id for _, b, _ in rows])
    themes: dict[str, dict[str, Any]] = {}
    for theme, barrier, _member in rows:
        entry = themes.setdefault(theme.key, _theme_summary(theme, quarters))
        entry["size"] += 1
        entry["status"][barrier.status] = entry["status"].get(barrier.status, 0) + 1
        if barrier.level:
            entry["levels"][barrier.level] = entry["levels"].get(barrier.level, 0) + 1
        quarter = _quarter(barrier.reported_on or barrier.created_at.date())
        if quarter in entry["trend"]:
            entry["trend"][quarter] += 1
        entry["_regs"].update(regs.get(barrier.id, []))
    ordered = [themes[k] for k in sorted(themes, key=_key_order)]
    for index, entry in enumerate(ordered):
        entry["colour"] = f"c{index % COLOURS}"
        entry["top_regulations"] = [{"key": k, "count": n} for k, n in entry.pop("_regs").most_common(3)]
        entry["trend"] = [{"quarter": q, "count": n} for q, n in entry["trend"].items()]
    total = session.exec(select(Barrier.id)).all()
    return {"themes": [e for e in ordered if not e["hidden"]], "hidden": [e for e in ordered if e["hidden"]],
            "quarters": quarters, "barriers": len(total),
            "without_theme": without_theme(session), "map": theme_map(session, ordered),
            "patterns": emerging(session, today=today, thesaurus=thesaurus) if ordered else []}


def _theme_summary(theme: Theme, quarters: list[str]) -> dict[str, Any]:
    return {"key": theme.key, "label": theme.label, "label_curated": theme.label_curated, "hidden": theme.hidden,
            "terms": list(theme.terms), "version": theme.version, "size": 0, "status": {}, "levels": {},
            "trend": {q: 0 for q in quarters}, "_regs": Counter()}


def without_theme(session: Session) -> list[dict[str, Any]]:
    """Barriers in no theme: never placed, left aside by the clustering, or waiting for review."""
    rows = session.exec(select(Barrier, ThemeMember).join(ThemeMember, ThemeMember.barrier_id == Barrier.id,
                                                          isouter=True)
                        .where((ThemeMember.id == None) | (ThemeMember.theme_id == None))  # noqa: E711
                        .order_by(Barrier.code))
    return [{"code": b.code, "title": b.title, "status": b.status,
             "review": bool(m and m.needs_review), "confidence": m.confidence if m else None} for b, m in rows]


def theme_map(session: Session, themes: list[dict[str, Any]]) -> dict[str, Any]:
    """Points of the server-drawn SVG map (pixels), coloured by theme; hidden themes are left out."""
    colours = {t["key"]: t["colour"] for t in themes if not t["hidden"]}
    rows = session.exec(select(Barrier.code, Barrier.title, ThemeMember.x, ThemeMember.y, Theme.key)
                        .join(ThemeMember, ThemeMember.barrier_id == Barrier.id)
                        .join(Theme, Theme.id == ThemeMember.theme_id, isouter=True)
                        .where(ThemeMember.x != None).order_by(Barrier.code))  # noqa: E711
    points = []
    for code, title, x, y, key in rows:
        if key is not None and key not in colours:
            continue
        points.append({"code": code, "title": title, "theme": key, "colour": colours.get(key, "none"),
                       "px": round(MARGIN + x * (MAP_W - 2 * MARGIN), 1),
                       "py": round(MARGIN + (1 - y) * (MAP_H - 2 * MARGIN), 1)})
    return {"width": MAP_W, "height": MAP_H, "points": points}


def theme_detail(session: Session, key: str) -> dict[str, Any]:
    """Everything /themas/{key} shows; /api/themes/{key} returns the same dict."""
    theme = get_theme(session, key)
    rows = list(session.exec(select(Barrier, ThemeMember).join(ThemeMember, ThemeMember.barrier_id == Barrier.id)
                             .where(ThemeMember.theme_id == theme.id).order_by(Barrier.code)))
    ids = [b.id for b, _ in rows]
    statuses = Counter(b.status for b, _ in rows)
    return {
        "theme": {"key": theme.key, "label": theme.label, "label_curated": theme.label_curated,
                  "terms": list(theme.terms), "representative": theme.representative, "hidden": theme.hidden,
                  "state": theme.state, "merged_into": theme.merged_into, "version": theme.version},
        "members": [{"code": b.code, "title": b.title, "status": b.status, "level": b.level,
                     "confidence": m.confidence, "pinned": m.pinned, "source": m.source,
                     "needs_review": m.needs_review} for b, m in rows],
        "open": sum(n for s, n in statuses.items() if s not in CLOSED), "solved": statuses.get("opgelost", 0),
        "not_retained": statuses.get("niet-weerhouden", 0),
        "articles": _top_articles(session, ids), "projects": _projects(session, ids),
        "municipalities": _municipalities(session, ids),
        "others": [{"key": k, "label": label} for k, label in session.exec(
            select(Theme.key, Theme.label).where(Theme.state == "actief", Theme.key != key))],
        "history": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                     "label": ACTION_LABELS.get(e.action, e.action), "before": e.before, "after": e.after,
                     "shown": _shown(e.before, e.after)}
                    for e in reversed(history(session, entity="theme", key=key))],
    }


def _shown(before: str | None, after: str | None) -> str:
    old, new = shown_value(before), shown_value(after)
    return f"{old} → {new}" if old and new else new or old


def _top_articles(session: Session, ids: list[int], limit: int = 10) -> list[dict[str, Any]]:
    rows = session.exec(select(Regulation.key, BarrierRegulationLink.article_number, Article.heading)
                        .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id)
                        .join(Article, Article.id == BarrierRegulationLink.article_id, isouter=True)
                        .where(BarrierRegulationLink.barrier_id.in_(ids),
                               BarrierRegulationLink.confirmed == True))  # noqa: E712
    counts = Counter((key, number) for key, number, _ in rows)
    return [{"regulation": key, "article": number, "count": n}
            for (key, number), n in sorted(counts.items(), key=lambda i: (-i[1], i[0][0], i[0][1] or ""))[:limit]]


def _projects(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.exec(select(Project.code, Project.name).select_from(BarrierProjectLink)
                        .join(Project, Project.id == BarrierProjectLink.project_id)
                        .where(BarrierProjectLink.barrier_id.in_(ids)))
    counts = Counter(rows)
    return [{"code": c, "name": n, "count": k} for (c, n), k in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


def _municipalities(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    rows = session.exec(select(Municipality.nis, Municipality.name).select_from(BarrierMunicipalityLink)
                        .join(Municipality, Municipality.nis == BarrierMunicipalityLink.nis)
                        .where(BarrierMunicipalityLink.barrier_id.in_(ids)))
    counts = Counter(rows)
    return [{"nis": c, "name": n, "count": k} for (c, n), k in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]


def barrier_theme(session: Session, code: str) -> dict[str, Any] | None:
    """The theme block of a barrier page: its theme (or review state) and the themes it could move to."""
    row = session.exec(select(ThemeMember, Theme).join(Barrier, Barrier.id == ThemeMember.barrier_id)
                       .join(Theme, Theme.id == ThemeMember.theme_id, isouter=True).where(Barrier.code == code)).first()
    if row is None:
        return None
    member, theme = row
    choices = [{"key": k, "label": label} for k, label in session.exec(
        select(Theme.key, Theme.label).where(Theme.state == "actief").order_by(Theme.id))]
    return {"key": theme.key if theme else None, "label": theme.label if theme else None,
            "confidence": member.confidence, "pinned": member.pinned, "needs_review": member.needs_review,
            "source": member.source, "choices": choices}


def thesaurus_of(request: Request) -> dict | None:
    settings = request.app.state.settings
    return load_thesaurus(settings.corpus_dir) if settings is not None else None


def may_curate(principal) -> bool:
    return principal.at_least(Role.programmateam)


@router.get("/themas", include_in_schema=False)
def themes_page(request: Request, session: DbSession, principal: Reader):
    page = themes_overview(session, thesaurus=thesaurus_of(request))
    return render(request, "themes.html", {"t": page, "curate": may_curate(principal)}, json_url="/api/themes")


@router.get("/api/themes", tags=["thema's"], summary="Alle thema's met kaart en nieuwe patronen")
def api_themes(request: Request, session: DbSession, _p: Reader) -> dict[str, Any]:
    return themes_overview(session, thesaurus=thesaurus_of(request))


@router.get("/themas/{key}", include_in_schema=False)
def theme_page(request: Request, session: DbSession, principal: Reader, key: str):
    page = theme_detail(session, key)
    return render(request, "theme.html", {"t": page, "curate": may_curate(principal), "form": {}, "error": None},
                  json_url=f"/api/themes/{key}")


@router.get("/api/themes/{key}", tags=["thema's"], summary="Eén thema: termen, drempels, artikels, projecten")
def api_theme(session: DbSession, _p: Reader, key: str) -> dict[str, Any]:
    return theme_detail(session, key)
