"""The one place that decides which theme a barrier belongs to in a brief.

Once the register has themes (`drempelbank cluster`, /themas), a brief groups by the theme's name;
a barrier without one falls under "Nog geen thema". Before any theme exists, a brief groups by the
barrier's kind (its Dutch typology label), so a brief is useful from the first day.
"""

from sqlmodel import Session, func, select

from briefs.labels import label
from kb.models import Barrier, Theme, ThemeMember

NO_THEME = "Nog geen thema"


def theme_labels(session: Session, codes: list[str] | None = None) -> dict[str, str]:
    """code -> theme label, for the given codes (all barriers when None)."""
    query = (select(Barrier.code, Barrier.kind, Theme.label)
             .join(ThemeMember, ThemeMember.barrier_id == Barrier.id, isouter=True)
             .join(Theme, Theme.id == ThemeMember.theme_id, isouter=True))
    if codes is not None:
        query = query.where(Barrier.code.in_(codes))
    rows = list(session.exec(query))
    if not _themes_exist(session):
        return {code: label("kinds", str(kind)) for code, kind, _ in rows}
    return {code: display(theme) if theme else NO_THEME for code, _, theme in rows}


def display(theme_label: str) -> str:
    """A theme label as a heading: first letter capitalised ("aangetekende zending" → "Aangetekende zending"),
    the rest as written; a first word that has capitals of its own ("eID-kaart", "iPad") stays as it is."""
    if any(c.isupper() for c in theme_label.split(" ", 1)[0]):
        return theme_label
    return theme_label[:1].upper() + theme_label[1:]


def _themes_exist(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Theme).where(Theme.state == "actief")).one() > 0
