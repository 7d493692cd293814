"""Who is asking: signed session cookies, Bearer tokens, roles, CSRF tokens and login throttling.

The session lives in a signed cookie carrying the account name, a CSRF token, when it was
issued, a fingerprint of the password hash and the id of a server-side session row. Logging out
deletes that row, so a copied cookie stops working; changing a password ends every other session
through the fingerprint. Failed logins are counted in the database, so the throttle holds across
workers and servers.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import Request
from sqlalchemy import Engine
from sqlmodel import Session

from kb.enums import Role
from kb.models import User
from kb.services.logins import clear_failures, failures_since, record_failure, session_user
from kb.services.users import user_for_token

COOKIE = "drempelbank_sessie"
SESSION_SECONDS = 8 * 3600
RANKS = {Role.lezer: 1, Role.jurist: 2, Role.programmateam: 3, Role.beheerder: 4}
ROLE_LABELS = {Role.lezer: "lezer", Role.jurist: "jurist", Role.programmateam: "programmateam",
               Role.beheerder: "beheerder"}


@dataclass
class SessionData:
    user: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    issued: float = field(default_factory=time.time)
    fingerprint: str | None = None
    sid: str | None = None
    expired: bool = False
    dirty: bool = True


@dataclass(frozen=True)
class Principal:
    """The account behind a request, or anonymous; `via` says how it authenticated."""

    name: str | None = None
    role: Role | None = None
    via: str = "anoniem"  # "sessie" | "token" | "anoniem"

    @property
    def anonymous(self) -> bool:
        return self.name is None

    def at_least(self, role: Role) -> bool:
        return self.role is not None and RANKS[self.role] >= RANKS[role]


ANONYMOUS = Principal()


def load_secret(home: Path | None) -> bytes:
    """The signing key, kept beside the database so sessions survive a restart."""
    if home is None:
        return secrets.token_bytes(32)
    path = home / "session.key"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_bytes(secrets.token_bytes(32))
        path.chmod(0o600)
    return path.read_bytes()


def fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(secret, payload, hashlib.sha256).digest()).decode().rstrip("=")


def encode_session(secret: bytes, data: SessionData) -> str:
    payload = json.dumps({"u": data.user, "c": data.csrf, "t": data.issued, "p": data.fingerprint,
                          "s": data.sid},
                         separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(secret, payload)}"


def decode_session(secret: bytes, cookie: str | None, *, now: float | None = None) -> SessionData:
    """The session in a cookie; a fresh anonymous one when it is missing, forged or expired."""
    if not cookie or "." not in cookie:
        return SessionData()
    body, signature = cookie.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        values = json.loads(payload)
        if not hmac.compare_digest(_sign(secret, payload), signature):
            return SessionData()
        data = SessionData(user=values.get("u"), csrf=str(values["c"]), issued=float(values["t"]),
                           fingerprint=values.get("p"), sid=values.get("s"), dirty=False)
    except (ValueError, KeyError, TypeError):
        return SessionData()
    if data.user and (now or time.time()) - data.issued > SESSION_SECONDS:
        return SessionData(expired=True)
    return data


def login_session(user: User, sid: str) -> SessionData:
    """A new session (and CSRF token) on login, so a token seen before login is useless after."""
    return SessionData(user=user.name, fingerprint=fingerprint(user), sid=sid)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def resolve_principal(request: Request, session: Session) -> Principal:
    """Bearer token first (scripts), then the session cookie; cached on the request."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = ANONYMOUS
    token = bearer_token(request)
    if token is not None:
        user = user_for_token(session, token)
        principal = Principal(user.name, Role(user.role), "token") if user else Principal(via="ongeldig-token")
    else:
        data: SessionData = request.state.session
        if data.user:
            user = session_user(session, data.sid)
            if user and user.name == data.user and user.active and data.fingerprint == fingerprint(user):
                principal = Principal(user.name, Role(user.role), "sessie")
            else:
                request.state.session = SessionData(expired=True)
    request.state.principal = principal
    return principal


def csrf_ok(request: Request, submitted: str | None) -> bool:
    """Bearer requests carry no ambient credentials, so only cookie sessions need the token."""
    if bearer_token(request) is not None:
        return True
    expected = request.state.session.csrf
    return bool(submitted) and hmac.compare_digest(str(submitted), expected)


class LoginThrottle:
    """Failed logins per account and per address within a sliding window, counted in the database
    so every worker and server applies the same limit."""

    def __init__(self, engine: Engine, *, per_account: int = 5, per_address: int = 20, window: float = 300.0):
        self.engine, self.per_account, self.per_address = engine, per_account, per_address
        self.window = timedelta(seconds=window)

    @staticmethod
    def _keys(account: str, address: str) -> list[tuple[str, str]]:
        return [("account", f"a:{account.casefold()}"), ("address", f"ip:{address}")]

    def retry_after(self, account: str, address: str, *, now: float | None = None) -> int:
        """Seconds to wait, or 0 when a new attempt is allowed."""
        moment = datetime.fromtimestamp(now or time.time(), UTC)
        limits = {"account": self.per_account, "address": self.per_address}
        waits = []
        with Session(self.engine) as session:
            for kind, key in self._keys(account, address):
                count, oldest = failures_since(session, key, moment - self.window)
                if count >= limits[kind] and oldest is not None:
                    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=UTC)
                    waits.append(int((self.window - (moment - oldest)).total_seconds()) + 1)
        return max(waits, default=0)

    def failed(self, account: str, address: str, *, now: float | None = None) -> None:
        moment = datetime.fromtimestamp(now or time.time(), UTC)
        with Session(self.engine) as session:
            record_failure(session=session, keys=[key for _, key in self._keys(account, address)], at=moment,
                           window=self.window)
            session.commit()

    def succeeded(self, account: str) -> None:
        with Session(self.engine) as session:
            clear_failures(session=session, key=f"a:{account.casefold()}")
            session.commit()
