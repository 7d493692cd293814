"""Users, API tokens, the audit trail and the outbox that keeps derived stores true."""

from datetime import datetime

from sqlalchemy import Text
from sqlalchemy import String
from sqlmodel import Field, SQLModel

from kb.enums import Role
from kb.models._common import timestamp_field


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=100)
    email: str | None = Field(default=None, max_length=200)
    role: Role = Field(sa_type=String(40))
    password_hash: str
    active: bool = True
    created_at: datetime = timestamp_field()


class UserPublic(SQLModel):
    name: str
    email: str | None
    role: Role = Field(sa_type=String(40))
    active: bool


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(index=True, unique=True)
    created_at: datetime = timestamp_field()


class AuditEvent(SQLModel, table=True):
    """One changed field of one record: who, when, before, after."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = timestamp_field()
    actor: str | None = None
    entity: str = Field(index=True)
    entity_key: str = Field(index=True)
    action: str
    field: str | None = None
    before: str | None = Field(default=None, sa_type=Text)
    after: str | None = Field(default=None, sa_type=Text)
    # The record's version after this change (for showing a stale editor what changed since).
    version: int | None = None


class AuditEventPublic(SQLModel):
    at: datetime
    actor: str | None
    action: str
    field: str | None
    before: str | None
    after: str | None


class OutboxEntry(SQLModel, table=True):
    """Written in the same transaction as the change; drained by the indexer after commit."""

    __tablename__ = "outbox"
    id: int | None = Field(default=None, primary_key=True)
    entity: str
    entity_key: str
    op: str  # "upsert" | "delete"
    created_at: datetime = timestamp_field()
