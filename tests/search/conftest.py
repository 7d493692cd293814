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
