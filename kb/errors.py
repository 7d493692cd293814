"""Errors the services raise; each carries Dutch text fit to show a user as is."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    line: int | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"regel {self.line}")
        where.append(f"veld '{self.field}'")
        return f"{', '.join(where)}: {self.message}"


class RegisterError(Exception):
    """Base class: the message is Dutch and safe to show."""


class ValidationFailed(RegisterError):
    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


class NotFound(RegisterError):
    def __init__(self, entity: str, key: str, message: str | None = None):
        self.entity, self.key = entity, key
        super().__init__(message or f"{entity} '{key}' bestaat niet in het register")


class Conflict(RegisterError):
    """A stale update: someone saved in between. `changes` says what they changed."""

    def __init__(self, entity: str, key: str, expected: int, current: int, changes: list[dict] | None = None):
        self.entity, self.key, self.expected, self.current = entity, key, expected, current
        self.changes = changes or []
        super().__init__(
            f"{entity} '{key}' werd intussen door iemand anders gewijzigd "
            f"(uw versie {expected}, huidige versie {current}); uw wijziging werd niet bewaard"
        )


class PermissionDenied(RegisterError):
    pass
