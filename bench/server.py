"""A real `drempelbank serve` in its own process on loopback, with an account and token per role.

Shared by the load run (bench/load.py), the HTTP figures of bench/bench_web.py and the API fuzzing
(bench/fuzz_api.py), so all of them measure the server as it is deployed, not an in-process client.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

ROOT = Path(__file__).resolve().parents[1]
ROLES = ("lezer", "jurist", "programmateam", "beheerder")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_register(home: Path, *, demo: bool = True) -> dict[str, str]:
    """Initialise `home` (demo data unless told otherwise) and return a Bearer token per role."""
    sys.path.insert(0, str(ROOT))
    from drempelbank.config import Settings
    from drempelbank.runtime import Runtime
    from drempelbank.setup import initialise
    from kb.db import session_scope
    from kb.errors import NotFound
    from kb.services.users import create_token, create_user, get_user

    rt = Runtime(Settings(home=home))
    try:
        initialise(rt, demo=demo)
        tokens = {}
        with session_scope(rt.engine) as session:
            for role in ROLES:
                name = f"bench-{role}"
                try:
                    get_user(session, name)
                except NotFound:
                    create_user(session=session, name=name, role=role, password=f"{name}-wachtwoord")
                tokens[role] = create_token(session=session, name=name)
        return tokens
    finally:
        rt.close()


@contextmanager
def running_server(home: Path, *, port: int | None = None, env: dict | None = None,
                   startup_s: float = 120.0, warmed: bool = False) -> Iterator[str]:
    """`drempelbank serve` on 127.0.0.1 in a child process; yields its base URL, stops it afterwards.
    With `warmed`, only once /healthz says the caches are filled (`opgewarmd`): a bench then measures
    the server as it runs after its first seconds, not its start-up work beside the requests."""
    port = port or free_port()
    command = [str(Path(sys.executable).parent / "drempelbank"), "serve", "--home", str(home),
               "--host", "127.0.0.1", "--port", str(port)]
    log = (home / "server.log").open("ab")  # a file, not a pipe: a full pipe would stall the server
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, base, startup_s, home / "server.log", warmed)
        yield base
    finally:
        log.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(process: subprocess.Popen, base: str, startup_s: float, log: Path, warmed: bool) -> None:
    deadline = time.monotonic() + startup_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped at start-up: {log.read_text(errors='replace')[-2000:]}")
        try:
            health = httpx.get(f"{base}/healthz", timeout=2)
            if health.status_code == 200 and (not warmed or health.json().get("opgewarmd")):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer /healthz within {startup_s} s")
