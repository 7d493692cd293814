"""Themes: store a clustering run, assign one barrier, and the programme team's curation.

Curation is pins plus theme flags: a pinned barrier stays where a person put it, a curated label is
never overwritten, a hidden theme stays hidden; every run and every curation is in the audit trail
(entity "theme"). Theme writes use optimistic locking on `Theme.version` like barriers do.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, select

from kb.errors import Conflict, FieldError, NotFound, ValidationFailed
from kb.models import Barrier, Theme, ThemeMember, utcnow
from kb.services.journal import audit
from kb.services.outbox import enqueue

ENTITY = "theme"
# Outbox entity for "this barrier's theme changed": the index follows it, the citation and theme
# steps (which react to barrier writes) do not.
MEMBERSHIP = "barrier_theme"
MAX_LABEL = 200


@dataclass
class RunTheme:
    key: str
    label: str
    terms: list[str]
    representative: str | None
    members: dict[str, float | None]  # code -> confidence (None: placed by a person)


@dataclass
class ThemeRun:
    """A reconciled clustering run, ready to store."""

    themes: list[RunTheme]
    unassigned: list[str]
    coords: dict[str, tuple[float, float]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)  # kind, theme, old, new
    text_hashes: dict[str, str] = field(default_factory=dict)


@dataclass
class StoredThemes:
    members: dict[str, frozenset[str]]  # active theme key -> member codes
    pinned: dict[str, str]  # code -> theme key


# -- reading ---------------------------------------------------------------------------------

def get_theme(session: Session, key: str) -> Theme:
    theme = session.exec(select(Theme).where(Theme.key == key)).first()
    if theme is None:
        raise NotFound("Thema", key)
    return theme


def stored_themes(session: Session, *, include_hidden: bool = True) -> StoredThemes:
    rows = session.exec(select(Theme.key, Barrier.code, ThemeMember.pinned, Theme.hidden)
                        .join(ThemeMember, ThemeMember.theme_id == Theme.id)
                        .join(Barrier, Barrier.id == ThemeMember.barrier_id)
                        .where(Theme.state == "actief"))
    members: dict[str, set[str]] = {}
    pinned: dict[str, str] = {}
    for key, code, is_pinned, hidden in rows:
        if hidden and not include_hidden:
            continue
        members.setdefault(key, set()).add(code)
        if is_pinned:
            pinned[code] = key
    return StoredThemes({k: frozenset(v) for k, v in members.items()}, pinned)


def has_themes(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Theme).where(Theme.state == "actief")).one() > 0


def generation(session: Session) -> tuple:
    """Changes whenever a theme or its membership is written by a run or by curation (model cache key)."""
    return tuple(session.exec(select(func.count(), func.sum(Theme.version), func.max(Theme.updated_at))
                              .select_from(Theme)).one())


def key_maker(session: Session) -> Callable[[], str]:
    """New theme keys t<n>, after every key ever used (a gone theme's key is never reused)."""
    used = [int(k[1:]) for k in session.exec(select(Theme.key)) if k[1:].isdigit()]
    counter = [max(used, default=0)]

    def new_key() -> str:
        counter[0] += 1
        return f"t{counter[0]}"
    return new_key


def _members_by_code(session: Session) -> dict[str, tuple[Barrier, ThemeMember | None]]:
    rows = session.exec(select(Barrier, ThemeMember).join(ThemeMember, ThemeMember.barrier_id == Barrier.id,
                                                          isouter=True))
    return {b.code: (b, m) for b, m in rows}


# -- a clustering run --------------------------------------------------------------------------

def store_run(*, session: Session, run: ThemeRun, actor: str | None) -> dict[str, int]:
    """Write a reconciled run: themes (curated labels and hidden flags kept), memberships (pins kept),
    map positions, and one audit event per theme event."""
    themes = {t.key: t for t in session.exec(select(Theme))}
    barriers = _members_by_code(session)
    ids: dict[str, int] = {}
    for item in run.themes:
        ids[item.key] = _store_theme(session, themes, item, actor).id
    placed = {code: (item.key, conf) for item in run.themes for code, conf in item.members.items()}
    moved = 0
    for code in sorted(set(placed) | set(run.unassigned)):
        if code not in barriers:
            continue
        key, confidence = placed.get(code, (None, None))
        moved += _store_member(session, barriers[code], ids.get(key), confidence, run, code)
    _retire(session, themes, set(ids), run.events, actor)
    for event in run.events:
        if event["kind"] != "kept":
            audit(session, entity=ENTITY, key=event["theme"], action=f"herberekening-{event['kind']}", actor=actor,
                  before=event.get("old") or None, after=event.get("new") or None)
    return {"themes": len(run.themes), "moved": moved, "unassigned": len(run.unassigned)}


def _store_theme(session: Session, themes: dict[str, Theme], item: RunTheme, actor: str | None) -> Theme:
    theme = themes.get(item.key)
    if theme is None:
        theme = Theme(key=item.key, label=item.label[:MAX_LABEL], terms=list(item.terms),
                      representative=item.representative)
        session.add(theme)
        session.flush()
        themes[item.key] = theme
        return theme
    label = theme.label if theme.label_curated else item.label[:MAX_LABEL]
    if (label, list(theme.terms), theme.representative, theme.state) != \
            (theme.label, list(item.terms), item.representative, "actief"):
        if label != theme.label:
            audit(session, entity=ENTITY, key=theme.key, action="herberekening-naam", actor=actor, field="label",
                  before=theme.label, after=label, version=theme.version + 1)
        theme.label, theme.terms, theme.representative = label, list(item.terms), item.representative
        theme.state, theme.merged_into = "actief", None
        theme.version += 1
        theme.updated_at = utcnow()
        session.add(theme)
    return theme


def _store_member(session: Session, row: tuple[Barrier, ThemeMember | None], theme_id: int | None,
                  confidence: float | None, run: ThemeRun, code: str) -> int:
    barrier, member = row
    x, y = run.coords.get(code, (None, None))
    if member is None:
        member = ThemeMember(barrier_id=barrier.id)
    changed = member.theme_id != theme_id
    member.theme_id, member.confidence = theme_id, confidence
    member.source = "curatie" if member.pinned else "clustering"
    member.needs_review = False
    member.x, member.y = x, y
    member.text_hash = run.text_hashes.get(code, member.text_hash)
    member.updated_at = utcnow()
    session.add(member)
    if changed:
        enqueue(session, entity=MEMBERSHIP, key=code)
    return int(changed)


def _retire(session: Session, themes: dict[str, Theme], kept: set[str], events: list[dict], actor) -> None:
    """Active themes the run no longer has: merged into a survivor, or gone."""
    merged_into = {old: e["theme"] for e in events if e["kind"] == "merged" for old in e.get("old", ())
                   if old != e["theme"]}
    for key, theme in themes.items():
        if key in kept or theme.state != "actief":
            continue
        theme.state = "samengevoegd" if key in merged_into else "verdwenen"
        theme.merged_into = merged_into.get(key)
        theme.version += 1
        theme.updated_at = utcnow()
        session.add(theme)


# -- assignment on save ------------------------------------------------------------------------

def assign_barrier(*, session: Session, code: str, theme_key: str | None, confidence: float | None,
                   text_hash: str | None) -> bool:
    """Put an unpinned barrier in its nearest theme (None: "te beoordelen"); False when it is pinned."""
    barrier = session.exec(select(Barrier).where(Barrier.code == code)).first()
    if barrier is None:
        return False
    member = session.exec(select(ThemeMember).where(ThemeMember.barrier_id == barrier.id)).first()
    if member is not None and member.pinned:
        return False
    theme_id = get_theme(session, theme_key).id if theme_key else None
    member = member or ThemeMember(barrier_id=barrier.id)
    changed = member.theme_id != theme_id
    member.theme_id, member.confidence, member.source = theme_id, confidence, "toewijzing"
    member.needs_review, member.text_hash, member.updated_at = theme_id is None, text_hash, utcnow()
    session.add(member)
    if changed:
        enqueue(session, entity=MEMBERSHIP, key=code)
    return True


# -- curation -----------------------------------------------------------------------------------

def claim_theme_version(session: Session, theme: Theme, expected: int | None) -> None:
    """Raise Conflict unless the theme still has the version the curator saw; then claim the next one."""
    expected = theme.version if expected is None else expected
    result = session.exec(update(Theme).where(Theme.id == theme.id, Theme.version == expected)
                          .values(version=expected + 1, updated_at=utcnow())
                          .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.refresh(theme)
        raise Conflict("Thema", theme.key, expected, theme.version)
    theme.version = expected + 1


def _active(session: Session, key: str, field_name: str = "theme") -> Theme:
    theme = get_theme(session, key)
    if theme.state != "actief":
        raise ValidationFailed([FieldError(field_name, f"thema {key} is niet meer actief ({theme.state})")])
    return theme


def rename_theme(*, session: Session, key: str, label: str, actor: str | None,
                 expected_version: int | None = None) -> Theme:
    label = (label or "").strip()
    if not label:
        raise ValidationFailed([FieldError("label", "mag niet leeg zijn")])
    if len(label) > MAX_LABEL:
        raise ValidationFailed([FieldError("label", f"is te lang (maximaal {MAX_LABEL} tekens)")])
    theme = _active(session, key)
    before = theme.label
    claim_theme_version(session, theme, expected_version)
    if label == before and theme.label_curated:
        return theme  # nothing to record; the version claim still refused a stale form
    theme.label, theme.label_curated = label, True
    session.add(theme)
    audit(session, entity=ENTITY, key=key, action="hernoemd", actor=actor, field="label", before=before,
          after=label, version=theme.version)
    return theme


def set_hidden(*, session: Session, key: str, hidden: bool, actor: str | None,
               expected_version: int | None = None) -> Theme:
    theme = _active(session, key)
    claim_theme_version(session, theme, expected_version)
    if theme.hidden != hidden:
        audit(session, entity=ENTITY, key=key, action="verborgen" if hidden else "zichtbaar", actor=actor,
              field="hidden", before=theme.hidden, after=hidden, version=theme.version)
        theme.hidden = hidden
        session.add(theme)
        _enqueue_members(session, theme.id)
    return theme


def _member_rows(session: Session, theme_id: int, codes: list[str] | None = None) -> list[tuple[Barrier, ThemeMember]]:
    query = select(Barrier, ThemeMember).join(ThemeMember, ThemeMember.barrier_id == Barrier.id) \
        .where(ThemeMember.theme_id == theme_id)
    if codes is not None:
        query = query.where(Barrier.code.in_(codes))
    return list(session.exec(query.order_by(Barrier.code)))


def _enqueue_members(session: Session, theme_id: int) -> None:
    for barrier, _member in _member_rows(session, theme_id):
        enqueue(session, entity=MEMBERSHIP, key=barrier.code)


def _pin(session: Session, member: ThemeMember, theme_id: int, code: str) -> None:
    member.theme_id, member.pinned, member.source = theme_id, True, "curatie"
    member.needs_review, member.confidence, member.updated_at = False, None, utcnow()
    session.add(member)
    enqueue(session, entity=MEMBERSHIP, key=code)


def merge_themes(*, session: Session, source: str, target: str, actor: str | None,
                 expected_version: int | None = None, target_version: int | None = None) -> Theme:
    """Move every barrier of `source` to `target` (pinned) and mark `source` merged into `target`."""
    if not (target or "").strip():
        raise ValidationFailed([FieldError("target", "kies het thema waarmee dit thema samengevoegd wordt")])
    if source == target:
        raise ValidationFailed([FieldError("target", "een thema kan niet met zichzelf samengevoegd worden; "
                                                     "kies een ander thema")])
    theme, into = _active(session, source), _active(session, target, "target")
    claim_theme_version(session, theme, expected_version)
    claim_theme_version(session, into, target_version)
    codes = []
    for barrier, member in _member_rows(session, theme.id):
        _pin(session, member, into.id, barrier.code)
        codes.append(barrier.code)
    theme.state, theme.merged_into = "samengevoegd", into.key
    session.add(theme)
    audit(session, entity=ENTITY, key=source, action="samengevoegd", actor=actor, field="merged_into",
          after=target, version=theme.version)
    audit(session, entity=ENTITY, key=target, action="samengevoegd-uit", actor=actor, field="members",
          before=source, after=codes, version=into.version)
    return into


def split_theme(*, session: Session, key: str, codes: list[str], label: str | None, actor: str | None,
                expected_version: int | None = None) -> Theme:
    """Move the chosen barriers of a theme to a new theme (pinned there); returns the new theme."""
    theme = _active(session, key)
    rows = _member_rows(session, theme.id)
    chosen = [(b, m) for b, m in rows if b.code in set(codes)]
    if not chosen:
        raise ValidationFailed([FieldError("codes", "kies minstens één drempel van dit thema om af te splitsen")])
    if len(chosen) == len(rows):
        raise ValidationFailed([FieldError("codes", "laat minstens één drempel in het thema; om het thema een "
                                                    "andere naam te geven, gebruik 'hernoemen'")])
    label = (label or "").strip()[:MAX_LABEL]
    claim_theme_version(session, theme, expected_version)
    part = Theme(key=key_maker(session)(), label=label or f"Afgesplitst van {theme.label}"[:MAX_LABEL],
                 label_curated=bool(label), terms=[], representative=chosen[0][0].code)
    session.add(part)
    session.flush()
    for barrier, member in chosen:
        _pin(session, member, part.id, barrier.code)
    moved = [b.code for b, _ in chosen]
    audit(session, entity=ENTITY, key=key, action="gesplitst", actor=actor, field="members", before=moved,
          after=part.key, version=theme.version)
    audit(session, entity=ENTITY, key=part.key, action="afgesplitst", actor=actor, field="members", before=key,
          after=moved, version=1)
    return part


def move_barrier(*, session: Session, code: str, key: str, actor: str | None) -> Theme:
    """Pin a barrier to a theme (a person decided: re-runs leave it there)."""
    barrier = session.exec(select(Barrier).where(Barrier.code == code)).first()
    if barrier is None:
        raise NotFound("Drempel", code)
    if not (key or "").strip():
        raise ValidationFailed([FieldError("theme", "kies het thema waarin de drempel moet komen")])
    target = _active(session, key)
    member = session.exec(select(ThemeMember).where(ThemeMember.barrier_id == barrier.id)).first()
    member = member or ThemeMember(barrier_id=barrier.id)
    old = session.get(Theme, member.theme_id) if member.theme_id else None
    if old is not None and old.id != target.id:
        claim_theme_version(session, old, None)
        audit(session, entity=ENTITY, key=old.key, action="drempel-verplaatst", actor=actor, field="members",
              before=code, after=key, version=old.version)
    claim_theme_version(session, target, None)
    _pin(session, member, target.id, code)
    audit(session, entity=ENTITY, key=key, action="drempel-vastgezet", actor=actor, field="members",
          before=old.key if old else None, after=code, version=target.version)
    return target


def unpin_barrier(*, session: Session, code: str, actor: str | None) -> None:
    """Let the next run place this barrier again."""
    barrier = session.exec(select(Barrier).where(Barrier.code == code)).first()
    if barrier is None:
        raise NotFound("Drempel", code)
    member = session.exec(select(ThemeMember).where(ThemeMember.barrier_id == barrier.id)).first()
    if member is None or not member.pinned:
        return
    theme = session.get(Theme, member.theme_id) if member.theme_id else None
    member.pinned = False
    session.add(member)
    if theme is not None:
        claim_theme_version(session, theme, None)
        audit(session, entity=ENTITY, key=theme.key, action="drempel-losgemaakt", actor=actor, field="members",
              before=code, version=theme.version)
