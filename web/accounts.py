"""The first beheerder account, created by `drempelbank init` so a fresh register can be administered."""

from sqlalchemy import Engine
from sqlmodel import select

from kb.db import session_scope
from kb.enums import Role
from kb.models import User
from kb.services.users import create_user, generate_password


def ensure_first_admin(engine: Engine, *, name: str = "beheerder") -> str | None:
    """Create a beheerder with a generated password when the register has none; return that
    password (to print once) or None when a beheerder already exists, so init stays repeatable."""
    with session_scope(engine) as session:
        if session.exec(select(User).where(User.role == Role.beheerder.value)).first() is not None:
            return None
        password = generate_password()
        create_user(session=session, name=name, role=Role.beheerder, password=password, actor="init")
        return password
