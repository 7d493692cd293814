"""Reader for the regulation exchange format itself (.json object or list, .jsonl lines).

Field checks are not done here: ingest/regulation_import.parse_regulation validates every object
with Dutch messages per field, for this reader and all the others alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import ReaderError, json_problem

LINE_SUFFIXES = (".jsonl", ".ndjson")


def read_json_items(path: str | Path) -> list[tuple[int | None, Any]]:
    """(line, object) pairs: the line number for .jsonl files, None for a .json object or list."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ReaderError(path, "onleesbare tekencodering (verwacht UTF-8)", line=line) from None
    if path.suffix.lower() in LINE_SUFFIXES:
        return [(number, _loads(path, line, number)) for number, line in enumerate(text.splitlines(), start=1)
                if line.strip()]
    data = _loads(path, text, None)
    return [(None, item) for item in (data if isinstance(data, list) else [data])]


def read_json(path: str | Path) -> list[Any]:
    return [item for _, item in read_json_items(path)]


def _loads(path: Path, text: str, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReaderError(path, json_problem(exc), line=line if line is not None else exc.lineno) \
            from None
