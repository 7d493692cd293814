"""The one place that decides which theme a barrier belongs to in a brief.

Themes are not in the register yet, so a brief groups by the barrier's kind (its Dutch
typology label). When themes exist, only this function changes.
"""

from sqlmodel import Session, select

from briefs.labels import label
from kb.models import Barrier


def theme_labels(session: Session, codes: list[str] | None = None) -> dict[str, str]:
    """code -> theme label, for the given codes (all barriers when None)."""
    query = select(Barrier.code, Barrier.kind)
    if codes is not None:
        query = query.where(Barrier.code.in_(codes))
    return {code: label("kinds", str(kind)) for code, kind in session.exec(query)}
