"""Reader for Justel HTML ("Geconsolideerde wetgeving"), the consolidated federal texts.

The article text is one table cell of <br>-separated lines; headings carry
LNK anchors and amendment markers are <sup> numbers, so the page becomes a
list of lines for the shared segmenter, with the markers rendered as [1 ...]1
the way Justel prints them.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from .errors import ReaderError
from .regulation import new_regulation, parse_dutch_date
from .segment import Line, article_dicts, normalise_space, segment

_ELI = re.compile(r"https?://www\.ejustice\.just\.fgov\.be/eli/[^\s<\"']+")


def decode_html(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_html(data: bytes, file: str | Path):
    try:
        return lxml.html.document_fromstring(decode_html(data))
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ReaderError(file, f"onleesbare HTML ({exc})") from exc


def _anchor(doc, name: str):
    found = doc.xpath(f"//a[translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')='{name}']")
    return found[0] if found else None


def is_justel_layout(doc) -> bool:
    return _anchor(doc, "texte") is not None and bool(doc.xpath("//a[starts-with(@name, 'Art')]"))


def _text_cell(doc, file):
    anchor = _anchor(doc, "texte")
    tables = anchor.xpath("following::table[1]") if anchor is not None else []
    cells = tables[0].xpath("./tr[2]/*|./tbody/tr[2]/*") if tables else []
    if not cells:
        raise ReaderError(file, "onbekende HTML-indeling: geen tekstgedeelte gevonden")
    return cells[0]


def _render(cell) -> list[Line]:
    """Lines of the text cell; heading lines are those holding an LNK anchor."""
    parts: list[str] = []
    headings: set[int] = set()

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            parts.append("\n")
        elif tag == "sup":
            parts.append(el.text_content().strip())
        else:
            if tag == "a" and (el.get("name") or "").startswith("LNK"):
                headings.add("".join(parts).count("\n"))
            parts.append(el.text or "")
            for child in el:
                walk(child)
        if el is not cell:
            parts.append(el.tail or "")

    walk(cell)
    texts = "".join(parts).split("\n")
    return [Line(text, heading=(i in headings)) for i, text in enumerate(texts)]


def _header(doc) -> dict:
    anchor = _anchor(doc, "titre")
    table = anchor.xpath("following::table[1]")[0] if anchor is not None else None
    header = normalise_space(table.text_content()) if table is not None else ""
    bold = table.xpath(".//b") if table is not None else []
    full = normalise_space(bold[0].text_content()).rstrip(". ") if bold else ""
    date_part, _, name = full.partition(" - ")
    name = name.strip().rstrip(".") or full
    if name.isupper():
        name = name.capitalize()
    top = normalise_space(doc.text_content()[:20000])
    eli = _ELI.search(top)
    numac = re.search(r"nummer\s*:\s*(\d{10})", header)
    published = re.search(r"Publicatie\s*:\s*(\d{2}-\d{2}-\d{4})", header)
    return {
        "title": name, "date": parse_dutch_date(date_part),
        "published": parse_dutch_date(published.group(1)) if published else None,
        "identifiers": {"eli": eli.group(0) if eli else None, "numac": numac.group(1) if numac else None},
        "url": eli.group(0) if eli else None,
    }


def articles_from_lines(lines: list[Line]) -> list[dict]:
    return article_dicts(segment(lines).articles)


def read_justel(path: str | Path, *, fmt: str = "justel", **meta) -> dict:
    """One regulation from a Justel (or Justel-like Codex) HTML page."""
    path = Path(path)
    doc = parse_html(path.read_bytes(), path)
    if not is_justel_layout(doc):
        raise ReaderError(path, "onbekende HTML-indeling: geen Justel-artikels gevonden")
    articles = articles_from_lines(_render(_text_cell(doc, path)))
    if not articles:
        raise ReaderError(path, "geen artikels gevonden")
    header = _header(doc)
    for name in ("title", "date", "published", "url"):
        meta.setdefault(name, header[name])
    meta.setdefault("identifiers", header["identifiers"])
    return new_regulation(articles=articles, fmt=fmt, file=path, **meta)


def read_codex(path: str | Path, **meta) -> dict:
    """Vlaamse Codex HTML; read as Justel when it has the Justel layout.

    No Codex page was available to build a dedicated reader, so any other
    layout is refused rather than guessed.
    """
    path = Path(path)
    if not is_justel_layout(parse_html(path.read_bytes(), path)):
        raise ReaderError(path, "onbekende HTML-indeling: deze Vlaamse Codex-pagina wordt niet herkend")
    return read_justel(path, fmt="codex", **meta)
