"""Current Flemish municipalities from Statbel's REFNIS list and the 2025 mergers.

The REFNIS copy we ship stops at the 2019 mergers, so the municipalities of
1 January 2025 are REFNIS (valid codes) with the mergers table applied on top.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFNIS_DIR = ROOT / "corpus" / "sources" / "refnis"
DEFAULT_REFNIS = REFNIS_DIR / "refnis.csv"
DEFAULT_FUSIES = REFNIS_DIR / "fusies-2025.csv"
DEFAULT_OUTPUT = ROOT / "corpus" / "municipalities.json"

FLEMISH_PREFIXES = ("1", "23", "24", "3", "4", "7")
STILL_VALID = "31/12/9999"
PROVISIONAL = "(voorlopige naam)"

_MEMBER = re.compile(r"^\s*(?P<name>.+?)\s*\((?P<nis>\d{5})\)\s*$")


class RefnisError(ValueError):
    """The REFNIS or mergers file does not have the shape this reader expects."""


def _read_refnis(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _current_rows(rows: list[dict], level: str) -> dict[str, dict]:
    """Valid rows of one level by code; a code may have older rows with other names."""
    return {
        row["CD_REFNIS"]: row
        for row in rows
        if row["LVL_REFNIS"] == level and row["DT_VLDT_END"] == STILL_VALID
    }


def _is_flemish(nis: str) -> bool:
    return nis.startswith(FLEMISH_PREFIXES)


def _strip_arrondissement(name: str, arrondissement: str) -> str:
    """'Aalst (Aalst)' → 'Aalst': REFNIS disambiguates some names by arrondissement."""
    suffix = f" ({arrondissement})"
    return name[: -len(suffix)] if name.endswith(suffix) else name


def _province_of(nis: str, arrondissements: dict, provinces: dict) -> str:
    """Province via the arrondissement (first two digits), so new 2025 codes work too."""
    arrondissement = arrondissements.get(nis[:2] + "000")
    if arrondissement is None:
        raise RefnisError(f"geen arrondissement voor NIS-code {nis}")
    province = provinces[arrondissement["CD_SUP_REFNIS"]]
    return province["TX_REFNIS_NL"].removeprefix("Provincie ").strip()


def _parse_member(text: str) -> tuple[str, str]:
    match = _MEMBER.match(text)
    if not match:
        raise RefnisError(f"onleesbare gemeente in fusietabel: {text!r}")
    return match["nis"], match["name"]


def read_mergers(fusies_path: Path) -> list[dict]:
    """Rows of the mergers table as {nis, name, provisional_name, members: [(nis, name)]}.

    The file separates its two columns by a comma plus a tab, so each cell is
    stripped; the new name may carry "(voorlopige naam)" before its code.
    """
    with open(fusies_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    mergers = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 2:
            raise RefnisError(f"{fusies_path}, regel {line}: verwacht 2 kolommen, kreeg {len(row)}")
        members = [_parse_member(part) for part in row[0].split("+")]
        nis, name = _parse_member(row[1].strip())
        provisional = name.endswith(PROVISIONAL)
        name = name.removesuffix(PROVISIONAL).strip()
        mergers.append(
            {"nis": nis, "name": name, "provisional_name": provisional, "members": members}
        )
    return mergers


def _former_entities(merger: dict) -> list[dict]:
    """Members whose code disappears; a member keeping its own code (Antwerpen) is no former entity."""
    return [
        {"nis": nis, "name": name}
        for nis, name in sorted(merger["members"])
        if nis != merger["nis"]
    ]


def build_municipalities(refnis_path: Path, fusies_path: Path) -> list[dict]:
    """The Flemish municipalities as of 1 January 2025, sorted by NIS code."""
    rows = _read_refnis(Path(refnis_path))
    arrondissements = _current_rows(rows, "3")
    provinces = _current_rows(rows, "2")
    current = {}
    for nis, row in _current_rows(rows, "4").items():
        if _is_flemish(nis):
            arrondissement = arrondissements[row["CD_SUP_REFNIS"]]["TX_REFNIS_NL"]
            arrondissement = arrondissement.removeprefix("Arrondissement ").strip()
            current[nis] = {
                "nis": nis,
                "name": _strip_arrondissement(row["TX_REFNIS_NL"], arrondissement),
                "province": _province_of(nis, arrondissements, provinces),
                "former": [],
                "provisional_name": False,
            }
    for merger in read_mergers(Path(fusies_path)):
        if not _is_flemish(merger["nis"]):
            continue
        for nis, _name in merger["members"]:
            if nis not in current:
                raise RefnisError(f"fusie {merger['name']}: {nis} is geen huidige Vlaamse gemeente")
            del current[nis]
        current[merger["nis"]] = {
            "nis": merger["nis"],
            "name": merger["name"],
            "province": _province_of(merger["nis"], arrondissements, provinces),
            "former": _former_entities(merger),
            "provisional_name": merger["provisional_name"],
        }
    return [current[nis] for nis in sorted(current)]


def render(municipalities: list[dict]) -> str:
    """The shipped file's exact text, so a fresh build can be compared byte for byte."""
    return json.dumps(municipalities, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    output = Path(args[0]) if args else DEFAULT_OUTPUT
    municipalities = build_municipalities(DEFAULT_REFNIS, DEFAULT_FUSIES)
    output.write_text(render(municipalities), encoding="utf-8")
    print(f"{len(municipalities)} gemeenten geschreven naar {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
