"""Themes: propose, name and keep stable groups of barriers (backend-neutral)."""

from search.themes.emerging import emerging_patterns
from search.themes.model import ThemeModel
from search.themes.pipeline import Pipeline, propose_themes
from search.themes.reconcile import Reconciliation, ThemeEvent, reconcile
from search.themes.types import Pattern, Proposal, ProposedTheme, ThemeDoc, ThemeError

__all__ = [
    "Pattern", "Pipeline", "Proposal", "ProposedTheme", "Reconciliation", "ThemeDoc", "ThemeError",
    "ThemeEvent", "ThemeModel", "emerging_patterns", "propose_themes", "reconcile",
]
