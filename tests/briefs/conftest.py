"""A demo register for the brief tests: the shipped reference data and the 50 demo barriers."""

import pytest
from sqlalchemy import Engine

from ingest.corpus import load_demo, load_reference
from kb.db import make_engine, migrate
from tests.conftest import CORPUS


def load(engine: Engine) -> Engine:
    report = load_reference(engine=engine, corpus=CORPUS)
    load_demo(engine=engine, corpus=CORPUS, report=report)
    return engine


@pytest.fixture
def demo(engine) -> Engine:
    """The demo register on SQLite and on PostgreSQL."""
    return load(engine)


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory) -> Engine:
    """One demo register on SQLite per module (the format tests only read it)."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('briefs') / 'register.db'}")
    migrate(engine)
    yield load(engine)
    engine.dispose()
