"""Paths of the real samples under tests/ingest/resources and documents made from them at test time."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest


RESOURCES = Path(__file__).resolve().parents[1] / "resources"
JUSTEL = RESOURCES / "justel-html-nl" / "strafwetboek_nl.html"
EURLEX = RESOURCES / "eurlex-avg-nl"
AWB = RESOURCES / "bwb-xml-nl" / "BWBR0005537_2024-05-01_0.xml"
GEMW = RESOURCES / "bwb-xml-nl" / "BWBR0005416_2024-01-31_0.xml"


def justel_plain_lines(path: Path = JUSTEL) -> list[str]:
    """The Justel text part as plain lines, by crude tag stripping (independent of the reader)."""
    raw = path.read_text(encoding="utf-8")
    start, end = raw.lower().find('<a name="texte"'), raw.lower().find('<a name="modification"')
    body = re.sub(r"(?is)<sup>.*?<span[^>]*>(\d+)</span>.*?</sup>", r"\1", raw[start:end])
    body = re.sub(r"(?i)<br\s*/?>", "\n", body)
    body = html.unescape(re.sub(r"<[^>]+>", "", body))
    lines = [line.replace("\xa0", " ").strip() for line in body.split("\n")]
    first = next(i for i, line in enumerate(lines) if line.startswith("BOEK"))
    return [line for line in lines[first:] if line]


def write_pdf(path: Path, lines: list[str], *, width: float = 440) -> Path:
    """A text PDF with lines wrapped the way a typeset document wraps them."""
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas", reason="reportlab niet geïnstalleerd")
    from reportlab.lib.utils import simpleSplit

    canvas = canvas_mod.Canvas(str(path))
    y = 800
    for line in lines:
        for part in simpleSplit(line, "Helvetica", 10, width) or [""]:
            if y < 50:
                canvas.showPage()
                y = 800
            canvas.setFont("Helvetica", 10)
            canvas.drawString(60, y, part)
            y -= 13
    canvas.save()
    return path


def write_docx(path: Path, lines: list[str]) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def flat(text: str) -> str:
    return " ".join(text.split())


def by_number(regulation: dict) -> dict[str, dict]:
    return {article["number"]: article for article in regulation["articles"]}
