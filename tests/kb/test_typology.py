"""The enumerations in code and the Dutch typology in the corpus name the same values."""

import json
from pathlib import Path

import pytest

from kb import enums

TYPOLOGY = json.loads((Path(__file__).parents[2] / "corpus" / "typology.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("group, enum", [
    ("kinds", enums.Kind), ("werven", enums.Werf), ("levels", enums.Level), ("statuses", enums.Status),
    ("solution_types", enums.SolutionType), ("regulation_kinds", enums.RegulationKind),
    ("regulation_levels", enums.RegulationLevel), ("project_types", enums.ProjectType), ("roles", enums.Role),
    ("link_roles", enums.LinkRole),
])
def test_typology_matches_enum(group, enum):
    entries = TYPOLOGY[group]
    assert [e["value"] for e in entries] == enums.values(enum)
    assert all(e["label"] and e["definition"] for e in entries)
