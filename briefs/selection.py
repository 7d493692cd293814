"""Which barriers a brief covers: filters parsed once into a canonical selection, then one query.

Several values of one field combine with OR, different fields with AND. Every value is checked
against the register, so a typo gives a Dutch message instead of an empty brief.
"""

from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from briefs.grouping import theme_labels
from briefs.labels import dutch_date, label, values_of
from kb.errors import FieldError, ValidationFailed
from kb.models import (
    Barrier, BarrierMunicipalityLink, Municipality, BarrierProjectLink, BarrierRegulationLink, BarrierTag, Project, Regulation,
)
from kb.services.references import ReferenceIndex

# Accepted spellings (Dutch and English) -> canonical field.
ALIASES = {
    "theme": "theme", "thema": "theme",
    "level": "level", "niveau": "level",
    "kind": "kind", "soort": "kind",
    "werf": "werf",
    "status": "status",
    "project": "project",
    "municipality": "municipality", "gemeente": "municipality",
    "regulation": "regulation", "regelgeving": "regulation",
    "article": "article", "artikel": "article",
    "tag": "tag", "trefwoord": "tag",
    "reported_from": "reported_from", "reported-from": "reported_from", "gemeld-vanaf": "reported_from",
    "gemeld_vanaf": "reported_from",
    "reported_to": "reported_to", "reported-to": "reported_to", "gemeld-tot": "reported_to",
    "gemeld_tot": "reported_to",
}
FIELD_NAMES = {"theme": "thema", "level": "niveau", "kind": "soort", "werf": "werf", "status": "status",
               "project": "project", "municipality": "gemeente", "regulation": "regelgeving",
               "article": "artikel", "tag": "trefwoord", "reported_from": "gemeld-vanaf",
               "reported_to": "gemeld-tot"}
ENUM_GROUPS = {"level": "levels", "kind": "kinds", "werf": "werven", "status": "statuses"}
FIELD_ORDER = tuple(FIELD_NAMES)

Selection = dict[str, list[str]]


def parse_selection(session: Session, raw: dict[str, list[str]]) -> Selection:
    """Canonical selection from user filters; raises ValidationFailed naming the field and value."""
    problems: list[FieldError] = []
    selection: Selection = {}
    refs = ReferenceIndex(session)
    for name, wanted in raw.items():
        field = ALIASES.get(name.strip().casefold())
        if field is None:
            known = ", ".join(FIELD_NAMES.values())
            problems.append(FieldError(name, f"onbekend filterveld '{name}'; gebruik {known}"))
            continue
        for value in (v.strip() for v in wanted):
            canonical = _canonical(session, refs, field, value)
            if isinstance(canonical, FieldError):
                problems.append(canonical)
            elif canonical not in selection.setdefault(field, []):
                selection[field].append(canonical)
    if problems:
        raise ValidationFailed(problems)
    if len(selection.get("reported_from", [])) > 1 or len(selection.get("reported_to", [])) > 1:
        raise ValidationFailed([FieldError("gemeld-vanaf", "geef hoogstens één begin- en één einddatum")])
    if selection.get("reported_from") and selection.get("reported_to") and \
            selection["reported_to"][0] < selection["reported_from"][0]:
        raise ValidationFailed([FieldError("gemeld-tot", "de einddatum moet op of na de begindatum liggen")])
    return {field: sorted(selection[field]) for field in FIELD_ORDER if selection.get(field)}


def _canonical(session: Session, refs: ReferenceIndex, field: str, value: str) -> str | FieldError:
    shown = FIELD_NAMES[field]
    if not value:
        return FieldError(shown, "geef een waarde")
    if field in ENUM_GROUPS:
        known = values_of(ENUM_GROUPS[field])
        for key, text in known.items():
            if value.casefold() in (key, text.casefold()):
                return key
        return FieldError(shown, f"onbekende waarde '{value}'; kies uit {', '.join(known)}")
    if field == "theme":
        themes = sorted(set(theme_labels(session).values()))
        match = next((t for t in themes if t.casefold() == value.casefold()), None)
        return match or FieldError(shown, f"onbekend thema '{value}'; kies uit {', '.join(themes) or '(geen)'}")
    if field == "project":
        code = session.exec(select(Project.code).where(Project.id == refs.project(value))).first()
        return code or FieldError(shown, f"onbekend project '{value}'")
    if field == "municipality":
        return refs.municipality(value) or FieldError(shown, f"onbekende gemeente '{value}'")
    if field in ("regulation", "article"):
        return _citation(refs, field, value)
    if field == "tag":
        return value
    return _date(shown, value)


def _citation(refs: ReferenceIndex, field: str, value: str) -> str | FieldError:
    citation = refs.citation(value).citation
    if citation.regulation is None:
        return FieldError(FIELD_NAMES[field], f"onbekende regelgeving '{value}'")
    if field == "regulation":
        return citation.regulation
    if citation.article is None:
        return FieldError("artikel", f"'{value}' noemt geen artikel; schrijf bv. 'art. 285 DLB'")
    return f"{citation.regulation}:{citation.article}"


def _date(shown: str, value: str) -> str | FieldError:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return FieldError(shown, f"ongeldige datum '{value}'; schrijf JJJJ-MM-DD, bv. 2024-01-31")


def select_codes(session: Session, selection: Selection) -> list[str]:
    """The codes of the barriers in the selection, sorted."""
    query = select(Barrier.code)
    for field in ("level", "kind", "werf", "status"):
        if selection.get(field):
            query = query.where(getattr(Barrier, field).in_(selection[field]))
    if selection.get("reported_from"):
        query = query.where(Barrier.reported_on >= date.fromisoformat(selection["reported_from"][0]))
    if selection.get("reported_to"):
        query = query.where(Barrier.reported_on <= date.fromisoformat(selection["reported_to"][0]))
    for _field, subquery in _link_filters(session, selection):
        query = query.where(Barrier.id.in_(subquery))
    codes = sorted(session.exec(query))
    if selection.get("theme"):
        wanted = set(selection["theme"])
        themes = theme_labels(session, codes)
        codes = [code for code in codes if themes.get(code) in wanted]
    return codes


def _link_filters(session: Session, selection: Selection):
    if selection.get("project"):
        ids = select(Project.id).where(Project.code.in_(selection["project"]))
        yield "project", select(BarrierProjectLink.barrier_id).where(BarrierProjectLink.project_id.in_(ids))
    if selection.get("municipality"):
        yield "municipality", select(BarrierMunicipalityLink.barrier_id).where(
            BarrierMunicipalityLink.nis.in_(selection["municipality"]))
    if selection.get("tag"):
        yield "tag", select(BarrierTag.barrier_id).where(BarrierTag.tag.in_(selection["tag"]))
    confirmed = BarrierRegulationLink.confirmed == True  # noqa: E712
    if selection.get("regulation"):
        ids = select(Regulation.id).where(Regulation.key.in_(selection["regulation"]))
        yield "regulation", select(BarrierRegulationLink.barrier_id).where(
            confirmed, BarrierRegulationLink.regulation_id.in_(ids))
    if selection.get("article"):
        pairs = [ref.split(":", 1) for ref in selection["article"]]
        keys = {key: reg_id for key, reg_id in session.exec(select(Regulation.key, Regulation.id))}
        matches = [and_(BarrierRegulationLink.regulation_id == keys.get(key),
                        BarrierRegulationLink.article_number == number) for key, number in pairs]
        yield "article", select(BarrierRegulationLink.barrier_id).where(confirmed, or_(*matches))


def describe(session: Session, selection: Selection) -> str:
    """The selection in words, for the title page."""
    if not selection:
        return "Alle drempels in het register."
    parts = []
    names = _display_names(session, selection)
    for field in FIELD_ORDER:
        wanted = selection.get(field)
        if not wanted:
            continue
        if field == "reported_from":
            parts.append(f"gemeld vanaf {dutch_date(date.fromisoformat(wanted[0]))}")
        elif field == "reported_to":
            parts.append(f"gemeld tot en met {dutch_date(date.fromisoformat(wanted[0]))}")
        else:
            shown = " of ".join(f"‘{names.get((field, v), v)}’" for v in wanted)
            parts.append(f"{FIELD_NAMES[field]} {shown}")
    return "Drempels met " + "; ".join(parts) + "."


def _display_names(session: Session, selection: Selection) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for field, group in ENUM_GROUPS.items():
        for value in selection.get(field, []):
            names[(field, value)] = label(group, value)
    for nis in selection.get("municipality", []):
        municipality = session.get(Municipality, nis)
        names[("municipality", nis)] = municipality.name if municipality else nis
    for ref in selection.get("article", []):
        key, number = ref.split(":", 1)
        names[("article", ref)] = f"art. {number} {key}"
    return names
