"""Request-path figures over real HTTP on the Chamber's written questions, beside SQLite FTS5.

Builds (or reuses, with --home) a register of `--barriers` barriers made from the Belgian Chamber's
questions of 2017 (bench/dekamer.py: the 3,811 real questions, recombined beyond that), imported
through ingest.barrier_import and indexed by the search service. Then, in one run: a real
`drempelbank serve` in its own process, timed from this process over loopback (/healthz, /api/search,
the barrier page, /api/check-duplicate) once /healthz says its start-up caches are filled (`opgewarmd`:
the indexed records' analysed words and semantic vectors), the same queries through the Whoosh backend
in-process (caches filled the same way), and SQLite FTS5 in-process on the same texts and queries.
Writes bench/results/web_http_<N>.json.

    .venv/bin/python bench/bench_web_http.py --barriers 3811
    .venv/bin/python bench/bench_web_http.py --barriers 20000 --home /tmp/register-20000   # build once, reuse
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_search import bench_fts5, timed  # noqa: E402
from bench.dekamer import barrier_records, theme_queries, write_barriers  # noqa: E402
from bench.server import prepare_register, running_server  # noqa: E402


# How long the server may take to start and fill its caches (a first start at 20,000 records embeds them all).
WARM_UP_S = 3600.0


def percentiles(samples: list[float]) -> dict:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1000, 2), "p95_ms": round(cuts[94] * 1000, 2), "requests": len(samples)}


def build_register(home: Path, count: int) -> dict:
    """Import and index `count` barriers unless `home` already holds them."""
    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime
    from ingest.barrier_import import import_barriers

    marker = home / f"bench-{count}.done"
    tokens = prepare_register(home, demo=False)
    if marker.exists():
        return {"tokens": tokens, "reused": True}
    write_barriers(home / "barriers.jsonl", count)
    rt = Runtime(Settings(home=home))
    try:
        start = time.perf_counter()
        report = import_barriers(engine=rt.engine, path=home / "barriers.jsonl", actor="bench")
        imported = time.perf_counter() - start
        start = time.perf_counter()
        rt.after_commit()
        indexed = time.perf_counter() - start
    finally:
        rt.close()
    marker.write_text("ok")
    return {"tokens": tokens, "reused": False, "created": report.created, "import_s": round(imported, 1),
            "index_s": round(indexed, 1)}


def server_cpu_s(port: int) -> float:
    """CPU seconds used so far by the `drempelbank serve` listening on `port` (all its threads), read
    from /proc: unlike wall time, hardly disturbed by other work on a shared machine."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            if b"serve" in args and str(port).encode() in args:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    raise RuntimeError(f"no server process on port {port}")


def timed_http(client: httpx.Client, requests: list[tuple[str, str, dict]]) -> dict:
    samples = []
    port = client.base_url.port
    cpu_start = server_cpu_s(port)
    for method, url, kwargs in requests:
        start = time.perf_counter()
        response = client.request(method, url, **kwargs)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:200]}")
    server_ms = (server_cpu_s(port) - cpu_start) * 1000 / len(requests)
    return {**percentiles(samples), "server_cpu_ms_mean": round(server_ms, 2)}


def http_figures(base: str, token: str, codes: list[str], queries: list[str], records: list[dict],
                 n: int, rng: random.Random) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        for url in ("/healthz", f"/api/search?q={queries[0]}", f"/drempels/{codes[0]}"):
            client.get(url)  # first use loads the Dutch pipeline and opens the index: start-up, not a request
        dup = [rng.choice(records) for _ in range(n)]
        searches = [("GET", "/api/search", {"params": {"q": q, "limit": 20}}) for q in queries]
        return {
            "healthz": timed_http(client, [("GET", "/healthz", {})] * n),
            "api_search": timed_http(client, searches),
            # The same queries again: the query words' analysis the first round cached, as on a server that
            # has been up for a while (no answer is cached: every search runs again).
            "api_search_warm": timed_http(client, searches),
            "barrier_page": timed_http(client, [("GET", f"/drempels/{rng.choice(codes)}", {}) for _ in range(n)]),
            "check_duplicate": timed_http(client, [("POST", "/api/check-duplicate",
                                                    {"json": {"title": r["title"], "description": r["description"]}})
                                                   for r in dup]),
        }


def in_process_whoosh(home: Path, queries: list[str]) -> dict:
    """The same queries through the service and the backend, without HTTP: what the request path adds."""
    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime

    rt = Runtime(Settings(home=home))
    try:
        rt.warm_up()  # as `serve` does at start
        rt.search.search(queries[0])
        service = timed(lambda q: rt.search.search(q, page_size=20), queries)
        backend = timed(lambda q: rt.search.backend.search(rt.search.parse(q), types=["barrier"], page_size=20),
                        queries)
        return {"service_search": service, "backend_search": backend}
    finally:
        rt.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--barriers", type=int, default=3811)
    parser.add_argument("--requests", type=int, default=200, help="queries and page views per figure")
    parser.add_argument("--home", type=Path, help="build the register here once and reuse it")
    parser.add_argument("--out", help="default bench/results/web_http_<barriers>.json")
    args = parser.parse_args(argv)
    rng = random.Random(5)
    queries = theme_queries(args.requests)
    records = barrier_records(args.barriers)
    codes = [r["code"] for r in records]
    with tempfile.TemporaryDirectory(prefix="drempelbank-webhttp-") as tmp:
        home = args.home or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        built = build_register(home, args.barriers)
        started = time.perf_counter()
        # the first start of a register embeds every record for the sentence encoder (search/encoder.py): ~0.1 s
        # of CPU each, once; later starts read the vectors from the semantic cache folder
        with running_server(home, warmed=True, startup_s=WARM_UP_S) as base:
            warm_up_s = round(time.perf_counter() - started, 1)
            http = http_figures(base, built["tokens"]["lezer"], codes, queries, records, args.requests, rng)
        inproc = in_process_whoosh(home, queries)
        docs = [SimpleNamespace(title=r["title"], body=r["description"]) for r in records]
        fts5 = bench_fts5(docs, queries, Path(tmp))
    report = {"command": "python bench/bench_web_http.py " + " ".join(argv or sys.argv[1:]),
              "barriers": args.barriers, "cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2),
              "register": {k: v for k, v in built.items() if k != "tokens"}, "start_until_warm_s": warm_up_s,
              "http": http, "in_process": inproc,
              "fts5": fts5["query"],
              "api_search_p95_over_fts5_p95": round(http["api_search"]["p95_ms"] / max(fts5["query"]["p95_ms"], 0.01), 1),
              "api_search_warm_p95_over_fts5_p95": round(
                  http["api_search_warm"]["p95_ms"] / max(fts5["query"]["p95_ms"], 0.01), 1),
              # The floor: an HTTP request that does no work at all, beside the same FTS5 query.
              "healthz_p95_over_fts5_p95": round(http["healthz"]["p95_ms"] / max(fts5["query"]["p95_ms"], 0.01), 1),
              # CPU time, in-process both: what the search service costs beside FTS5, load or not.
              "service_search_cpu_p95_over_fts5_cpu_p95": round(
                  inproc["service_search"]["cpu_p95_ms"] / max(fts5["query"]["cpu_p95_ms"], 0.01), 1)}
    print_report(report)
    out = Path(args.out or ROOT / "bench" / "results" / f"web_http_{args.barriers}.json")
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"geschreven: {out}")
    return 0


def print_report(report: dict) -> None:
    print(f"{report['barriers']} drempels (load {report['load_avg_1m']}), register {report['register']}, "
          f"start tot opgewarmd {report['start_until_warm_s']} s")
    for name, f in {**report["http"], **report["in_process"], "fts5": report["fts5"]}.items():
        cpu = (f"   server CPU {f['server_cpu_ms_mean']:7.2f} ms/verzoek" if "server_cpu_ms_mean" in f
               else f"   CPU p50 {f['cpu_p50_ms']:7.2f} p95 {f['cpu_p95_ms']:7.2f} ms")
        print(f"  {name:17} p50 {f['p50_ms']:8.2f} ms   p95 {f['p95_ms']:8.2f} ms{cpu}")
    print(f"  /api/search p95 / FTS5 p95 = {report['api_search_p95_over_fts5_p95']} (warm "
          f"{report['api_search_warm_p95_over_fts5_p95']}); CPU p95 zoekdienst / FTS5 = "
          f"{report['service_search_cpu_p95_over_fts5_cpu_p95']}; /healthz p95 / FTS5 p95 = "
          f"{report['healthz_p95_over_fts5_p95']}")


if __name__ == "__main__":
    raise SystemExit(main())
