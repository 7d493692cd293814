"""Import and export regulations in the JSON exchange format (docs/exchange-formats.md)."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, select

from ingest.readers import ReaderError, read_regulations
from ingest.readers.detect import MAX_BYTES
from ingest.readers.jsonfile import LINE_SUFFIXES, read_json_items
from kb.db import session_scope
from kb.errors import FieldError, ValidationFailed
from kb.models import Regulation, RegulationCreate
from kb.services.regulations import VersionReport, regulation_exchange, upsert_regulation
from kb.validation import validate

KNOWN_KEYS = set(RegulationCreate.model_fields) - {"extra"}


@dataclass
class RegulationImportReport:
    files: list[str] = field(default_factory=list)
    versions: list[VersionReport] = field(default_factory=list)
    rejected: list[FieldError] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files, "written": self.written,
            "regulations": [v.__dict__ for v in self.versions],
            "rejected": [{"file": e.file, "line": e.line, "field": e.field, "reason": e.message} for e in self.rejected],
        }


def parse_regulation(data: Any, *, file: str, line: int | None = None) -> RegulationCreate:
    """One exchange-format object as a validated RegulationCreate; unknown keys are kept in `extra`."""
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("(object)", "verwacht één JSON-object per regelgeving", line, file)])
    known = {k: v for k, v in data.items() if k in KNOWN_KEYS}
    known["extra"] = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
    if isinstance(known.get("identifiers"), dict):
        known["identifiers"] = {k: known["identifiers"].get(k) for k in ("eli", "numac", "celex", "bwb")}
    regulation = validate(RegulationCreate, known, line=line, file=file)
    numbers: dict[str, int] = {}
    errors = []
    for index, article in enumerate(regulation.articles):
        if article.number in numbers:
            errors.append(FieldError(f"articles.{index}.number",
                                     f"artikelnummer '{article.number}' komt twee keer voor", line, file))
        numbers[article.number] = index
    if errors:
        raise ValidationFailed(errors)
    return regulation


def read_regulation_items(path: Path, fmt: str = "auto", *, key: str | None = None,
                          max_bytes: int = MAX_BYTES) -> list[tuple[str, int | None, Any]]:
    """(file, line, object) triples in the exchange format, from any supported source format.
    A file the readers refuse becomes one Dutch field error naming the file (and line)."""
    try:
        if fmt == "json" or (fmt == "auto" and path.is_file() and path.suffix.lower() in (".json", *LINE_SUFFIXES)):
            return [(path.name, line, item) for line, item in read_json_items(path)]
        return [(path.name, None, item) for item in read_regulations(path, fmt, key=key, max_bytes=max_bytes)]
    except ReaderError as exc:
        raise ValidationFailed([FieldError("(bestand)", exc.message, exc.line, path.name)]) from None


def import_regulation_objects(*, engine: Engine, items: list[tuple[str, int | None, Any]], actor: str | None,
                              ) -> RegulationImportReport:
    """Validate everything first, then write in one transaction: a bad object writes nothing."""
    report = RegulationImportReport(files=sorted({file for file, _, _ in items}))
    parsed = []
    for file, line, item in items:
        try:
            parsed.append(parse_regulation(item, file=file, line=line))
        except ValidationFailed as exc:
            report.rejected.extend(exc.errors)
    keys = [r.key for r in parsed]
    for key in {k for k in keys if keys.count(k) > 1}:
        report.rejected.append(FieldError("key", f"sleutel '{key}' komt meer dan eens voor", None, report.files[0]))
    if report.rejected:
        return report
    with session_scope(engine) as session:
        for regulation in parsed:
            report.versions.append(upsert_regulation(session=session, data=regulation, actor=actor))
    report.written = any(v.outcome != "unchanged" for v in report.versions)
    return report


def export_regulations(*, engine: Engine, path: Path) -> int:
    with session_scope(engine) as session:
        records = [regulation_exchange(session, r) for r in _all(session)]
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    else:
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(records)


def _all(session: Session) -> list[Regulation]:
    return list(session.exec(select(Regulation).order_by(Regulation.key)))
