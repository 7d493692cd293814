"""The municipality list built from the shipped REFNIS copy and the 2025 mergers table."""
import json
from pathlib import Path

import pytest

from tools.refnis import (
    DEFAULT_FUSIES,
    DEFAULT_OUTPUT,
    DEFAULT_REFNIS,
    RefnisError,
    build_municipalities,
    main,
    read_mergers,
    render,
)


@pytest.fixture(scope="module")
def municipalities():
    return build_municipalities(DEFAULT_REFNIS, DEFAULT_FUSIES)


@pytest.fixture(scope="module")
def by_nis(municipalities):
    return {m["nis"]: m for m in municipalities}


def test_flanders_has_285_municipalities_since_2025(municipalities):
    assert len(municipalities) == 285


def test_counts_per_province(municipalities):
    counts = {}
    for m in municipalities:
        counts[m["province"]] = counts.get(m["province"], 0) + 1
    # 2024 counts from SOURCE.md minus the merged members plus the new entities.
    assert counts == {
        "Antwerpen": 69 - 2,
        "Vlaams-Brabant": 65 - 3 + 1,
        "West-Vlaanderen": 64 - 4 + 2,
        "Oost-Vlaanderen": 60 - 10 + 5,
        "Limburg": 42 - 8 + 4,
    }


def test_sorted_unique_codes_and_names(municipalities):
    codes = [m["nis"] for m in municipalities]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    names = [m["name"] for m in municipalities]
    assert len(set(names)) == len(names)


def test_refnis_disambiguation_suffix_is_dropped(by_nis):
    assert by_nis["41002"]["name"] == "Aalst"
    assert by_nis["46021"]["name"] == "Sint-Niklaas"
    assert by_nis["23027"]["name"] == "Halle"


def test_tongeren_borgloon_lists_its_former_municipalities(by_nis):
    merged = by_nis["73111"]
    assert merged["name"] == "Tongeren-Borgloon"
    assert merged["province"] == "Limburg"
    assert {"nis": "73083", "name": "Tongeren"} in merged["former"]
    assert {"nis": "73009", "name": "Borgloon"} in merged["former"]
    assert len(merged["former"]) == 2


def test_merged_members_are_no_longer_current(by_nis, municipalities):
    names = {m["name"] for m in municipalities}
    assert "11007" not in by_nis
    assert "Borsbeek" not in names
    for old in ("73083", "73009", "71022", "46003", "11056", "37015"):
        assert old not in by_nis


def test_kept_code_is_not_a_former_entity(by_nis):
    antwerpen = by_nis["11002"]
    assert antwerpen["former"] == [{"nis": "11007", "name": "Borsbeek"}]


def test_changed_code_keeps_the_old_code_of_the_same_name(by_nis):
    hasselt = by_nis["71072"]
    assert {"nis": "71022", "name": "Hasselt"} in hasselt["former"]
    assert {"nis": "73040", "name": "Kortessem"} in hasselt["former"]
    for new, old in {"46029": "46014", "44087": "44034", "37022": "37015", "37021": "37018"}.items():
        assert {"nis": old, "name": by_nis[new]["name"]} in by_nis[new]["former"]


def test_province_follows_the_new_code_across_province_borders(by_nis):
    bkz = by_nis["46030"]
    assert bkz["province"] == "Oost-Vlaanderen"
    assert {"nis": "11056", "name": "Zwijndrecht"} in bkz["former"]
    assert by_nis["23106"]["province"] == "Vlaams-Brabant"
    assert by_nis["24062"]["province"] == "Vlaams-Brabant"


def test_provisional_name_suffix_is_dropped_and_flagged(by_nis):
    bkz = by_nis["46030"]
    assert bkz["name"] == "Beveren-Kruibeke-Zwijndrecht"
    assert bkz["provisional_name"] is True
    flagged = [m["nis"] for m in by_nis.values() if m["provisional_name"]]
    assert flagged == ["46030"]


def test_mergers_table_reads_through_comma_tab_separator():
    mergers = read_mergers(DEFAULT_FUSIES)
    assert len(mergers) == 14
    for merger in mergers:
        assert merger["name"] == merger["name"].strip()
        assert all(nis.isdigit() and len(nis) == 5 for nis, _ in merger["members"])
    flemish = [m for m in mergers if not m["nis"].startswith("8")]
    assert sum(len(m["members"]) for m in flemish) == 28


def test_unknown_member_code_is_refused(tmp_path):
    fusies = tmp_path / "fusies.csv"
    fusies.write_text(
        "Fuserende gemeenten,\tNieuwe gemeenten\nNergens (19999) + Gent (44021),\tNergens-Gent (44099)",
        encoding="utf-8",
    )
    with pytest.raises(RefnisError, match="19999"):
        build_municipalities(DEFAULT_REFNIS, fusies)


def test_shipped_file_equals_a_fresh_build(municipalities):
    shipped = DEFAULT_OUTPUT.read_text(encoding="utf-8")
    assert shipped == render(municipalities)
    assert json.loads(shipped) == municipalities


def test_main_writes_the_file(tmp_path: Path):
    target = tmp_path / "gemeenten.json"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == DEFAULT_OUTPUT.read_text(encoding="utf-8")
