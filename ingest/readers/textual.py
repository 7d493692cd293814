"""Reader for plain text and Markdown, and the common tail of the PDF and DOCX readers."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ReaderError
from .regulation import new_regulation, parse_dutch_date
from .segment import Line, article_dicts, reflow, segment

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MD_EMPHASIS = re.compile(r"(\*\*|__|(?<!\w)\*(?!\s)|(?<!\w)_(?!\s))")
_MD_QUOTE = re.compile(r"^\s*>\s?")


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def markdown_lines(text: str) -> list[str]:
    """Markdown reduced to its words: heading marks, emphasis and quotes carry no legal meaning."""
    lines = []
    for raw in text.splitlines():
        raw = _MD_QUOTE.sub("", _MD_HEADING.sub("", raw))
        lines.append(_MD_EMPHASIS.sub("", raw))
    return lines


def regulation_from_lines(lines: list[str], *, file: str | Path, fmt: str, **meta) -> dict:
    """Segments running text into a regulation; the first lines before any article give the title."""
    seg = segment([Line(text, number=i) for i, text in enumerate(lines, start=1)])
    if not seg.articles:
        raise ReaderError(file, "geen artikels gevonden (verwacht 'Art. 1.' of 'Artikel 1')")
    articles = article_dicts(seg.articles)
    _check_unique(articles, file)
    title = meta.pop("title", None) or (seg.preamble[0].rstrip(". ") if seg.preamble else Path(file).stem)
    meta.setdefault("date", parse_dutch_date(title))
    return new_regulation(title=title, articles=articles, fmt=fmt, file=file, **meta)


def _check_unique(articles: list[dict], file: str | Path) -> None:
    """Two articles with one number mean the segmentation misread the text; say so rather than merge."""
    seen: dict[str, int] = {}
    for article in articles:
        count = seen.get(article["number"], 0) + 1
        seen[article["number"]] = count
        if count > 1:
            article["number"] = f"{article['number']} ({count})"


def read_text(path: str | Path, **meta) -> dict:
    """One regulation from a .txt or .md file."""
    path = Path(path)
    text = decode_text(path.read_bytes())
    if "\x00" in text:
        raise ReaderError(path, "geen tekstbestand (binaire inhoud)")
    if path.suffix.lower() in (".md", ".markdown"):
        lines = reflow(markdown_lines(text))  # Markdown wraps paragraphs softly
    else:
        lines = text.splitlines()  # in plain text a line break is the author's
    return regulation_from_lines(lines, file=path, fmt="text", **meta)
