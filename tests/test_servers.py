"""Several application servers on one PostgreSQL database (MULTI-PROCESS TEST: starts real servers).

Server A is `drempelbank serve --workers 2`, server B a second `drempelbank serve`, both on loopback
ports of this machine, against a throwaway PostgreSQL database with the postgres search backend:
what one writes the other finds, the login throttle and logout hold across them. Every wait is
bounded; the servers are stopped (by their own process id) whatever happens.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from drempelbank.setup import initialise
from kb.db import session_scope
from kb.services.users import create_token, create_user
from tests.pgtools import temporary_database

PASSWORD = "een-lang-testwachtwoord"
START_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen:
    command = [shutil.which("drempelbank") or str(Path(os.sys.executable).parent / "drempelbank"), "serve",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"server did not answer within {START_SECONDS}s: {log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: the uvicorn supervisor and its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    home = tmp_path_factory.mktemp("servers")
    with temporary_database("drempelbank_servers") as url:
        env = {**os.environ, "DATABASE_URL": url, "DREMPELBANK_HOME": str(home),
               "DREMPELBANK_SEARCH_BACKEND": "postgres", "DREMPELBANK_SECRET_KEY": "gedeelde-sleutel-voor-de-test"}
        settings = Settings(home=home, database_url=url, search_backend="postgres",
                            secret_key=env["DREMPELBANK_SECRET_KEY"])
        rt = Runtime(settings)
        initialise(rt, demo=False)
        with session_scope(rt.engine) as session:
            create_user(session=session, name="jurist", role="jurist", password=PASSWORD)
            create_user(session=session, name="team", role="programmateam", password=PASSWORD)
        with session_scope(rt.engine) as session:
            tokens = {name: create_token(session=session, name=name) for name in ("jurist", "team")}
        rt.close()
        ports = [_free_port(), _free_port()]
        processes = []
        try:
            for port, workers in zip(ports, (2, 1), strict=True):
                log = home / f"server-{port}.log"
                processes.append(_start(env, port, workers, log))
                _wait_healthy(f"http://127.0.0.1:{port}", processes[-1], log)
            yield [f"http://127.0.0.1:{p}" for p in ports], tokens
        finally:
            for process in processes:
                _stop(process)


def _api(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _csrf(client: httpx.Client, url: str = "/aanmelden") -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get(url).text).group(1)


def test_an_edit_through_one_server_is_found_through_the_other(servers):
    (a, b), tokens = servers
    body = {"code": "DR-2040-001", "title": "Aanplakking van het bouwaanvraagbericht op papier",
            "description": "De gemeente moet de aanvraag aanplakken; een digitale bekendmaking volstaat niet.",
            "kind": "juridisch"}
    with _api(a, tokens["jurist"]) as on_a, _api(b, tokens["jurist"]) as on_b:
        assert on_a.post("/api/barriers", json=body).status_code == 201
        seen = on_b.get("/api/barriers/DR-2040-001")
        assert seen.status_code == 200 and seen.json()["barrier"]["title"] == body["title"]
        changed = on_b.patch("/api/barriers/DR-2040-001", json={"title": "Aanplakking enkel op papier", "version": 1})
        assert changed.status_code == 200, changed.text
        for _ in range(4):  # server A has two workers: ask more than once
            barrier = on_a.get("/api/barriers/DR-2040-001").json()["barrier"]
            assert (barrier["title"], barrier["version"]) == ("Aanplakking enkel op papier", 2)
        stale = on_a.patch("/api/barriers/DR-2040-001", json={"title": "Te laat", "version": 1})
        assert stale.status_code == 409
        hits = on_a.get("/api/search", params={"q": "aanplakking"}).json()["hits"]
        assert "DR-2040-001" in [h["code"] for h in hits]


def test_health_answers_while_a_large_import_preview_runs(servers):
    """The preview reads the file off the event loop: a one-worker server still answers meanwhile."""
    (_a, b), _tokens = servers
    rows = "".join(f"DR-2041-{i:05d},Drempel {i},Beschrijving van drempel {i},juridisch\n" for i in range(8000))
    content = ("code,title,description,kind\n" + rows).encode()
    with httpx.Client(base_url=b, timeout=300) as team, httpx.Client(base_url=b, timeout=300) as probe:
        assert team.post("/aanmelden", data={"csrf": _csrf(team), "name": "team", "password": PASSWORD}).status_code == 303
        csrf = _csrf(team, "/importeren")
        result = {}

        def preview():
            result["response"] = team.post("/importeren", data={"csrf": csrf, "kind": "drempels"},
                                           files={"file": ("veel.csv", content, "text/csv")})

        worker = threading.Thread(target=preview)
        worker.start()
        time.sleep(1.0)  # the upload itself takes milliseconds on loopback; the preview takes seconds
        assert probe.get("/healthz").status_code == 200
        answered_during_preview = worker.is_alive()
        worker.join(timeout=300)
        assert result["response"].status_code == 200 and "8000" in result["response"].text.replace(".", "")
        assert answered_during_preview, "the health check waited for the preview to finish"


def test_login_throttle_and_logout_hold_across_servers(servers):
    (a, b), _tokens = servers
    with httpx.Client(base_url=a, timeout=30) as on_a, httpx.Client(base_url=b, timeout=30) as on_b:
        for _ in range(5):
            wrong = on_a.post("/aanmelden", data={"csrf": _csrf(on_a), "name": "team", "password": "fout"})
            assert wrong.status_code == 400
        blocked = on_b.post("/aanmelden", data={"csrf": _csrf(on_b), "name": "team", "password": PASSWORD})
        assert blocked.status_code == 429
        signed_in = on_a.post("/aanmelden", data={"csrf": _csrf(on_a), "name": "jurist", "password": PASSWORD})
        assert signed_in.status_code == 303
        on_b.cookies.set("drempelbank_sessie", on_a.cookies.get("drempelbank_sessie"))
        assert on_b.get("/drempels").status_code == 200
        assert on_a.post("/afmelden", data={"csrf": _csrf(on_a, "/drempels")}).status_code == 303
        assert on_b.get("/drempels").status_code == 303
