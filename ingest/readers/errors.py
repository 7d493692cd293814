"""The one error every reader raises for input it refuses."""

from __future__ import annotations

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
