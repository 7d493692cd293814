"""What the importer property tests share: one migrated SQLite register per module (hypothesis runs
hundreds of examples against it; each example checks that nothing was half-written)."""

import pytest

from kb.db import make_engine, migrate


@pytest.fixture(scope="module")
def property_engine(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('props') / 'register.db'}")
    migrate(engine)
    yield engine
    engine.dispose()
