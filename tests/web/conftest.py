"""A real register for the web tests: drempelbank.setup builds it (demo data, search index), one per module."""

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from drempelbank.setup import build_app, initialise
from kb.db import session_scope
from kb.services.users import create_token, create_user, set_password

ROLES = ("lezer", "jurist", "programmateam", "beheerder")
PASSWORD = "een-lang-testwachtwoord"
_TEMPLATE: dict[str, Path] = {}


@dataclass
class Register:
    rt: Runtime
    app: FastAPI
    tokens: dict[str, str]

    def client(self, role: str | None = None) -> TestClient:
        """A browser-like client logged in through the login form (None: anonymous)."""
        client = TestClient(self.app, raise_server_exceptions=False, follow_redirects=False)
        if role is not None:
            login(client, role)
        return client

    def api(self, role: str | None = None) -> TestClient:
        """A script-like client that sends a Bearer token and no cookies."""
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return TestClient(self.app, raise_server_exceptions=False, follow_redirects=False, headers=headers)


def csrf_of(client: TestClient, url: str = "/aanmelden") -> str:
    page = client.get(url)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


def login(client: TestClient, role: str, password: str = PASSWORD):
    response = client.post("/aanmelden", data={"csrf": csrf_of(client), "name": role, "password": password,
                                                "next": "/"})
    assert response.status_code == 303, response.text[:500]
    return response


def _template_home(factory) -> Path:
    """Init once per run (database + index), copied for each module so modules stay independent."""
    if "home" not in _TEMPLATE:
        home = factory.mktemp("register-template")
        rt = Runtime(Settings(home=home))
        initialise(rt, demo=True)
        with session_scope(rt.engine) as session:
            for role in ROLES[:-1]:
                create_user(session=session, name=role, role=role, password=PASSWORD)
            # init created the first beheerder with a generated password; give it the test password
            set_password(session=session, name="beheerder", password=PASSWORD, actor="test")
        rt.close()
        rt.search.close()
        _TEMPLATE["home"] = home
    return _TEMPLATE["home"]


def make_register(factory, **settings) -> Iterator[Register]:
    home = factory.mktemp("register")
    shutil.copytree(_template_home(factory), home, dirs_exist_ok=True)
    rt = Runtime(Settings(home=home, **settings))
    app = build_app(rt)
    with session_scope(rt.engine) as session:
        tokens = {role: create_token(session=session, name=role) for role in ROLES}
    yield Register(rt, app, tokens)
    rt.search.close()
    rt.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Register]:
    yield from make_register(tmp_path_factory)
