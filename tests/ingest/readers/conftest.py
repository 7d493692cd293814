"""Session fixtures: each real sample is read once for all reader tests."""

import sys
from pathlib import Path

import pytest
from reader_samples import AWB, EURLEX, GEMW, JUSTEL

# tests/ingest has no __init__.py, so once tests/ is on sys.path it would be taken
# for the ingest package; the project root must come first.
_ROOT = str(Path(__file__).resolve().parents[3])
if sys.path[:1] != [_ROOT]:
    sys.path.insert(0, _ROOT)
for _name in [n for n in sys.modules if n == "ingest" or n.startswith("ingest.")]:
    if getattr(sys.modules[_name], "__file__", None) is None:
        del sys.modules[_name]

from ingest.readers.bwb import read_bwb  # noqa: E402  (after the module cleanup above)
from ingest.readers.eurlex import read_eurlex  # noqa: E402
from ingest.readers.justel import read_justel  # noqa: E402


@pytest.fixture(scope="session")
def strafwetboek() -> dict:
    return read_justel(JUSTEL)


@pytest.fixture(scope="session")
def avg() -> dict:
    return read_eurlex(EURLEX)


@pytest.fixture(scope="session")
def awb() -> dict:
    return read_bwb(AWB)


@pytest.fixture(scope="session")
def gemeentewet() -> dict:
    return read_bwb(GEMW)
