"""Load run: concurrent readers and writers against a real server on loopback, from another process.

The server (`drempelbank serve`, one process) runs on the demo register; this process drives it with
`--readers` clients that search, list and open barriers and `--writers` clients that create and edit
barriers through the JSON API, for `--seconds` (every loop is bounded in time and in count). Any
status >= 400 other than an expected 409 (a concurrent edit) or any transport error counts as an
error. Prints p50/p95 per kind of request and the error counts, writes bench/results/load.json.

    .venv/bin/python bench/load.py                       # 50 readers, 5 writers, 60 s
    .venv/bin/python bench/load.py --readers 8 --writers 2 --seconds 5 --out -   # the CI form
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server import prepare_register, running_server  # noqa: E402

QUERIES = ["handtekening", "aangetekende zending", "art. 285 DLB", "e-loket", "bekendmaking gemeenteraad",
           "rijksregister", "digitaal archief", "betaling retributie", "volmacht", "AVG", "handtekenig"]
MAX_REQUESTS_PER_CLIENT = 100_000  # a second bound beside the clock


class Tally:
    def __init__(self):
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.examples: list[str] = []

    def record(self, kind: str, seconds: float, status: int | None, detail: str = "") -> None:
        self.latencies[kind].append(seconds)
        if status is None or (status >= 400 and status != 409):
            self.errors[kind] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{kind}: {status} {detail[:200]}")


async def timed(client: httpx.AsyncClient, tally: Tally, kind: str, method: str, url: str, **kwargs):
    start = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        tally.record(kind, time.perf_counter() - start, None, repr(exc))
        return None
    tally.record(kind, time.perf_counter() - start, response.status_code,
                 response.text if response.status_code >= 400 else "")
    return response


async def reader(client: httpx.AsyncClient, tally: Tally, codes: list[str], deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            return
        pick = rng.random()
        if pick < 0.4:
            await timed(client, tally, "api_search", "GET", "/api/search", params={"q": rng.choice(QUERIES)})
        elif pick < 0.7:
            await timed(client, tally, "barrier_page", "GET", f"/drempels/{rng.choice(codes)}")
        elif pick < 0.9:
            await timed(client, tally, "list_page", "GET", "/drempels", params={"page": rng.randint(1, 3)})
        else:
            await timed(client, tally, "api_barrier", "GET", f"/api/barriers/{rng.choice(codes)}")


async def writer(client: httpx.AsyncClient, tally: Tally, number: int, deadline: float,
                 writes: int = MAX_REQUESTS_PER_CLIENT) -> None:
    for n in range(writes):
        if time.monotonic() >= deadline:
            return
        code = f"DR-2099-{number:02d}{n:04d}"
        body = {"code": code, "title": f"Belastingtest {number}-{n}: papieren aanvraag met handtekening",
                "description": "Het reglement vraagt een ondertekend papieren formulier; het e-loket kan de "
                               "aanvraag niet volledig digitaal afhandelen (art. 285 DLB).",
                "kind": "juridisch", "level": "lokaal", "status": "gemeld"}
        created = await timed(client, tally, "create", "POST", "/api/barriers", json=body)
        if created is None or created.status_code != 201:
            continue
        version = created.json().get("barrier", {}).get("version", 1)
        await timed(client, tally, "update", "PATCH", f"/api/barriers/{code}",
                    json={"version": version, "description": body["description"] + " Bijgewerkt."})


async def warm_up(rc: httpx.AsyncClient, wc: httpx.AsyncClient, codes: list[str]) -> None:
    """One request of each kind first, uncounted: a server loads its Dutch pipeline and opens its index
    on first use, which is start-up, not load."""
    ignored = Tally()
    for url in ("/api/search?q=handtekening", f"/drempels/{codes[0]}", "/drempels", f"/api/barriers/{codes[0]}"):
        await timed(rc, ignored, "warm", "GET", url)
    await writer(wc, ignored, 99, time.monotonic() + 120, writes=1)


async def drive(base: str, tokens: dict[str, str], codes: list[str], readers: int, writers: int,
                seconds: float) -> Tally:
    tally = Tally()
    # Idle connections are dropped before uvicorn's 5 s keep-alive ends: reusing one the server is
    # closing at that moment fails with a ReadError that says nothing about the server.
    limits = httpx.Limits(max_connections=readers + writers + 5, keepalive_expiry=2.0)
    timeout = httpx.Timeout(60.0)
    read_headers = {"Authorization": f"Bearer {tokens['lezer']}"}
    write_headers = {"Authorization": f"Bearer {tokens['jurist']}"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout, headers=read_headers) as rc, \
            httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout, headers=write_headers) as wc:
        await warm_up(rc, wc, codes)
        deadline = time.monotonic() + seconds
        await asyncio.gather(*[reader(rc, tally, codes, deadline, seed) for seed in range(readers)],
                             *[writer(wc, tally, number, deadline) for number in range(writers)])
    return tally


def summary(tally: Tally, seconds: float) -> dict:
    kinds = {}
    for kind, samples in sorted(tally.latencies.items()):
        cuts = statistics.quantiles(samples, n=20) if len(samples) > 1 else samples * 19
        kinds[kind] = {"requests": len(samples), "errors": tally.errors[kind],
                       "p50_ms": round(statistics.median(samples) * 1000, 1), "p95_ms": round(cuts[18] * 1000, 1)}
    total = sum(len(s) for s in tally.latencies.values())
    return {"requests": total, "errors": sum(tally.errors.values()), "requests_per_s": round(total / seconds, 1),
            "kinds": kinds, "error_examples": tally.examples}


def demo_codes(home: Path) -> list[str]:
    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime
    from kb.models import Barrier
    from sqlmodel import Session, select

    rt = Runtime(Settings(home=home))
    try:
        with Session(rt.engine) as session:
            return list(session.exec(select(Barrier.code)))
    finally:
        rt.close()


def run(readers: int, writers: int, seconds: float) -> dict:
    """A fresh demo register, its server, and the load against it."""
    with tempfile.TemporaryDirectory(prefix="drempelbank-load-") as tmp:
        home = Path(tmp)
        tokens = prepare_register(home)
        codes = demo_codes(home)
        with running_server(home, warmed=True) as base:
            return run_against(base, tokens, codes, readers, writers, seconds)


def run_against(base: str, tokens: dict[str, str], codes: list[str], readers: int, writers: int,
                seconds: float) -> dict:
    """The load against a running server (the CI test shares one server with the API fuzzing)."""
    started = time.monotonic()
    tally = asyncio.run(drive(base, tokens, codes, readers, writers, seconds))
    elapsed = time.monotonic() - started
    # The machine is shared: keep its load beside the figures.
    return {"readers": readers, "writers": writers, "seconds": seconds, "load_avg_1m": round(os.getloadavg()[0], 2),
            **summary(tally, elapsed)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load.json"), help="'-' writes nothing")
    args = parser.parse_args(argv)
    report = run(args.readers, args.writers, min(args.seconds, 600.0))
    print(f"{report['readers']} lezers, {report['writers']} schrijvers, {report['seconds']} s: "
          f"{report['requests']} verzoeken ({report['requests_per_s']}/s), {report['errors']} fouten")
    for kind, k in report["kinds"].items():
        print(f"  {kind:13} {k['requests']:6} verzoeken  p50 {k['p50_ms']:7.1f} ms  p95 {k['p95_ms']:7.1f} ms  "
              f"fouten {k['errors']}")
    for example in report["error_examples"]:
        print("  fout:", example)
    if args.out != "-":
        Path(args.out).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
