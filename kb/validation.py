"""Turn pydantic's English validation errors into Dutch field errors."""

from enum import StrEnum
from typing import Any, TypeVar, get_args, get_origin
from types import UnionType

from pydantic import BaseModel, ValidationError

from kb.errors import FieldError, ValidationFailed

_MESSAGES = {
    "missing": "verplicht veld ontbreekt",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "is te lang (maximaal {max_length} tekens)",
    "string_pattern_mismatch": "heeft geen geldige vorm (alleen letters, cijfers en . _ / -)",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "int_type": "moet een geheel getal zijn",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "date_from_datetime_parsing": "is geen geldige datum (verwacht JJJJ-MM-DD)",
    "date_from_datetime_inexact": "is geen geldige datum (verwacht JJJJ-MM-DD)",
    "date_parsing": "is geen geldige datum (verwacht JJJJ-MM-DD)",
    "date_type": "is geen geldige datum (verwacht JJJJ-MM-DD)",
    "bool_parsing": "moet ja of nee zijn",
    "list_type": "moet een lijst zijn",
    "string_type": "moet tekst zijn",
    "dict_type": "moet een object zijn",
    "value_error": "{msg}",
    "extra_forbidden": "is geen veld dat hier gewijzigd kan worden",
    "json_invalid": "is geen geldige JSON",
}
# Fields an update refuses with their own reason (the rest get "extra_forbidden").
_NOT_UPDATABLE = {"status": "verandert niet met een bewerking; de status wijzigt u via POST /api/barriers/{code}/status "
                             "(programmateam) of met de knop op de drempelpagina",
                  "code": "is de sleutel van de drempel en verandert niet",
                  "is_demo": "komt alleen met de demogegevens"}


def dutch_message(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden" and error["loc"] and error["loc"][-1] in _NOT_UPDATABLE:
        return _NOT_UPDATABLE[str(error["loc"][-1])]
    if error.get("input", "") is None and kind != "missing":
        return "is verplicht en mag niet leeg (null) zijn"
    if kind in ("enum", "literal_error"):
        # pydantic joins the last choice with an English "or"
        expected = str(ctx.get("expected", "")).replace("' or '", "', '")
        return f"onbekende waarde {error.get('input')!r}; toegelaten: {expected}"
    template = _MESSAGES.get(kind)
    if template is None:
        return f"ongeldige waarde {error.get('input')!r}"
    msg = str(ctx.get("error", "")).removeprefix("Value error, ")
    return template.format(msg=msg or "ongeldige waarde", **{k: v for k, v in ctx.items() if k != "error"})


def enum_choices(model: type[BaseModel], field: str) -> list[str]:
    annotation = model.model_fields[field].annotation
    candidates = get_args(annotation) if get_origin(annotation) in (UnionType,) or get_args(annotation) else (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return [m.value for m in candidate]
    return []


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: dict[str, Any], *, line: int | None = None,
                           file: str | None = None) -> M:
    """Validate `data` as `model`, raising ValidationFailed with Dutch messages per field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            field = ".".join(str(p) for p in error["loc"]) or "(record)"
            message = dutch_message(error, model)
            if error["type"] == "enum" and error["loc"] and error.get("input") is not None:
                allowed = enum_choices(model, str(error["loc"][0]))
                if allowed:
                    message = f"onbekende waarde {error.get('input')!r}; toegelaten: {', '.join(allowed)}"
            errors.append(FieldError(field=field, message=message, line=line, file=file))
        raise ValidationFailed(errors) from None
