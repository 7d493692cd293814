"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from kb.db import migrate, schema_status


def test_migrations_match_models(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_migrate_is_idempotent(engine):
    migrate(engine)
    assert schema_status(engine)["up_to_date"] is True
