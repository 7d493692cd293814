"""Where a request's CPU time goes: cProfile over the real app in-process (no HTTP, no other process).

Profiles `GET /drempels/{code}` (first view: the similar cache is emptied before each request),
`POST /api/check-duplicate` and `GET /api/search` on a register built by bench/bench_web_http.py,
and prints the functions with the most cumulative time, plus the CPU ms per request.

    .venv/bin/python bench/profile_requests.py --home /tmp/register-20000 --barriers 20000 [--what page]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dekamer import barrier_records, theme_queries  # noqa: E402
from bench.server import prepare_register  # noqa: E402


def requests_for(what: str, records: list[dict], queries: list[str], n: int, rng: random.Random):
    if what == "page":
        return [("GET", f"/drempels/{rng.choice(records)['code']}", {}) for _ in range(n)]
    if what == "duplicate":
        return [("POST", "/api/check-duplicate", {"json": {"title": r["title"], "description": r["description"]}})
                for r in (rng.choice(records) for _ in range(n))]
    return [("GET", "/api/search", {"params": {"q": q, "limit": 20}}) for q in queries[:n]]


def profile_threadpool(profile: cProfile.Profile) -> None:
    """FastAPI runs sync routes and dependencies in worker threads, which cProfile does not follow:
    profile inside each call handed to the thread pool."""
    import fastapi.dependencies.utils
    import fastapi.routing

    original = fastapi.routing.run_in_threadpool

    async def profiled(func, *args, **kwargs):
        def run():
            profile.enable()
            try:
                return func(*args, **kwargs)
            finally:
                profile.disable()
        return await original(run)

    fastapi.routing.run_in_threadpool = profiled
    fastapi.dependencies.utils.run_in_threadpool = profiled


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--barriers", type=int, required=True)
    parser.add_argument("--what", choices=("page", "duplicate", "search"), default="page")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--warm", action="store_true", help="run the requests once before profiling them")
    args = parser.parse_args(argv)
    from fastapi.testclient import TestClient

    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime
    from drempelbank.setup import build_app

    token = prepare_register(args.home, demo=False)["lezer"]
    rt = Runtime(Settings(home=args.home))
    client = TestClient(build_app(rt), headers={"Authorization": f"Bearer {token}",
                                                  "X-Requested-With": "fetch"})
    # One event loop for all requests, as in a running server: its worker threads (and their
    # per-thread searchers) are reused. Without it every request gets a new loop and new threads.
    client.__enter__()
    rng = random.Random(5)
    records, queries = barrier_records(args.barriers), theme_queries(args.requests)
    for method, url, kwargs in requests_for(args.what, records, queries, 3, random.Random(1)):
        client.request(method, url, **kwargs)  # start-up: pipeline, searcher
    todo = requests_for(args.what, records, queries, args.requests, rng)
    if args.warm:  # a running server has seen these words before: caches of analysis warm
        for method, url, kwargs in todo:
            client.request(method, url, **kwargs)
    profile, cpu = cProfile.Profile(), []
    profile_threadpool(profile)
    for method, url, kwargs in todo:
        rt.search._similar.__init__(rt.search._similar._size)  # first view, every time
        start = time.process_time()
        response = client.request(method, url, **kwargs)
        cpu.append(time.process_time() - start)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
    cpu.sort()
    print(f"{args.what}: {len(cpu)} requests, CPU p50 {cpu[len(cpu) // 2] * 1000:.1f} ms "
          f"p95 {cpu[int(len(cpu) * 0.95)] * 1000:.1f} ms (profiled, so slower than unprofiled)")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    client.__exit__(None, None, None)
    rt.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
