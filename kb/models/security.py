"""Server-side login state shared by every application server: open sessions and failed logins."""

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from kb.models._common import timestamp_field, utcnow


class LoginSession(SQLModel, table=True):
    """One signed-in browser. The cookie names the row; logging out deletes it, so a copied
    cookie stops working at once, on every worker."""

    __tablename__ = "login_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = timestamp_field()


class LoginFailure(SQLModel, table=True):
    """One failed login, counted per account and per address by the login throttle of every worker."""

    __tablename__ = "login_failure"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(index=True, max_length=300)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False, index=True))
