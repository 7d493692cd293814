"""The one error every reader raises for input it refuses."""

from __future__ import annotations

import json
from pathlib import Path


class ReaderError(Exception):
    """A document that cannot be read; the message is Dutch and names the file."""

    def __init__(self, file: str | Path, message: str, line: int | None = None) -> None:
        self.file = str(Path(file).name) if file else ""
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}, regel {self.line}"
        return f"{where}: {self.message}"


# The json module's messages (English) and what a user reads instead.
_JSON_PROBLEMS = {
    "Expecting value": "waarde verwacht",
    "Expecting ',' delimiter": "komma verwacht",
    "Expecting ':' delimiter": "dubbelpunt verwacht",
    "Expecting property name enclosed in double quotes": "veldnaam tussen dubbele aanhalingstekens verwacht",
    "Unterminated string starting at": "tekst zonder afsluitend aanhalingsteken",
    "Invalid control character at": "ongeldig stuurteken in tekst",
    "Invalid \\escape": "ongeldige escape met \\",
    "Extra data": "tekst na het einde van de JSON-waarde",
}


def json_problem(exc: json.JSONDecodeError) -> str:
    """A Dutch description of where and why a text is no JSON, for every reader of JSON input."""
    problem = next((dutch for english, dutch in _JSON_PROBLEMS.items() if exc.msg.startswith(english)),
                   "ongeldige opbouw")
    return f"geen geldige JSON ({problem}, kolom {exc.colno})"
