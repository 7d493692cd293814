"""Match a new clustering to the existing themes by membership, so ids and names persist.

An old theme and a new cluster are linked when they share a substantial part
of either one (`SHARE`). Each new cluster takes the id of the old theme it
shares most with, unless that old theme's largest share went elsewhere; an
old theme linked to several clusters is split, several old themes linked to
one cluster are merged. Pinned barriers (curated by hand) are moved into
their theme afterwards, whatever the algorithm said.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# Half of the smaller side: two groups that share half of one of them are the
# same subject seen twice; less is an overlap, not an identity.
SHARE = 0.5


@dataclass(frozen=True)
class ThemeEvent:
    kind: str  # "kept" | "new" | "split" | "merged" | "gone"
    theme_id: str  # the surviving / new / gone id
    old: tuple[str, ...] = ()  # old ids involved (split: the one; merged: all)
    new: tuple[str, ...] = ()  # resulting ids (split: all parts; merged: the one)


@dataclass
class Reconciliation:
    ids: list[str]  # theme id for each proposed cluster, same order
    themes: dict[str, frozenset[str]]  # id → members after pins
    events: list[ThemeEvent] = field(default_factory=list)


def _overlaps(previous: dict[str, frozenset[str]], proposed: list[frozenset[str]]) -> dict[tuple[str, int], int]:
    links = {}
    for old_id in sorted(previous):
        old = previous[old_id]
        for j, new in enumerate(proposed):
            shared = len(old & new)
            if shared and shared >= SHARE * min(len(old), len(new)):
                links[(old_id, j)] = shared
    return links


def _owners(previous, proposed, links) -> dict[int, str]:
    """Give each old id to at most one new cluster: largest overlap first, ties by id then index."""
    owners: dict[int, str] = {}
    used: set[str] = set()
    for (old_id, j), _shared in sorted(links.items(), key=lambda item: (-item[1], item[0][0], item[0][1])):
        if old_id not in used and j not in owners:
            owners[j] = old_id
            used.add(old_id)
    return owners


def reconcile(previous: dict[str, frozenset[str]], proposed: list[frozenset[str]], *,
              pinned: dict[str, str] | None = None, new_id: Callable[[], str]) -> Reconciliation:
    """Ids and events for `proposed` clusters given the `previous` themes (id → members)."""
    previous = {k: frozenset(v) for k, v in previous.items()}
    proposed = [frozenset(p) for p in proposed]
    links = _overlaps(previous, proposed)
    owners = _owners(previous, proposed, links)
    ids = [owners.get(j) or new_id() for j in range(len(proposed))]
    events = _events(previous, proposed, links, ids, owners)
    themes = _apply_pins(dict(zip(ids, proposed)), pinned or {}, previous)
    return Reconciliation(ids, themes, events)


def _events(previous, proposed, links, ids, owners) -> list[ThemeEvent]:
    events: list[ThemeEvent] = []
    for old_id in sorted(previous):
        targets = tuple(ids[j] for (o, j) in sorted(links) if o == old_id)
        if not targets:
            events.append(ThemeEvent("gone", old_id, old=(old_id,)))
        elif len(targets) > 1:
            events.append(ThemeEvent("split", old_id, old=(old_id,), new=targets))
    for j, theme_id in enumerate(ids):
        sources = tuple(o for (o, jj) in sorted(links) if jj == j)
        if len(sources) > 1:
            events.append(ThemeEvent("merged", theme_id, old=sources, new=(theme_id,)))
        elif j in owners:
            events.append(ThemeEvent("kept", theme_id, old=(theme_id,), new=(theme_id,)))
        elif not sources:
            events.append(ThemeEvent("new", theme_id, new=(theme_id,)))
        else:  # a part split off an old theme that kept its id elsewhere
            events.append(ThemeEvent("new", theme_id, old=sources, new=(theme_id,)))
    return events


def _apply_pins(themes: dict[str, frozenset[str]], pinned: dict[str, str], previous) -> dict[str, frozenset[str]]:
    """Move each pinned barrier into its theme; a pinned theme that vanished is kept for its pins."""
    if not pinned:
        return themes
    out = {k: set(v) - set(pinned) for k, v in themes.items()}
    for code in sorted(pinned):
        out.setdefault(pinned[code], set()).add(code)
    return {k: frozenset(v) for k, v in out.items() if v}
