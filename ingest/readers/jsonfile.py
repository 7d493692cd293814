"""Reader for the regulation exchange format itself (.json object or list, .jsonl lines)."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ReaderError

REQUIRED = ("key", "title", "kind", "level")


def read_json(path: str | Path) -> list[dict]:
    path = Path(path)
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    records = []
    try:
        if path.suffix.lower() == ".jsonl":
            for number, line in enumerate(text.splitlines(), start=1):
                if line.strip():
                    records.append((number, json.loads(line)))
        else:
            data = json.loads(text)
            records = [(None, item) for item in (data if isinstance(data, list) else [data])]
    except json.JSONDecodeError as exc:
        raise ReaderError(path, f"ongeldige JSON: {exc.msg}", line=exc.lineno) from exc
    for number, record in records:
        missing = [name for name in REQUIRED if not isinstance(record, dict) or not record.get(name)]
        if missing:
            raise ReaderError(path, f"verplicht veld ontbreekt: {', '.join(missing)}", line=number)
    return [record for _, record in records]
