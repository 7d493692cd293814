"""Every setting is documented (as Datasette's tests/test_docs.py does for its settings)."""

from pathlib import Path

import pytest

from drempelbank.config import Settings

DOC = (Path(__file__).parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_documented(name):
    assert f"| `{name}` |" in DOC, f"docs/configuration.md does not document the setting {name!r}"
    assert Settings.model_fields[name].description, f"setting {name!r} has no description"


def test_readme_shows_the_two_commands():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
