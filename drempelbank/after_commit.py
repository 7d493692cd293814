"""The one path after every write: a short list of named steps fed by the outbox.

Every entry point that writes (form, API, import, restore, CLI) commits through a `kb/` service and
then calls the runner. The runner reads the outbox in commit order, hands each batch to every step
(propose citations, then assign themes, then update the search index), and acknowledges the batch
only when all steps have run: a crash in between is repaired by the next drain (steps are idempotent).
Adding a derived store is adding one step to `build_steps`.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlmodel import Session, select

from kb.db import session_scope
from kb.models import Barrier, OutboxEntry
from kb.services import outbox
from kb.services.references import ReferenceIndex

BATCH = 5000  # outbox entries per round; the index commits once per round


class Step(Protocol):
    """A derived store that follows the database."""

    name: str

    def apply(self, entries: list[OutboxEntry]) -> Any:
        """Follow these committed changes; must be idempotent (a batch may be applied twice)."""

    def rebuild(self, progress=None) -> Any:
        """Recompute everything from the database (restore, reindex)."""


@dataclass
class Drained:
    entries: int = 0
    reports: dict[str, list[Any]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"zoekindex: {self.entries} wijzigingen verwerkt"] if self.entries else []


class AfterCommit:
    """Runs the steps over the pending outbox, one process at a time (the `exclusive` lock)."""

    def __init__(self, engine: Engine, steps: list[Step], exclusive: Callable[[], AbstractContextManager]):
        self.engine = engine
        self.steps = steps
        self.exclusive = exclusive

    def __call__(self) -> Drained:
        drained = Drained()
        with self.exclusive():
            while True:
                with Session(self.engine) as session:
                    entries = outbox.pending(session, limit=BATCH)
                if not entries:
                    return drained
                for step in self.steps:
                    report = step.apply(entries)
                    if report is not None:
                        drained.reports.setdefault(step.name, []).append(report)
                with session_scope(self.engine) as session:
                    outbox.acknowledge(session, [e.id for e in entries])
                drained.entries += len(entries)

    def rebuild(self, progress=None) -> int:
        """Every step recomputed from the database; returns the number of index documents."""
        with self.exclusive():
            with Session(self.engine) as session:
                last = outbox.last_id(session)
            count = 0
            for step in self.steps:
                result = step.rebuild(progress)
                if isinstance(result, int):
                    count = result
            if last is not None:
                with session_scope(self.engine) as session:
                    outbox.acknowledge_through(session, last)
        return count


def changed_barriers(entries: list[OutboxEntry]) -> list[str]:
    """Codes of barriers written (not deleted) in these entries, first occurrence first."""
    return list(dict.fromkeys(e.entity_key for e in entries if e.entity == "barrier" and e.op != "delete"))


class CitationStep:
    """Propose links for the citations found in changed barriers' free text (a jurist confirms them)."""

    name = "citaten"
    actor = "citatielinker"

    def __init__(self, engine: Engine):
        self.engine = engine
        self._nlp: tuple[tuple, Any] | None = None

    def _pipeline(self, refs: ReferenceIndex):
        """The spaCy citation pipeline, rebuilt only when the register's regulations change."""
        from search.citations_nlp import citation_pipeline

        key = tuple(sorted(refs.regulation_ids))
        if self._nlp is None or self._nlp[0] != key:
            self._nlp = (key, citation_pipeline(refs.resolver))
        return self._nlp[1]

    def apply(self, entries: list[OutboxEntry]):
        from ingest.citation_linker import propose_for_barriers

        codes = changed_barriers(entries)
        if not codes:
            return None
        with session_scope(self.engine) as session:
            present = set(session.exec(select(Barrier.code).where(Barrier.code.in_(codes))))
            refs = ReferenceIndex(session)
            return propose_for_barriers(session, [c for c in codes if c in present], refs, actor=self.actor,
                                        nlp=self._pipeline(refs), only_found=True)

    def rebuild(self, progress=None) -> None:
        """Proposals are stored with the barriers (a restore brings them back): nothing to recompute."""


class ThemeStep:
    """A new or edited barrier goes to its nearest theme (or "te beoordelen"); nothing while no themes exist."""

    name = "themas"

    def __init__(self, engine: Engine, thesaurus: dict | None = None):
        from search.theme_store import ThemeAssigner

        self.assigner = ThemeAssigner(engine, thesaurus=thesaurus)

    def apply(self, entries: list[OutboxEntry]):
        codes = changed_barriers(entries)
        return self.assigner.assign(codes) if codes else None

    def rebuild(self, progress=None) -> None:
        """Memberships are stored (a restore brings them back); barriers without one are assigned."""
        self.assigner.assign_missing()


class IndexStep:
    """The search index (Whoosh or PostgreSQL full-text) follows the database."""

    name = "zoekindex"

    def __init__(self, search):
        self.search = search

    def apply(self, entries: list[OutboxEntry]) -> None:
        self.search.apply(entries)

    def rebuild(self, progress=None) -> int:
        return self.search.rebuild(progress)


def build_steps(engine: Engine, search, thesaurus: dict | None = None) -> list[Step]:
    """The after-commit steps, in order: proposals and themes change what the index shows."""
    return [CitationStep(engine), ThemeStep(engine, thesaurus), IndexStep(search)]
