"""A real server in its own process, driven from this one: the short forms of bench/load.py and
bench/fuzz_api.py (the full runs are in bench/; figures are never asserted here)."""

import pytest

from bench.load import demo_codes, run_against
from bench.server import prepare_register, running_server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    home = tmp_path_factory.mktemp("served")
    tokens = prepare_register(home)
    codes = demo_codes(home)
    with running_server(home) as base:
        yield base, tokens, codes


def test_short_load_run_has_no_errors(served):
    base, tokens, codes = served
    report = run_against(base, tokens, codes, readers=6, writers=2, seconds=4)
    assert report["errors"] == 0, report["error_examples"]
    kinds = report["kinds"]
    assert {"api_search", "barrier_page", "create", "update"} <= set(kinds), kinds
    assert all(k["requests"] > 0 for k in kinds.values())


def test_short_api_fuzz_finds_no_server_error_or_schema_break(served):
    from bench.fuzz_api import fuzz

    base, tokens, _codes = served
    report = fuzz(base, tokens, examples=2)
    assert report["requests"] >= 100  # every operation, anonymously and with each role
    assert not report["failures"], report["failures"][:3]
