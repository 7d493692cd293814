"""Themes of the register: barriers in, clustering core (search.themes) in between, kb services out.

`recluster` proposes themes for the whole register and reconciles them with the stored ones (ids,
curated names and pins survive); `ThemeAssigner` puts a new or edited barrier in its nearest theme
after the commit; `emerging` groups recent barriers that fit no theme.
"""

import copy
import datetime as dt
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from kb.db import session_scope
from kb.errors import RegisterError
from kb.models import Barrier, BarrierRegulationLink, Regulation, Theme, ThemeMember
from kb.services import themes as service
from search.themes import ThemeDoc, ThemeError, ThemeModel, emerging_patterns, propose_themes, reconcile
from search.themes.emerging import RECENT_DAYS

ACTOR = "clustering"


class ThemesRefused(RegisterError):
    """The register cannot be grouped (empty, one barrier, identical texts); the message is Dutch."""


def theme_docs(session: Session, codes: list[str] | None = None) -> list[ThemeDoc]:
    """Barriers as the clustering sees them: title, text, and their regulation/article references."""
    query = select(Barrier)
    if codes is not None:
        query = query.where(Barrier.code.in_(codes))
    barriers = list(session.exec(query.order_by(Barrier.code)))
    refs: dict[int, list[str]] = {}
    links = session.exec(select(BarrierRegulationLink.barrier_id, Regulation.key, BarrierRegulationLink.article_number)
                         .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id)
                         .where(BarrierRegulationLink.barrier_id.in_([b.id for b in barriers]),
                                BarrierRegulationLink.confirmed == True)  # noqa: E712
                         .order_by(BarrierRegulationLink.position))
    for barrier_id, key, article in links:
        refs.setdefault(barrier_id, []).extend([key, f"{key} art. {article}"] if article else [key])
    return [ThemeDoc(b.code, b.title, "\n".join(t for t in (b.title, b.description, b.proposed_solution) if t),
                     tuple(dict.fromkeys(refs.get(b.id, []))), b.reported_on or b.created_at.date())
            for b in barriers]


def text_hash(doc: ThemeDoc) -> str:
    return hashlib.sha1("\x1f".join([doc.title, doc.text, *doc.refs]).encode("utf-8")).hexdigest()


@dataclass
class ClusterResult:
    themes: list[dict[str, Any]]
    counts: dict[str, int]
    events: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        """The `cluster --json` shape of docs/cli.md."""
        return {"themes": self.themes}


def recluster(engine: Engine, *, thesaurus: dict | None = None, actor: str = ACTOR, seed: int = 0,
              full: bool = False) -> ClusterResult:
    """Propose themes for the whole register, keep ids/names/pins of the stored ones, store the result.

    By default a barrier stays in its theme while it still fits there (see `_keep_fitting`), so adding a
    few barriers does not reshuffle the rest; `full` lets the clustering regroup everything (splits and
    merges then follow the clustering, and are recorded as such)."""
    with session_scope(engine) as session:
        docs = theme_docs(session)
        try:
            proposal = propose_themes(docs, thesaurus=thesaurus, seed=seed)
            stored = service.stored_themes(session)
            rec = reconcile(stored.members, [frozenset(t.members) for t in proposal.themes], pinned=stored.pinned,
                            new_id=service.key_maker(session))
            if not full and stored.members:
                _keep_fitting(rec, stored, docs, thesaurus, seed)
        except ThemeError as exc:
            raise ThemesRefused(str(exc)) from None
        run = _run(session, proposal, rec, stored, {d.code: text_hash(d) for d in docs})
        counts = service.store_run(session=session, run=run, actor=actor)
    with Session(engine) as session:
        return ClusterResult(listing(session), counts, run.events)


# A barrier stays in its stored theme while it is at least as close to that theme's centre (recomputed in
# the new space) as this share of the theme's own barriers: only clear outliers move (model.REVIEW_BELOW).
KEEP_FIT = 0.1


def _keep_fitting(rec, stored, docs: list[ThemeDoc], thesaurus: dict | None, seed: int) -> None:
    """Put back every unpinned barrier the clustering moved out of a stored theme it still fits; themes
    that were merged or gone only because of such moves come back, and their events are dropped."""
    old_of = {c: key for key, members in stored.members.items() for c in members}
    model = ThemeModel.fit(docs, stored.members, thesaurus=thesaurus, seed=seed)
    index = {key: i for i, key in enumerate(model.theme_ids)}
    by_code = {d.code: d for d in docs}
    new_of = {c: key for key, members in rec.themes.items() for c in members}
    moving = [c for c, old in old_of.items() if new_of.get(c) != old and c not in stored.pinned and c in by_code]
    if not moving:
        return
    sims = model.vectors([by_code[c] for c in moving]) @ model.centroids.T
    themes = {k: set(v) for k, v in rec.themes.items()}
    for row, code in enumerate(moving):
        old = old_of[code]
        if old in index and model.confidence(float(sims[row, index[old]]), index[old]) >= KEEP_FIT:
            if code in new_of:
                themes[new_of[code]].discard(code)
            themes.setdefault(old, set()).add(code)
    rec.themes = {k: frozenset(v) for k, v in themes.items() if v}
    rec.events = _surviving_events(rec.events, set(rec.themes))


def _surviving_events(events, alive: set[str]):
    """Events of the clustering that still hold once fitting barriers stayed where they were."""
    out = []
    for event in events:
        if event.kind == "gone" and event.theme_id in alive:
            continue
        if event.kind == "merged":
            old = tuple(o for o in event.old if o == event.theme_id or o not in alive)
            if len(old) < 2:
                continue
            event = type(event)("merged", event.theme_id, old, event.new)
        if event.kind == "split":
            new = tuple(n for n in event.new if n in alive)
            if len(new) < 2:
                continue
            event = type(event)("split", event.theme_id, event.old, new)
        if event.kind == "new" and event.theme_id not in alive:
            continue
        out.append(event)
    return out


def _run(session: Session, proposal, rec, stored, hashes: dict[str, str]) -> service.ThemeRun:
    proposed = dict(zip(rec.ids, proposal.themes))
    existing = {t.key: t for t in session.exec(select(Theme).where(Theme.key.in_(list(rec.themes))))}
    themes = []
    for key in sorted(rec.themes, key=_key_order):
        members = rec.themes[key]
        item = proposed.get(key)
        confidence = item.confidence if item else {}
        members_conf = {c: (None if stored.pinned.get(c) == key else confidence.get(c)) for c in members}
        if item is not None:
            themes.append(service.RunTheme(key, item.label, item.terms, item.representative, members_conf))
        else:  # a theme the clustering dropped that survives for its pinned barriers
            old = existing.get(key)
            themes.append(service.RunTheme(key, old.label if old else key, list(old.terms) if old else [],
                                           min(members), members_conf))
    placed = {c for members in rec.themes.values() for c in members}
    unassigned = sorted(set(proposal.unassigned) - placed)
    events = [{"kind": e.kind, "theme": e.theme_id, "old": list(e.old), "new": list(e.new)} for e in rec.events]
    return service.ThemeRun(themes, unassigned, dict(proposal.coords), events, hashes)


def _key_order(key: str) -> tuple[int, str]:
    return (int(key[1:]) if key[1:].isdigit() else 10**9, key)


def listing(session: Session, *, include_hidden: bool = True) -> list[dict[str, Any]]:
    """Active themes with label, terms and members, in key order (the CLI's and the API's list)."""
    rows = session.exec(select(Theme, Barrier.code).join(ThemeMember, ThemeMember.theme_id == Theme.id)
                        .join(Barrier, Barrier.id == ThemeMember.barrier_id).where(Theme.state == "actief"))
    themes: dict[str, dict[str, Any]] = {}
    for theme, code in rows:
        if theme.hidden and not include_hidden:
            continue
        entry = themes.setdefault(theme.key, {"id": theme.key, "label": theme.label, "terms": list(theme.terms),
                                              "members": [], "hidden": theme.hidden,
                                              "label_curated": theme.label_curated})
        entry["members"].append(code)
    for entry in themes.values():
        entry["members"].sort()
    return [themes[k] for k in sorted(themes, key=_key_order)]


class ThemeAssigner:
    """Assigns new and edited barriers to their nearest theme, with a model cached per theme generation."""

    def __init__(self, engine: Engine, *, thesaurus: dict | None = None):
        self.engine = engine
        self.thesaurus = thesaurus
        self._model: tuple[tuple, ThemeModel | None] | None = None

    def model(self, session: Session) -> ThemeModel | None:
        key = service.generation(session)
        if self._model is None or self._model[0] != key:
            self._model = (key, self._fit(session))
        return self._model[1]

    def _fit(self, session: Session) -> ThemeModel | None:
        membership = service.stored_themes(session, include_hidden=False).members
        codes = sorted({c for members in membership.values() for c in members})
        if not codes:
            return None
        try:
            return ThemeModel.fit(theme_docs(session, codes), membership, thesaurus=self.thesaurus)
        except ValueError:
            # Themes whose texts share no words cannot place anything: leave barriers unassigned rather
            # than fail the write path (ThemeError is a ValueError too).
            return None

    def assign(self, codes: list[str]) -> dict[str, Any] | None:
        """Assign these barriers (pinned ones and unchanged texts are left alone); None while no themes exist."""
        with session_scope(self.engine) as session:
            if not service.has_themes(session):
                return None
            model = self.model(session)
            if model is None:
                return None
            current = dict(session.exec(select(Barrier.code, ThemeMember.text_hash)
                                        .join(ThemeMember, ThemeMember.barrier_id == Barrier.id)
                                        .where(Barrier.code.in_(codes))).all())
            report: dict[str, Any] = {}
            for doc in theme_docs(session, codes):
                digest = text_hash(doc)
                if current.get(doc.code) == digest:
                    continue
                key, confidence = model.assign(doc)
                if service.assign_barrier(session=session, code=doc.code, theme_key=key, confidence=confidence,
                                          text_hash=digest):
                    report[doc.code] = {"theme": key, "confidence": confidence}
            return report

    def assign_missing(self) -> dict[str, Any] | None:
        """Barriers without any theme row (e.g. after a restore of an older backup)."""
        with Session(self.engine) as session:
            codes = list(session.exec(select(Barrier.code).join(ThemeMember, ThemeMember.barrier_id == Barrier.id,
                                                                isouter=True).where(ThemeMember.id == None)))  # noqa: E711
        return self.assign(codes) if codes else None


def register_state(session: Session) -> tuple:
    """Changes whenever a barrier, a membership or a theme is written (emerging-pattern cache key)."""
    barriers = session.exec(select(func.count(), func.max(Barrier.updated_at)).select_from(Barrier)).one()
    members = session.exec(select(func.count(), func.max(ThemeMember.updated_at)).select_from(ThemeMember)).one()
    return (*service.generation(session), *barriers, *members)


class _Emerging:
    """The last emerging patterns per database, reused while the register and the day stay the same:
    grouping runs the whole pipeline, and /themas is read far more often than the register changes."""

    def __init__(self):
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[tuple, list[dict[str, Any]]]] = {}

    def get(self, session: Session, key: tuple, compute) -> list[dict[str, Any]]:
        database = str(session.get_bind().url)
        with self.lock:
            found = self.entries.get(database)
        if found is not None and found[0] == key:
            return copy.deepcopy(found[1])
        patterns = compute()
        with self.lock:
            self.entries[database] = (key, copy.deepcopy(patterns))
        return patterns


EMERGING_CACHE = _Emerging()


def emerging(session: Session, *, today: dt.date | None = None, thesaurus: dict | None = None) -> list[dict[str, Any]]:
    """Barriers of the last 90 days that fit no theme (none, or to be reviewed), grouped; cached until the
    register, its themes, the thesaurus or the day change."""
    today = today or dt.date.today()
    key = (register_state(session), today, json.dumps(thesaurus, sort_keys=True) if thesaurus else "")
    return EMERGING_CACHE.get(session, key, lambda: _emerging(session, today, thesaurus))


def _emerging(session: Session, today: dt.date, thesaurus: dict | None) -> list[dict[str, Any]]:
    rows = session.exec(select(Barrier.code, ThemeMember.theme_id, ThemeMember.needs_review)
                        .join(ThemeMember, ThemeMember.barrier_id == Barrier.id, isouter=True))
    loose = [code for code, theme_id, review in rows if theme_id is None or review]
    since = today - dt.timedelta(days=RECENT_DAYS)
    docs = [d for d in theme_docs(session, loose) if d.reported and since <= d.reported <= today]
    try:
        patterns = emerging_patterns(docs, thesaurus=thesaurus)
    except (ValueError, ZeroDivisionError):
        # The core's graph clustering fails on a handful of documents that share too few terms
        # (no term in >= 2 and <= 50 % of them); group such small sets by plain word overlap instead.
        return _small_groups(docs)
    return [{"label": p.label, "terms": p.terms, "members": p.members, "representative": p.representative}
            for p in patterns]


SMALL_SET_SIMILARITY = 0.2


def _small_groups(docs: list[ThemeDoc]) -> list[dict[str, Any]]:
    """Connected groups (>= 2) of documents whose TF-IDF cosine reaches SMALL_SET_SIMILARITY."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(docs) < 2:
        return []
    docs = sorted(docs, key=lambda d: d.code)
    try:
        matrix = TfidfVectorizer(lowercase=True).fit_transform([d.text for d in docs])
    except ValueError:
        return []
    sims = (matrix @ matrix.T).toarray()
    group = list(range(len(docs)))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if sims[i, j] >= SMALL_SET_SIMILARITY:
                group[root(j)] = root(i)
    members: dict[int, list[ThemeDoc]] = {}
    for i, doc in enumerate(docs):
        members.setdefault(root(i), []).append(doc)
    return [{"label": g[0].title, "terms": [], "members": [d.code for d in g], "representative": g[0].code}
            for g in members.values() if len(g) >= 2]
