"""Barrier form values ⇄ schema inputs, with errors keyed by form field for aria-describedby."""

import re
from datetime import date
from typing import Any

from sqlmodel import Session, select

from kb.enums import Kind, Level, Status, Werf
from kb.errors import FieldError, ValidationFailed
from kb.models import Barrier, BarrierCreate, BarrierUpdate
from kb.validation import validate

TEXT_FIELDS = ("code", "title", "description", "kind", "werf", "level", "severity", "proposed_solution",
               "reported_by", "reported_on")
LINE_LISTS = ("regulations",)  # citations contain commas, so one per line
COMMA_LISTS = ("projects", "municipalities", "tags")
CHOICES = {"kind": Kind, "werf": Werf, "level": Level, "status": Status}


def split_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def split_commas(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", value) if part.strip()]


def form_values(form: dict[str, str]) -> dict[str, Any]:
    """Typed values from a posted form; blank optional fields become None, lists are split."""
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in form:
            values[name] = form[name].strip() or None
    for name in LINE_LISTS:
        if name in form:
            values[name] = split_lines(form[name])
    for name in COMMA_LISTS:
        if name in form:
            values[name] = split_commas(form[name])
    values["is_public"] = form.get("is_public") == "on"
    return values


def record_to_form(record: dict[str, Any]) -> dict[str, str]:
    """A stored barrier as the strings the form fields show."""
    form = {name: "" if record.get(name) is None else str(record[name]) for name in TEXT_FIELDS}
    form["regulations"] = "\n".join(record.get("regulations") or [])
    for name in COMMA_LISTS:
        form[name] = ", ".join(record.get(name) or [])
    form["is_public"] = "on" if record.get("is_public") else ""
    return form


def field_errors(exc: ValidationFailed) -> dict[str, str]:
    """One message per form field; list-item errors (tags.2) belong to their list field."""
    errors: dict[str, str] = {}
    for error in exc.errors:
        name = error.field.split(".")[0]
        errors[name] = f"{errors[name]}; {error.message}" if name in errors else error.message
    return errors


def parse_create(form: dict[str, str]) -> BarrierCreate:
    values = form_values(form)
    data = {k: v for k, v in values.items() if v is not None}
    if values.get("code") is None:
        data.pop("code", None)
    return validate(BarrierCreate, data)


def parse_update(form: dict[str, str], *, may_publish: bool) -> tuple[BarrierUpdate, int]:
    values = form_values(form)
    values.pop("code", None)
    if not may_publish:
        values.pop("is_public")
    for required in ("title", "description", "kind"):
        if values.get(required) is None:
            raise ValidationFailed([FieldError(required, "verplicht veld ontbreekt")])
    try:
        version = int(form.get("version", ""))
    except ValueError:
        raise ValidationFailed([FieldError("version", "het formulier mist zijn versienummer; laad het opnieuw")]) from None
    return validate(BarrierUpdate, values), version


def next_code(session: Session, today: date | None = None) -> str:
    """A free code of the form DR-<year>-<nnn>, proposed on the new-barrier form."""
    year = (today or date.today()).year
    prefix = f"DR-{year}-"
    codes = session.exec(select(Barrier.code).where(Barrier.code.startswith(prefix)))
    numbers = [int(code[len(prefix):]) for code in codes if code[len(prefix):].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"
