"""Plain values the theme pipeline takes and returns (no backend, no database)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from search.themes.model import ThemeModel


class ThemeError(ValueError):
    """Input the theme proposal cannot work with; the message is Dutch, for users."""


@dataclass(frozen=True)
class ThemeDoc:
    """One barrier as the clustering sees it.

    `text` holds title, description, proposed solution…; `refs` the canonical
    regulation keys and article references of its links ("DLB", "DLB art. 285").
    """

    code: str
    title: str
    text: str
    refs: tuple[str, ...] = ()
    reported: dt.date | None = None


@dataclass
class ProposedTheme:
    members: list[str]
    label: str
    terms: list[str]
    representative: str
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass
class Proposal:
    themes: list[ProposedTheme]
    unassigned: list[str]
    coords: dict[str, tuple[float, float]]
    model: "ThemeModel"
    info: dict = field(default_factory=dict)  # which steps ran, chosen k, criterion values


@dataclass
class Pattern:
    """A group of recent barriers that fit no curated theme ("nieuw patroon")."""

    label: str
    terms: list[str]
    members: list[str]
    representative: str
