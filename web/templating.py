"""Jinja2 environment: autoescaping, Dutch labels and dates, the page renderer."""

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from starlette.responses import HTMLResponse

from briefs.grouping import display
from web.markup import render_markdown, safe_snippet

TEMPLATES = Path(__file__).parent / "templates"
BRUSSELS = ZoneInfo("Europe/Brussels")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
FIELD_LABELS = {
    "code": "Code", "title": "Titel", "description": "Beschrijving", "kind": "Soort", "werf": "Werf",
    "level": "Bestuursniveau", "status": "Status", "severity": "Ernst", "regulations": "Regelgeving",
    "projects": "Projecten", "municipalities": "Gemeenten", "proposed_solution": "Voorgestelde oplossing",
    "reported_by": "Gemeld door", "reported_on": "Gemeld op", "tags": "Trefwoorden", "is_public": "Publiek",
    "extra": "Extra velden", "needs_review": "Te herbekijken", "regulation": "Regelgeving",
    "project": "Project", "municipality": "Gemeente", "year": "Jaar", "tag": "Trefwoord", "type": "Soort record",
    "theme": "Thema", "province": "Provincie",
    "name": "Naam", "role": "Rol", "password": "Wachtwoord", "email": "E-mailadres",
}


def load_labels(corpus: Path | None) -> dict[str, str]:
    """value → Dutch label from the shipped typology; values without one get a tidy fallback."""
    labels: dict[str, str] = {}
    path = corpus / "typology.json" if corpus else None
    if path and path.exists():
        for items in json.loads(path.read_text(encoding="utf-8")).values():
            for item in items if isinstance(items, list) else []:
                labels.setdefault(item["value"], item["label"])
    return labels


def _local(value: Any) -> datetime | date | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.astimezone(BRUSSELS) if value.tzinfo else value.replace(tzinfo=ZoneInfo("UTC")).astimezone(BRUSSELS)
    return value


def dutch_date(value: Any) -> str:
    moment = _local(value)
    if moment is None:
        return "" if value is None else str(value)
    text = f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"
    return f"{text}, {moment:%H.%M} u" if isinstance(moment, datetime) else text


def make_templates(labels: dict[str, str]) -> Jinja2Templates:
    # Autoescaping on for every template, whatever its extension.
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    templates = Jinja2Templates(env=env)
    env.filters["markdown"] = render_markdown
    env.filters["snippet"] = safe_snippet
    env.filters["datum"] = dutch_date
    env.filters["label"] = lambda v: labels.get(str(v), str(v).replace("-", " ").capitalize()) if v else "—"
    env.filters["veld"] = lambda f: FIELD_LABELS.get(str(f), str(f))
    env.filters["kop"] = display  # a theme label shown as a name: first letter capitalised
    env.filters["getal"] = lambda n: f"{n:,}".replace(",", ".") if isinstance(n, int) else n
    return templates


def render(request: Request, template: str, context: dict[str, Any], *, status: int = 200,
           json_url: str | None = None) -> HTMLResponse:
    """Render a page; every page gets the principal, CSRF token and the link to its JSON twin."""
    base = {"principal": request.state.principal, "csrf": request.state.session.csrf, "json_url": json_url,
            "settings": request.app.state.settings, "path": request.url.path}
    return request.app.state.templates.TemplateResponse(request, template, {**base, **context},
                                                        status_code=status)
