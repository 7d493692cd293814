"""Make a brief: selection → facts → content model → one renderer → recorded; and make it again.

The caller owns the session (and so the transaction): the record is committed only when the caller
has written the file, so a failed write leaves neither a file nor a record.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from sqlmodel import Session

from briefs.content import build_brief
from briefs.facts import gather, versions
from briefs.model import Brief
from briefs.selection import Selection, describe, parse_selection, select_codes
from kb.errors import FieldError, RegisterError, ValidationFailed
from kb.models import Brief as BriefRecord
from kb.services.briefs import get_brief, previous_brief, record_brief

BRUSSELS = ZoneInfo("Europe/Brussels")
EXTENSIONS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".md": "md"}
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SUFFIXES = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "md": ".md"}


class EmptySelection(RegisterError):
    def __init__(self, selection_text: str):
        super().__init__(f"De selectie bevat geen enkele drempel ({selection_text.rstrip('.')}); er werd geen nota gemaakt. "
                         f"Verruim de filters.")


@dataclass
class MadeBrief:
    record: BriefRecord
    brief: Brief
    fmt: str
    data: bytes

    @property
    def filename(self) -> str:
        return f"beleidsnota-{self.record.id}{SUFFIXES[self.fmt]}"


def _renderer(fmt: str) -> Callable[[Brief], bytes]:
    """Imported on demand: WeasyPrint and matplotlib load only for the formats that need them."""
    if fmt == "md":
        from briefs.render_md import render_markdown
        return render_markdown
    if fmt == "html":
        from briefs.render_html import render_html
        return render_html
    if fmt == "docx":
        from briefs.render_docx import render_docx
        return render_docx
    from briefs.render_pdf import render_pdf
    return render_pdf


def format_of(path: Path, *, field: str = "--out") -> str:
    fmt = EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise ValidationFailed([FieldError(field, f"bestandstype '{path.suffix or '(geen)'}' wordt niet ondersteund; "
                                                  f"gebruik .pdf, .docx, .html of .md", file=path.name)])
    return fmt


def check_format(fmt: str) -> str:
    if fmt not in SUFFIXES:
        raise ValidationFailed([FieldError("formaat", f"onbekend formaat '{fmt}'; kies pdf, docx, html of md")])
    return fmt


def content_hash(brief: Brief) -> str:
    """SHA-256 of what the brief says about its selection: the content model without its date and
    without the comparison with the previous brief (history, not data). Same data, same hash."""
    data = brief.as_dict()
    data.pop("date_text")
    data["sections"] = [s for s in data["sections"] if s["id"] != "wijzigingen"]
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def local_date(moment: datetime):
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(BRUSSELS).date()


def _previous(session: Session, selection: Selection, before_id: int | None = None) -> dict[str, Any] | None:
    found = previous_brief(session, selection, before_id=before_id)
    return {"date": local_date(found.created_at), "facts": found.facts} if found else None


def preview(session: Session, filters: dict[str, list[str]], *, now: datetime) -> tuple[Selection, Brief]:
    """The brief a selection would give, not rendered and not recorded (for the builder page)."""
    selection = parse_selection(session, filters)
    text = describe(session, selection)
    codes = select_codes(session, selection)
    if not codes:
        raise EmptySelection(text)
    brief = build_brief(gather(session, codes), selection_text=text, made_on=local_date(now),
                        previous=_previous(session, selection))
    return selection, brief


def make_brief(*, session: Session, filters: dict[str, list[str]], fmt: str, actor: str | None,
               now: datetime | None = None) -> MadeBrief:
    now = now or datetime.now(UTC)
    selection = parse_selection(session, filters)
    text = describe(session, selection)
    codes = select_codes(session, selection)
    if not codes:
        raise EmptySelection(text)
    facts = gather(session, codes)
    brief = build_brief(facts, selection_text=text, made_on=local_date(now), previous=_previous(session, selection))
    data = _renderer(check_format(fmt))(brief)
    record = record_brief(session=session, selection=selection, selection_text=text, fmt=fmt,
                          barrier_versions=versions(facts), content_hash=content_hash(brief), facts=facts,
                          actor=actor, created_at=now)
    return MadeBrief(record, brief, fmt, data)


def remake(session: Session, brief_id: int, fmt: str | None = None) -> MadeBrief:
    """An earlier brief made again from the barrier versions it recorded (in any format)."""
    record = get_brief(session, brief_id)
    fmt = check_format(fmt or record.format)
    brief = build_brief(record.facts, selection_text=record.selection_text, made_on=local_date(record.created_at),
                        previous=_previous(session, record.selection, before_id=record.id))
    return MadeBrief(record, brief, fmt, _renderer(fmt)(brief))
