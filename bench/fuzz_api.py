"""Fuzz the JSON API from its own OpenAPI description with schemathesis, against a real server.

Every operation of /openapi.json gets generated requests (valid and invalid ones), sent anonymously
and with a Bearer token of each role; each answer is checked for two things: no server error (5xx)
and a body that matches the schema the API itself publishes for that status. Prints the number of
requests and every failure, writes bench/results/fuzz.json.

    .venv/bin/python bench/fuzz_api.py [--examples 60]     # >= 1,000 requests in all
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server import ROLES, prepare_register, running_server  # noqa: E402

CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz(base: str, tokens: dict[str, str], examples: int, seed: int = 20261203) -> dict:
    """`examples` generated cases per operation and identity; failures are collected, not raised."""
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    identities = {"anoniem": {}, **{role: {"Authorization": f"Bearer {tokens[role]}"} for role in ROLES}}
    sent: Counter = Counter()
    failures: list[dict] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for who, headers in identities.items():
            _fuzz_operation(operation, base, who, headers, examples, seed, sent, failures)
    return {"requests": sum(sent.values()), "per_identity": dict(sent), "examples_per_operation": examples,
            "failures": failures}


def _fuzz_operation(operation, base, who, headers, examples, seed, sent, failures) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: report, don't minimise
              suppress_health_check=list(HealthCheck))
    def one(case):
        response = case.call(base_url=base, headers=headers, timeout=60)
        sent[who] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a group of failed checks
            if len(failures) < 200:
                failures.append({"operation": label, "identity": who, "status": response.status_code,
                                 "request": f"{case.method} {case.formatted_path} {case.query or ''}",
                                 "body": str(case.body)[:300], "problem": str(exc)[:800]})

    one()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60, help="cases per operation and identity")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "fuzz.json"), help="'-' writes nothing")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="drempelbank-fuzz-") as tmp:
        home = Path(tmp)
        tokens = prepare_register(home)
        with running_server(home) as base:
            report = fuzz(base, tokens, args.examples)
    print(f"{report['requests']} verzoeken {report['per_identity']}; {len(report['failures'])} fouten")
    for failure in report["failures"][:30]:
        print(f"  {failure['identity']:13} {failure['operation']} -> {failure['status']}: "
              f"{failure['problem'][:300]}")
    if args.out != "-":
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
