"""Dutch labels of the typology values (corpus/typology.json), read once."""

import json
from functools import lru_cache
from pathlib import Path

TYPOLOGY = Path(__file__).resolve().parent.parent / "corpus" / "typology.json"
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    data = json.loads(TYPOLOGY.read_text(encoding="utf-8")) if TYPOLOGY.exists() else {}
    return {group: {item["value"]: item["label"] for item in items} for group, items in data.items()}


def label(group: str, value: str | None) -> str:
    """The Dutch label of a value in a typology group ('kinds', 'levels', 'statuses', …)."""
    if not value:
        return "niet bepaald"
    return _labels().get(group, {}).get(value, value.replace("-", " ").capitalize())


def values_of(group: str) -> dict[str, str]:
    return dict(_labels().get(group, {}))


def dutch_date(value) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
