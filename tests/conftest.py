"""Shared fixtures: a real SQLite file per test and a real PostgreSQL database per test run.

PostgreSQL is this machine's server on 127.0.0.1:5432 (trust auth); `.ci/run` starts it.
Each run gets its own database, dropped at the end.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlmodel import SQLModel

from kb.db import make_engine, migrate
from tests.pgtools import temporary_database

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"

# The semantic model is learned from shipped texts only (never from a register), so every test register and
# every CLI subprocess of the run shares one cache folder instead of learning it again per test home.
os.environ.setdefault("DREMPELBANK_SEMANTIC_CACHE", str(Path(tempfile.gettempdir()) / "drempelbank-tests-semantic"))
# The sentence encoder (search/encoder.py) embeds every record of a register once, ~0.1 s of CPU each: a served
# demo register is a minute or more of both cores. The suite runs the product with LSA alone by default; the tests
# of the encoder turn it on where they test it (tests/search/test_encoder.py, the backend contract's warm-up on both
# backends, `doctor`, the web API in tests/web/test_encoder_web.py).
os.environ.setdefault("DREMPELBANK_SEMANTIC_ENCODER", "0")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    with temporary_database("drempelbank_test") as url:
        yield url


@pytest.fixture(scope="session")
def pg_engine(pg_url) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path) -> Iterator[Engine]:
    """A migrated, empty database of each kind; `kb` and import tests run against both."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'register.db'}")
        migrate(engine)
        yield engine
        engine.dispose()
    else:
        pg = request.getfixturevalue("pg_engine")
        _truncate(pg)
        yield pg


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """A second, empty SQLite register (e.g. the target of an export/import round trip)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def register(engine) -> Engine:
    """A database of each kind holding the shipped reference data (municipalities, regulations)."""
    from ingest.corpus import load_reference

    load_reference(engine=engine, corpus=CORPUS)
    return engine


@pytest.fixture(scope="session")
def shipped_semantic_ranker():
    """The semantic ranker learned from the legislation shipped in corpus/ (no Chamber texts), once per run."""
    from search.semantic import SemanticModel, SemanticRanker, training_texts

    model = SemanticModel.train(training_texts(CORPUS))
    return SemanticRanker(lambda: model)
