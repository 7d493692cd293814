"""The backend-neutral document that every search backend indexes.

kb/ maps barriers, articles and projects onto this shape; backends never see
kb tables, so a second backend (PostgreSQL) indexes exactly the same values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

DOCUMENT_TYPES = ("barrier", "article", "project")


@dataclass
class SearchDocument:
    """One searchable record: text to rank on plus values to filter and facet on."""

    type: str
    id: str
    code: str
    title: str
    body: str = ""
    status: str | None = None
    kind: str | None = None
    werf: str | None = None
    level: str | None = None
    regulations: list[str] = field(default_factory=list)
    # Canonical references ("DLB:285") plus the spellings jurists use for
    # them, so a citation in a query finds records that never spell it.
    refs: list[str] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    # The provinces of those municipalities (kb's municipality data), a facet and filter of their own.
    provinces: list[str] = field(default_factory=list)
    year: int | None = None
    tags: list[str] = field(default_factory=list)
    theme: str | None = None
    severity: int | None = None
    updated: dt.datetime | None = None
    # Display-only data (regulation key and article number of an article…).
    extra: dict[str, Any] = field(default_factory=dict)
    # The readable part of the body that snippets are cut from (the body also holds citations and
    # tags to match on); empty means the body itself.
    summary: str = ""
    # May an anonymous visitor (PUBLIC_READ) see this record? A query with `public_only` never
    # receives anything of a record where this is False: not a hit, count, facet, suggested word or
    # similar record. Barriers carry their `is_public`; articles and projects are False, because
    # anonymous visitors see no regulation or project pages (records.py says why).
    public: bool = False

    def __post_init__(self) -> None:
        if self.type not in DOCUMENT_TYPES:
            raise ValueError(f"unknown document type {self.type!r}")
        if not self.id:
            raise ValueError("a search document needs an id")

    def display_fields(self) -> dict[str, Any]:
        """The values a hit carries back to the caller (everything but the body)."""
        data = asdict(self)
        for name in ("body", "type", "id", "code", "title"):
            data.pop(name)
        if self.updated is not None:
            data["updated"] = self.updated.isoformat()
        return data


def document_id(doc_type: str, *parts: str) -> str:
    """Build the unique id of a document, e.g. ``article:DLB:285``."""
    return ":".join((doc_type, *parts))
