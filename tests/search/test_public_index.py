"""The index's public flag over a real register: it follows publishing through the outbox, and an index
written before the flag existed is rebuilt when the register starts."""

import shutil

from whoosh import index
from whoosh.fields import Schema

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from kb.db import session_scope
from kb.models import BarrierUpdate
from kb.services.barriers import update_barrier
from search.whoosh.schema import build_schema, dutch_analyzer

CODE = "DR-2022-006"  # "Sociale dienst krijgt geen toegang tot Rijksregister …", not public in the demo


def _publish(rt, public: bool) -> None:
    with session_scope(rt.engine) as session:
        update_barrier(session=session, code=CODE, actor="test", data=BarrierUpdate(is_public=public))
    rt.after_commit()


def test_publishing_and_withdrawing_reach_the_index(rt):
    assert CODE in [h.code for h in rt.search.search("sociale dienst rijksregister").hits]
    assert rt.search.search("sociale dienst rijksregister", public_only=True).total == 0
    _publish(rt, True)
    found = rt.search.search("sociale dienst rijksregister", public_only=True)
    assert [h.code for h in found.hits] == [CODE] and found.total == 1
    assert rt.search.search("rijksregistr", public_only=True).suggestion == "rijksregister"
    _publish(rt, False)
    assert rt.search.search("sociale dienst rijksregister", public_only=True).total == 0
    assert rt.search.search("rijksregistr", public_only=True).suggestion is None
    assert rt.search.search("rijksregistr").suggestion == "rijksregister"


def _copy_with_an_index_from_before_the_public_flag(rt, tmp_path):
    """A copy of the register whose (empty) index has the fields of before the public flag."""
    home = tmp_path / "home"
    shutil.copytree(rt.settings.home, home)
    current = build_schema(dutch_analyzer())
    shutil.rmtree(home / "index")
    (home / "index").mkdir()
    old = Schema(**{name: current[name] for name in current.names() if name not in ("public", "public_words")})
    index.create_in(str(home / "index"), old)
    return home


def test_an_index_from_before_the_public_flag_is_rebuilt_at_start(rt, tmp_path):
    _publish(rt, True)
    home = _copy_with_an_index_from_before_the_public_flag(rt, tmp_path)
    started = Runtime(Settings(home=home))
    try:
        assert started.search.backend.stale  # seen, and rebuilt from the database before use
        assert started.search.status()["documents"] == rt.search.status()["documents"]
        assert [h.code for h in started.search.search("sociale dienst rijksregister", public_only=True).hits] == [CODE]
    finally:
        started.close()
    _publish(rt, False)


def test_reindex_builds_a_stale_index_once(rt, tmp_path):
    home = _copy_with_an_index_from_before_the_public_flag(rt, tmp_path)
    started = Runtime(Settings(home=home))
    started.repair_stale_index = False  # as `drempelbank reindex` and `restore` open it: they rebuild it themselves
    try:
        assert started.search.status()["documents"] == 0, "opened as it is, not rebuilt a first time"
        started.after_commit.rebuild()
        assert started.search.status()["documents"] == rt.search.status()["documents"]
    finally:
        started.close()
