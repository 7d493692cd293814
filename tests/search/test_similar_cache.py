"""Similar records are kept per index generation: a write by any process shows on the next page view."""


from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from kb.db import session_scope
from kb.models import BarrierCreate
from kb.services.barriers import create_barrier, get_barrier
from kb.validation import validate


def _copy_of(rt, code: str, new_code: str) -> None:
    with session_scope(rt.engine) as session:
        original = get_barrier(session, code)
        data = validate(BarrierCreate, {"code": new_code, "title": original.title,
                                        "description": original.description, "kind": "juridisch"})
        create_barrier(session=session, data=data, actor="test")


def test_a_new_near_copy_appears_after_the_index_changed(rt):
    first = rt.search.similar("DR-2022-001", limit=5)
    assert rt.search.similar("DR-2022-001", limit=5) == first  # served again, same answer
    generation = rt.search.backend.generation()
    _copy_of(rt, "DR-2022-001", "DR-2099-101")
    rt.after_commit()
    assert rt.search.backend.generation() != generation
    again = rt.search.similar("DR-2022-001", limit=5)
    assert again[0]["code"] == "DR-2099-101"


def test_a_write_by_another_process_is_seen(rt):
    rt.search.similar("DR-2022-002", limit=5)
    other = Runtime(Settings(home=rt.settings.home))  # a second service on the same index, as a CLI import
    try:
        _copy_of(other, "DR-2022-002", "DR-2099-102")
        other.after_commit()
    finally:
        other.close()
    assert rt.search.similar("DR-2022-002", limit=5)[0]["code"] == "DR-2099-102"


def test_what_a_running_service_answers_after_writes_is_what_a_fresh_one_computes(rt):
    """Frequencies and texts kept between calls (per segment, per text) never make an answer stale:
    after writes, the long-running service and a freshly opened one give the same similar records."""
    for code in ("DR-2022-003", "DR-2023-001"):
        rt.search.similar(code, limit=8)
    _copy_of(rt, "DR-2023-001", "DR-2099-103")
    rt.after_commit()
    fresh = Runtime(Settings(home=rt.settings.home))
    try:
        for code in ("DR-2022-003", "DR-2023-001", "DR-2099-103"):
            assert rt.search.similar(code, limit=8) == fresh.search.similar(code, limit=8)
            assert rt.search.check_duplicate("Handtekening", "Een papieren handtekening wordt gevraagd.") == \
                fresh.search.check_duplicate("Handtekening", "Een papieren handtekening wordt gevraagd.")
    finally:
        fresh.close()
