"""`drempelbank brief` end to end: the format follows the extension; bad input gives a Dutch message,
exit 1 and no file."""

import os
import sqlite3

import pytest
from pypdf import PdfReader

from tests.test_cli import run


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("nota")
    assert run(home, "init", "--demo").returncode == 0
    return home


def test_brief_in_markdown_and_pdf(home, tmp_path):
    out = tmp_path / "nota.md"
    result = run(home, "brief", "--out", str(out), "--filter", "status=gemeld", "--filter", "status=in-analyse",
                 "--filter", "niveau=vlaams")
    assert result.returncode == 0, result.stderr
    assert "geschreven naar" in result.stdout and "formaat md" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Nota aan de Vlaamse Regering")
    assert "Selectie: Drempels met niveau ‘Vlaams’; status ‘Gemeld’ of ‘In analyse’." in text
    pdf = tmp_path / "nota.pdf"
    assert run(home, "brief", "--out", str(pdf), "--filter", "soort=Financieel").returncode == 0
    pages = PdfReader(pdf).pages
    assert len(pages) > 3 and "Nota aan de Vlaamse Regering" in pages[0].extract_text()


@pytest.mark.parametrize("args, message", [
    (["--filter", "kleur=rood"], "onbekend filterveld 'kleur'"),
    (["--filter", "status=weg"], "onbekende waarde 'weg'"),
    (["--filter", "niveau=europees", "--filter", "gemeente=Gent", "--filter", "status=opgelost"],
     "De selectie bevat geen enkele drempel"),
])
def test_refused_filters_write_nothing(home, tmp_path, args, message):
    out = tmp_path / "nota.pdf"
    result = run(home, "brief", "--out", str(out), *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_unsupported_extension_and_unwritable_path(home, tmp_path):
    result = run(home, "brief", "--out", str(tmp_path / "nota.odt"))
    assert result.returncode == 1 and "bestandstype '.odt' wordt niet ondersteund" in result.stderr
    folder = tmp_path / "nota.md"
    folder.mkdir()
    result = run(home, "brief", "--out", str(folder))
    assert result.returncode == 1 and "dit is een map, geen bestand" in result.stderr
    # /proc refuses new files even to root: the write itself fails, after the brief was made.
    result = run(home, "brief", "--out", "/proc/nota.md")
    assert result.returncode == 1 and "Geweigerd" in result.stderr and "Traceback" not in result.stderr
    assert not os.path.exists("/proc/nota.md")
    result = run(home, "brief", "--out", str(tmp_path / "bestaat-niet" / "nota.md"))
    assert result.returncode == 1 and "bestaat niet of is niet schrijfbaar" in result.stderr
    result = run(home, "brief", "--out", str(tmp_path / "ander.md"), "--filter", "status")
    assert result.returncode == 2


def _brief_count(home) -> int:
    with sqlite3.connect(home / "drempelbank.db") as db:
        return db.execute("select count(*) from brief").fetchone()[0]


def test_a_failed_write_records_no_brief(home):
    before = _brief_count(home)
    assert run(home, "brief", "--out", "/proc/nota.md").returncode == 1
    assert _brief_count(home) == before
