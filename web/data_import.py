"""Import preview: what a confirmed import would write, and every refused row, without writing.

The preview validates rows with the importer's own row parser and compares them with the stored
records, so it reads only; the confirmed import then runs the real importer on the same file.
"""

import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlmodel import Session

from ingest.barrier_files import FileRefused, file_format, read_rows
from ingest.barrier_import import row_to_barrier
from ingest.regulation_import import read_regulation_items, parse_regulation
from kb.errors import FieldError, NotFound, ValidationFailed
from kb.services.barriers import find_barrier, snapshot
from kb.services.regulations import get_regulation

BARRIER_TYPES = (".csv", ".jsonl", ".ndjson", ".xlsx")
REGULATION_TYPES = (".json", ".jsonl", ".xml", ".html", ".htm", ".pdf", ".docx", ".txt")
KINDS = {"drempels": BARRIER_TYPES, "regelgeving": REGULATION_TYPES}
T = TypeVar("T")
SHOWN = 200
# A preview the user never confirmed is removed after this long (the confirm form then says so).
UPLOAD_MAX_AGE = 24 * 3600


def upload_name(kind: str, filename: str) -> str:
    """A random stored name keeping the extension (the readers choose their format by it)."""
    suffix = Path(filename or "").suffix.lower()
    allowed = KINDS.get(kind)
    if allowed is None:
        raise ValidationFailed([FieldError("kind", "kies drempels of regelgeving")])
    if suffix not in allowed:
        raise ValidationFailed([FieldError("file", f"bestandstype '{suffix or '(geen)'}' wordt niet aanvaard voor "
                                                   f"{kind}; toegelaten: {', '.join(allowed)}")])
    return f"{kind}-{secrets.token_urlsafe(12)}{suffix}"


def stored_upload(folder: Path, name: str) -> Path:
    """The uploaded file for a preview token; refuses anything that is not one of ours."""
    path = folder / name
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise NotFound("Upload", name)
    return path


def remove_stale_uploads(folder: Path, *, max_age: float = UPLOAD_MAX_AGE) -> None:
    """Delete uploads whose preview was abandoned: they hold other people's data and fill the disk."""
    limit = time.time() - max_age
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass  # another worker removed it first


def _rename(text: str, stored: Path, display: str) -> str:
    """Messages name the user's file, never the random name it is stored under."""
    return text.replace(stored.name, display)


def named_as(display: str, stored: Path, read: Callable[[], T]) -> T:
    """Run a reader; its refusals name the user's file instead of the stored one."""
    try:
        return read()
    except ValidationFailed as exc:
        raise ValidationFailed([FieldError(e.field, _rename(e.message, stored, display), e.line,
                                           display if e.file == stored.name else e.file) for e in exc.errors]) from None


def _finish(preview: dict[str, Any], stored: Path, display: str) -> dict[str, Any]:
    for item in preview["rejected"]:
        item["reason"] = _rename(str(item["reason"]), stored, display)
        if item.get("line") is None and display not in item["reason"]:
            item["reason"] = f"{display}: {item['reason']}"
    # Nothing to write (the file was refused whole): no confirmation to offer.
    preview["confirmable"] = preview["total"] > 0
    return preview


def _changes(session: Session, barrier) -> tuple[str, list[str]]:
    existing = find_barrier(session, barrier.code)
    if existing is None:
        return "nieuw", []
    before = snapshot(session, existing)
    after = barrier.model_dump(mode="json")
    changed = [k for k in before if k in after and k != "extra" and after[k] != before[k]]
    return ("bijwerken", changed) if changed else ("ongewijzigd", [])


def preview_barriers(session: Session, path: Path, display: str, *, max_unpacked: int) -> dict[str, Any]:
    rows, rejected, counts, seen = [], [], {"nieuw": 0, "bijwerken": 0, "ongewijzigd": 0}, {}
    try:
        file_format(path)
        for row in read_rows(path, max_unpacked=max_unpacked):
            try:
                barrier = row_to_barrier(row, display)
            except ValidationFailed as exc:
                rejected.extend({"line": e.line, "field": e.field, "reason": e.message} for e in exc.errors)
                continue
            if barrier.code in seen:
                rejected.append({"line": row.line, "field": "code",
                                 "reason": f"dubbele code '{barrier.code}' (ook op regel {seen[barrier.code]})"})
                continue
            seen[barrier.code] = row.line
            outcome, changed = _changes(session, barrier)
            counts[outcome] += 1
            if len(rows) < SHOWN:
                rows.append({"line": row.line, "code": barrier.code, "title": barrier.title, "outcome": outcome,
                             "changed": changed})
    except FileRefused as exc:
        rejected.append({"line": None, "field": "(bestand)", "reason": str(exc)})
    return _finish({"kind": "drempels", "file": display, "rows": rows, "counts": counts, "rejected": rejected,
                    "total": sum(counts.values()), "shown": len(rows)}, path, display)


def preview_regulations(session: Session, path: Path, display: str, *, max_bytes: int) -> dict[str, Any]:
    rows, rejected, counts = [], [], {"nieuw": 0, "bijwerken": 0, "ongewijzigd": 0}
    try:
        items = read_regulation_items(path, "auto", key=None, max_bytes=max_bytes)
    except ValidationFailed as exc:
        items = []
        rejected.extend({"line": e.line, "field": e.field, "reason": e.message} for e in exc.errors)
    for _file, line, item in items:
        try:
            regulation = parse_regulation(item, file=display, line=line)
        except ValidationFailed as exc:
            rejected.extend({"line": e.line, "field": e.field, "reason": e.message} for e in exc.errors)
            continue
        try:
            get_regulation(session, regulation.key)
            outcome = "bijwerken"
        except NotFound:
            outcome = "nieuw"
        counts[outcome] += 1
        rows.append({"line": line, "code": regulation.key, "title": regulation.title, "outcome": outcome,
                     "changed": [f"{len(regulation.articles)} artikels"]})
    return _finish({"kind": "regelgeving", "file": display, "rows": rows[:SHOWN], "counts": counts,
                    "rejected": rejected, "total": sum(counts.values()), "shown": min(len(rows), SHOWN)}, path, display)
