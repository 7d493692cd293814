"""Accounts and API tokens; passwords hashed with argon2, tokens stored only as SHA-256 digests."""

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from kb.enums import Role
from kb.errors import FieldError, NotFound, ValidationFailed
from kb.models import ApiToken, User
from kb.services.journal import audit

_hasher = PasswordHasher()
MIN_PASSWORD = 10
# The shape of an address (one @, a dotted domain, no spaces); whether it exists is not checked (offline).
EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
MAX_EMAIL = 254


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def create_user(*, session: Session, name: str, role: Role | str, password: str, email: str | None = None,
                actor: str | None = None) -> User:
    errors = []
    if not name.strip():
        errors.append(FieldError("name", "mag niet leeg zijn"))
    if role not in {r.value for r in Role}:
        errors.append(FieldError("role", f"onbekende rol {role!r}; toegelaten: {', '.join(r.value for r in Role)}"))
    if len(password) < MIN_PASSWORD:
        errors.append(FieldError("password", f"moet minstens {MIN_PASSWORD} tekens lang zijn"))
    if email is not None and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        errors.append(FieldError("email", f"{email[:60]!r} is geen geldig e-mailadres (verwacht naam@domein.be)"))
    if session.exec(select(User).where(User.name == name)).first():
        errors.append(FieldError("name", f"gebruiker '{name}' bestaat al"))
    if errors:
        raise ValidationFailed(errors)
    user = User(name=name.strip(), role=Role(role), email=email, password_hash=_hasher.hash(password))
    session.add(user)
    audit(session, entity="user", key=name, action="create", actor=actor, after={"role": str(role), "email": email})
    return user


def get_user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFound("Gebruiker", name)
    return user


def verify_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, name: str, actor: str | None = None) -> str:
    user = get_user(session, name)
    token = "db_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_digest(token)))
    audit(session, entity="user", key=name, action="token", actor=actor)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active account holding the token (one query: every API request asks it)."""
    return session.exec(select(User).join(ApiToken, ApiToken.user_id == User.id)
                        .where(ApiToken.token_hash == _digest(token), User.active)).first()


def ensure_first_admin(*, session: Session, name: str = "beheerder") -> str | None:
    """Create a beheerder with a generated password when the register has none; return that
    password (to show once) or None when a beheerder exists, so `init` stays repeatable."""
    if session.exec(select(User).where(User.role == Role.beheerder.value)).first() is not None:
        return None
    password = generate_password()
    create_user(session=session, name=name, role=Role.beheerder, password=password, actor="init")
    return password


def set_password(*, session: Session, name: str, password: str, actor: str | None) -> User:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed([FieldError("password", f"moet minstens {MIN_PASSWORD} tekens lang zijn")])
    user = get_user(session, name)
    user.password_hash = _hasher.hash(password)
    session.add(user)
    audit(session, entity="user", key=name, action="password", actor=actor)
    return user


def update_user(*, session: Session, name: str, actor: str | None, role: Role | str | None = None,
                active: bool | None = None) -> User:
    """Change a user's role or deactivate them; the register always keeps one active beheerder."""
    user = get_user(session, name)
    if role is not None and role not in {r.value for r in Role}:
        raise ValidationFailed([FieldError("role", f"onbekende rol {role!r}; toegelaten: "
                                                   f"{', '.join(r.value for r in Role)}")])
    new_role = Role(role) if role is not None else Role(user.role)
    new_active = user.active if active is None else active
    if user.role == Role.beheerder and (new_role != Role.beheerder or not new_active) and _last_admin(session, user):
        raise ValidationFailed([FieldError("role", "dit is de laatste actieve beheerder; maak eerst een andere "
                                                   "beheerder aan")])
    before = {"role": str(user.role), "active": user.active}
    user.role, user.active = new_role, new_active
    session.add(user)
    audit(session, entity="user", key=name, action="update", actor=actor, before=before,
          after={"role": str(new_role), "active": new_active})
    return user


def _last_admin(session: Session, user: User) -> bool:
    others = session.exec(select(User).where(User.role == Role.beheerder.value, User.active == True,  # noqa: E712
                                             User.id != user.id)).first()
    return others is None


def list_tokens(session: Session, name: str) -> list[ApiToken]:
    user = get_user(session, name)
    return list(session.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


def revoke_token(*, session: Session, name: str, token_id: int, actor: str | None) -> None:
    user = get_user(session, name)
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("API-token", str(token_id))
    session.delete(token)
    audit(session, entity="user", key=name, action="token-revoked", actor=actor, after=str(token_id))
