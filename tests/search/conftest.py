"""Fixtures of the search tests."""

import pytest

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from drempelbank.setup import initialise


@pytest.fixture(scope="module")
def rt(tmp_path_factory):
    """A register initialised with the demo data, its own for each test module (modules change it)."""
    runtime = Runtime(Settings(home=tmp_path_factory.mktemp("register")))
    initialise(runtime, demo=True)
    yield runtime
    runtime.close()


# -- PostgreSQL search backends (tests/search/test_postgres_*.py) --------------------------------------


@pytest.fixture(scope="module")
def search_db_url():
    """A throwaway database on the local server, one per test module."""
    from tests.pgtools import temporary_database

    with temporary_database("drempelbank_pgsearch") as url:
        yield url


@pytest.fixture(scope="module")
def shared_engine(search_db_url):
    from sqlalchemy import create_engine

    engine = create_engine(search_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def make_backend(search_db_url, shared_engine):
    """A factory of PostgreSQL backends, each on a fresh table unless `table` is given."""
    import uuid

    from search.postgres.backend import PostgresBackend

    opened = []

    def make(**kwargs):
        kwargs.setdefault("table", f"s_{uuid.uuid4().hex[:12]}")
        kwargs.setdefault("engine", shared_engine)
        backend = PostgresBackend(search_db_url, **kwargs)
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.close()
