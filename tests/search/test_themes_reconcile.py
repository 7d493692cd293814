"""reconcile: ids persist by membership; splits, merges and pins are recorded as such."""
import itertools

from search.themes import reconcile


def _ids(prefix="N"):
    counter = itertools.count(1)
    return lambda: f"{prefix}{next(counter)}"


def _set(*codes):
    return frozenset(codes)


PREVIOUS = {
    "TH-A": _set("a1", "a2", "a3", "a4", "a5"),
    "TH-B": _set("b1", "b2", "b3", "b4"),
    "TH-C": _set("c1", "c2", "c3"),
}


def test_adding_a_few_barriers_keeps_every_id():
    proposed = [_set("b1", "b2", "b3", "b4", "x1"), _set("a1", "a2", "a3", "a4", "a5", "x2"), _set("c1", "c2", "c3")]
    result = reconcile(PREVIOUS, proposed, new_id=_ids())
    assert result.ids == ["TH-B", "TH-A", "TH-C"]
    assert sorted(e.kind for e in result.events) == ["kept", "kept", "kept"]


def test_a_moved_member_does_not_change_ids():
    proposed = [_set("a1", "a2", "a3", "a4"), _set("b1", "b2", "b3", "b4", "a5"), _set("c1", "c2", "c3")]
    assert reconcile(PREVIOUS, proposed, new_id=_ids()).ids == ["TH-A", "TH-B", "TH-C"]


def test_a_split_keeps_the_id_on_the_larger_part_and_is_recorded():
    proposed = [_set("a1", "a2", "a3"), _set("a4", "a5"), _set("b1", "b2", "b3", "b4"), _set("c1", "c2", "c3")]
    result = reconcile(PREVIOUS, proposed, new_id=_ids())
    assert result.ids == ["TH-A", "N1", "TH-B", "TH-C"]
    split = [e for e in result.events if e.kind == "split"]
    assert len(split) == 1 and split[0].old == ("TH-A",) and set(split[0].new) == {"TH-A", "N1"}


def test_a_merge_keeps_the_larger_id_and_records_both_sources():
    proposed = [_set("a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4"), _set("c1", "c2", "c3")]
    result = reconcile(PREVIOUS, proposed, new_id=_ids())
    assert result.ids == ["TH-A", "TH-C"]
    merged = [e for e in result.events if e.kind == "merged"]
    assert len(merged) == 1 and merged[0].old == ("TH-A", "TH-B") and merged[0].new == ("TH-A",)


def test_new_and_gone_themes():
    proposed = [_set("a1", "a2", "a3", "a4", "a5"), _set("b1", "b2", "b3", "b4"), _set("z1", "z2", "c1")]
    result = reconcile(PREVIOUS, proposed, new_id=_ids())
    assert result.ids == ["TH-A", "TH-B", "N1"]
    kinds = {(e.kind, e.theme_id) for e in result.events}
    assert ("new", "N1") in kinds and ("gone", "TH-C") in kinds


def test_pinned_barriers_stay_in_their_theme():
    proposed = [_set("a1", "a2", "a3", "a4", "a5", "c1"), _set("b1", "b2", "b3", "b4"), _set("c2", "c3")]
    result = reconcile(PREVIOUS, proposed, pinned={"c1": "TH-C", "b4": "TH-C"}, new_id=_ids())
    assert result.themes["TH-C"] == _set("c1", "c2", "c3", "b4")
    assert "c1" not in result.themes["TH-A"] and "b4" not in result.themes["TH-B"]


def test_a_pinned_theme_survives_when_the_clustering_drops_it():
    proposed = [_set("a1", "a2", "a3", "a4", "a5", "c1", "c2", "c3"), _set("b1", "b2", "b3", "b4")]
    result = reconcile(PREVIOUS, proposed, pinned={"c2": "TH-C"}, new_id=_ids())
    assert result.themes["TH-C"] == _set("c2")


def test_first_run_gives_new_ids_in_order():
    result = reconcile({}, [_set("a"), _set("b")], new_id=_ids("T"))
    assert result.ids == ["T1", "T2"] and [e.kind for e in result.events] == ["new", "new"]
