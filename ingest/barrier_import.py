"""Import and export of barrier files: all-or-nothing by default, `partial` keeps the good rows."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from ingest.limits import MAX_UNPACKED_BYTES
from ingest.barrier_files import (
    DERIVED_FIELDS, FIELDS, FLAG_FIELDS, LIST_FIELDS, FileRefused, RawRow, read_rows, write_rows,
)
from kb.db import session_scope
from kb.errors import FieldError, ValidationFailed
from kb.models import Barrier, BarrierCreate, BarrierMunicipalityLink, BarrierRegulationLink
from kb.services.barriers import check_limits, create_barriers, snapshots, upsert_barrier
from kb.services.references import ReferenceIndex
from kb.validation import validate

KNOWN = set(FIELDS) | set(FLAG_FIELDS) | set(DERIVED_FIELDS)


@dataclass
class ImportReport:
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    rejected: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    written: bool = False
    written_codes: list[str] = field(default_factory=list)
    citations: dict[str, Any] | None = None  # filled by the caller from the after-commit citation step

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({e.line for e in self.rejected if e.line is not None})

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "written": self.written, "warnings": self.warnings,
                "citations": self.citations,
                "rejected": [{"line": e.line, "field": e.field, "reason": e.message} for e in self.rejected]}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


def row_to_barrier(row: RawRow, file: str, *, demo: bool = False) -> BarrierCreate:
    """Validate one raw row as a barrier, raising ValidationFailed with line and field."""
    if row.error:
        raise ValidationFailed([FieldError("(regel)", row.error, line=row.line, file=file)])
    data: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, value in row.values.items():
        if isinstance(value, str):
            value = value.strip() or None
        if name in LIST_FIELDS:
            data[name] = _as_list(value)
        elif name in FIELDS:
            if value is not None:
                data[name] = value
        elif name in FLAG_FIELDS:
            if value is not None:
                data[name] = str(value).lower() in ("true", "1", "ja", "yes") if not isinstance(value, bool) else value
        elif name not in DERIVED_FIELDS and name:
            if value not in (None, []):
                extra[name] = value
    data["extra"] = extra
    if demo:
        data["is_demo"] = True
    barrier = validate(BarrierCreate, data, line=row.line, file=file)
    try:
        check_limits(barrier.model_dump(include={"regulations", "projects", "municipalities", "tags", "extra"}))
    except ValidationFailed as exc:
        raise ValidationFailed([FieldError(e.field, e.message, line=row.line, file=file) for e in exc.errors]) from None
    return barrier


def import_barriers(*, engine: Engine, path: Path, actor: str | None, partial: bool = False, demo: bool = False,
                    on_read: Callable[[int], None] | None = None, max_unpacked: int = MAX_UNPACKED_BYTES,
                    display_name: str | None = None) -> ImportReport:
    """Stream the file in one transaction; any refused row rolls it all back unless `partial`."""
    name = display_name or path.name
    report = ImportReport(file=name)
    try:
        with session_scope(engine) as session:
            refs = ReferenceIndex(session)
            _import_rows(session, read_rows(path, on_read=on_read, max_unpacked=max_unpacked), report, refs,
                         actor=actor, partial=partial, demo=demo)
            if report.rejected and not partial:
                raise _Rollback
            report.written = report.created + report.updated > 0
    except _Rollback:
        report.created = report.updated = report.unchanged = 0
        report.written = False
    return report


class _Rollback(Exception):
    pass


def _import_rows(session: Session, rows: Iterator[RawRow], report: ImportReport, refs: ReferenceIndex, *,
                 actor, partial, demo) -> None:
    with session.no_autoflush:
        _import_rows_unflushed(session, rows, report, refs, actor=actor, partial=partial, demo=demo)


def _import_rows_unflushed(session: Session, rows: Iterator[RawRow], report: ImportReport, refs: ReferenceIndex,
                           *, actor, partial, demo) -> None:
    existing = set(session.exec(select(Barrier.code)))
    seen: dict[str, int] = {}
    warned: set[str] = set()
    new: list[BarrierCreate] = []
    for row in rows:
        report.rows += 1
        _warn_unknown_columns(row, report, warned)
        try:
            barrier = row_to_barrier(row, report.file, demo=demo)
        except ValidationFailed as exc:
            report.rejected.extend(exc.errors)
            continue
        if barrier.code in seen:
            report.rejected.append(FieldError("code", f"dubbele code '{barrier.code}' (ook op regel {seen[barrier.code]})",
                                              line=row.line, file=report.file))
            continue
        seen[barrier.code] = row.line
        if report.rejected and not partial:
            continue  # keep validating to list every bad row, but write nothing more
        if barrier.code not in existing:
            new.append(barrier)
            if len(new) >= BATCH:
                _create(session, new, report, refs, actor)
            continue
        outcome = upsert_barrier(session=session, data=barrier, actor=actor, refs=refs, present=set(row.values))
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome != "unchanged":
            report.written_codes.append(barrier.code)
    if not (report.rejected and not partial):
        _create(session, new, report, refs, actor)


BATCH = 500


def _create(session: Session, new: list[BarrierCreate], report: ImportReport, refs: ReferenceIndex, actor) -> None:
    codes = create_barriers(session=session, items=new, actor=actor, refs=refs)
    report.created += len(codes)
    report.written_codes.extend(codes)
    new.clear()


def _warn_unknown_columns(row: RawRow, report: ImportReport, warned: set[str]) -> None:
    for column in row.values:
        if column not in KNOWN and column and column not in warned:
            warned.add(column)
            report.warnings.append(f"{report.file}: onbekende kolom '{column}' wordt bewaard als extra veld")


EXPORT_COLUMNS = [*FIELDS, "is_demo", "is_public", "regulation_refs", "municipality_nis"]


def export_records(session: Session, *, chunk: int = 500) -> Iterator[dict[str, Any]]:
    """Every barrier in the exchange format, resolved values beside the typed ones (read in chunks)."""
    ids = list(session.exec(select(Barrier.id).order_by(Barrier.code)))
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        barriers = {b.id: b for b in session.exec(select(Barrier).where(Barrier.id.in_(part)))}
        snaps = snapshots(session, list(barriers.values()))
        refs = _regulation_refs(session, part)
        nis = _municipality_nis(session, part)
        for barrier_id in part:
            barrier = barriers[barrier_id]
            record = {"code": barrier.code, **snaps[barrier_id]}
            extra = record.pop("extra")
            record["is_demo"] = barrier.is_demo
            record["regulation_refs"] = refs.get(barrier_id, [])
            record["municipality_nis"] = nis.get(barrier_id, [])
            record.update({k: v for k, v in extra.items() if k not in record})
            yield record
        session.expunge_all()


def _municipality_nis(session: Session, barrier_ids: list[int]) -> dict[int, list[str | None]]:
    result: dict[int, list[str | None]] = {}
    query = (select(BarrierMunicipalityLink.barrier_id, BarrierMunicipalityLink.nis)
             .where(BarrierMunicipalityLink.barrier_id.in_(barrier_ids))
             .order_by(BarrierMunicipalityLink.barrier_id, BarrierMunicipalityLink.position))
    for barrier_id, nis in session.exec(query):
        result.setdefault(barrier_id, []).append(nis)
    return result


def _regulation_refs(session: Session, barrier_ids: list[int]) -> dict[int, list[str | None]]:
    from kb.models import Regulation

    query = (select(BarrierRegulationLink.barrier_id, Regulation.key, BarrierRegulationLink.article_number)
             .select_from(BarrierRegulationLink)
             .join(Regulation, Regulation.id == BarrierRegulationLink.regulation_id, isouter=True)
             .where(BarrierRegulationLink.barrier_id.in_(barrier_ids), BarrierRegulationLink.confirmed == True)  # noqa: E712
             .order_by(BarrierRegulationLink.barrier_id, BarrierRegulationLink.position))
    result: dict[int, list[str | None]] = {}
    for barrier_id, key, article in session.exec(query):
        result.setdefault(barrier_id, []).append(None if key is None else (f"{key}:{article}" if article else key))
    return result


def export_barriers(*, engine: Engine, path: Path) -> int:
    with session_scope(engine) as session:
        extra_columns = _extra_columns(session)
        return write_rows(path, export_records(session), [*EXPORT_COLUMNS, *extra_columns])


def _extra_columns(session: Session) -> list[str]:
    columns: set[str] = set()
    for extra in session.exec(select(Barrier.extra)):
        columns.update(extra or {})
    return sorted(columns - set(EXPORT_COLUMNS))


__all__ = ["ImportReport", "import_barriers", "export_barriers", "export_records", "row_to_barrier", "FileRefused"]
