"""The OpenAPI description in Dutch: summaries, tags and response texts (FastAPI's defaults are
English and derived from function names)."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

SUMMARIES = {
    ("GET", "/healthz"): "Werken de databank en de zoekindex?",
    ("GET", "/api/profile"): "Eigen profiel en API-tokens",
    ("GET", "/api/users"): "Alle gebruikers (beheerder)",
    ("POST", "/api/barriers/{code}/comments"): "Opmerking bij een drempel plaatsen",
    ("POST", "/api/barriers"): "Nieuwe drempel melden",
    ("GET", "/api/barriers"): "Lijst van drempels",
    ("PATCH", "/api/barriers/{code}"): "Drempel wijzigen (met het versienummer dat u zag)",
    ("GET", "/api/barriers/{code}"): "Eén drempel, met geschiedenis, citaten en precedenten",
    ("POST", "/api/barriers/{code}/status"): "Status van een drempel wijzigen (programmateam)",
    ("POST", "/api/check-duplicate"): "Bestaande drempels die een nieuwe melding mogelijk dupliceert",
    ("POST", "/api/citations"): "Citaten van regelgeving herkennen in een tekst",
    ("GET", "/api/overview"): "Overzicht van het register",
    ("GET", "/api/search"): "Zoeken in drempels en artikels",
    ("GET", "/api/barriers/{code}/similar"): "Precedenten: drempels die op deze lijken",
    ("GET", "/api/regulations"): "Lijst van regelgeving",
    ("GET", "/api/regulations/{key}"): "Eén regeling, met de drempels die ze citeren",
    ("GET", "/api/regulations/{key}/articles/{number}"): "Eén artikel, met de drempels die het citeren",
    ("GET", "/api/projects"): "Lijst van projecten",
    ("GET", "/api/projects/{code}"): "Eén project en zijn drempels",
    ("GET", "/api/municipalities"): "Lijst van gemeenten",
    ("GET", "/api/municipalities/{nis}"): "Eén gemeente en haar drempels",
    ("POST", "/api/barriers/{code}/theme"): "Drempel in een thema vastzetten of losmaken (programmateam)",
}
TAGS = [
    {"name": "drempels", "description": "Drempels melden, wijzigen, opvolgen en vergelijken"},
    {"name": "zoeken", "description": "Zoeken met Nederlandse taalverwerking en citaten"},
    {"name": "regelgeving", "description": "Regelingen en artikels"},
    {"name": "projecten", "description": "Projecten van het programma"},
    {"name": "gemeenten", "description": "Vlaamse gemeenten"},
    {"name": "overzicht", "description": "Cijfers over het register"},
    {"name": "gebruikers", "description": "Accounts en API-tokens"},
    {"name": "thema's", "description": "Thema's: clustering, curatie en toewijzing"},
    {"name": "systeem", "description": "Werking van de toepassing"},
]
RESPONSES = {"Successful Response": "Geslaagd", "Validation Error": "Ongeldige invoer"}


def dutch_openapi(app: FastAPI) -> dict[str, Any]:
    """Build the schema once, with the Dutch summaries replacing FastAPI's English defaults."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                             tags=TAGS)
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                operation["summary"] = SUMMARIES.get((method.upper(), path), operation.get("summary", ""))
                operation["description"] = ""
                operation["tags"] = ["gebruikers" if t == "accounts" else t for t in dict.fromkeys(operation.get("tags", []))]
                for response in operation.get("responses", {}).values():
                    response["description"] = RESPONSES.get(response.get("description"), response.get("description"))
        app.openapi_schema = schema
    return app.openapi_schema
