"""Logical backup and restore of the whole register: portable between SQLite and PostgreSQL.

A backup is gzip-compressed JSON Lines: one header line, then one line per row, tables in
dependency order. Restore replaces the register's contents in one transaction.
"""

import base64
import gzip
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Date, Engine, LargeBinary, delete, insert, select, text
from sqlmodel import SQLModel

from kb.db import schema_status
from kb.errors import RegisterError

FORMAT = "drempelbank-backup"


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def backup(engine: Engine, path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    tables = SQLModel.metadata.sorted_tables
    with engine.connect() as connection, gzip.open(path, "wt", encoding="utf-8") as out:
        header = {"format": FORMAT, "version": 1, "schema": schema_status(engine)["current"]}
        out.write(json.dumps(header) + "\n")
        for table in tables:
            counts[table.name] = 0
            for row in connection.execute(select(table)).mappings():
                out.write(json.dumps({"t": table.name, "r": {k: _plain(v) for k, v in row.items()}},
                                     ensure_ascii=False) + "\n")
                counts[table.name] += 1
    return counts


def _restore_value(column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value)
    return value


def restore(engine: Engine, path: Path) -> dict[str, int]:
    tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
    try:
        stream = gzip.open(path, "rt", encoding="utf-8")
        header = json.loads(stream.readline())
    except (OSError, ValueError, EOFError):
        raise RegisterError(f"{path.name}: geen geldige Drempelbank-back-up") from None
    if header.get("format") != FORMAT:
        raise RegisterError(f"{path.name}: geen geldige Drempelbank-back-up")
    current = schema_status(engine)["current"]
    if header.get("schema") != current:
        raise RegisterError(f"{path.name}: back-up van schemaversie {header.get('schema')}, "
                            f"het register heeft versie {current}")
    counts: dict[str, int] = {name: 0 for name in tables}
    with stream, engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(delete(table))
        batch: dict[str, list[dict]] = {}
        for line_no, line in enumerate(stream, start=2):
            try:
                item = json.loads(line)
                table = tables[item["t"]]
            except (ValueError, KeyError):
                raise RegisterError(f"{path.name}, regel {line_no}: onleesbare of onbekende rij") from None
            row = {c.name: _restore_value(c, item["r"].get(c.name)) for c in table.columns}
            batch.setdefault(table.name, []).append(row)
            counts[table.name] += 1
            if len(batch[table.name]) >= 1000:
                _flush(connection, tables, batch)
        _flush(connection, tables, batch)
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts


def _flush(connection, tables, batch) -> None:
    # Flush in dependency order so foreign keys are satisfied.
    for table in SQLModel.metadata.sorted_tables:
        rows = batch.pop(table.name, None)
        if rows:
            connection.execute(insert(tables[table.name]), rows)


def _reset_sequences(connection) -> None:
    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.columns and table.columns["id"].autoincrement:
            connection.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
