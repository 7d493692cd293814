"""The brief as one self-contained HTML file, and as the print source WeasyPrint turns into PDF."""

import base64
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader

from briefs import charts
from briefs.model import Brief, Bullets, Chart, Hint, Link, Para, Table, codes_text

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["codes"] = codes_text
    return env


def _svg_uri(chart: Chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(charts.render(chart, "svg")).decode("ascii")


def _cell(value: Any) -> dict[str, Any]:
    if isinstance(value, Link):
        return {"text": value.text, "url": value.url}
    return {"text": str(value), "url": None}


def _block(block: Any) -> dict[str, Any]:
    if isinstance(block, Para):
        return {"type": "para", "p": block}
    if isinstance(block, Bullets):
        return {"type": "bullets", "entries": block.items}
    if isinstance(block, Table):
        return {"type": "table", "t": block, "rows": [[_cell(c) for c in row] for row in block.rows]}
    if isinstance(block, Chart):
        return {"type": "chart", "c": block, "src": _svg_uri(block),
                "figures": list(zip(block.labels, block.values))}
    if isinstance(block, Hint):
        return {"type": "hint", "h": block}
    raise TypeError(f"unknown block {type(block).__name__}")


def page_context(brief: Brief) -> dict[str, Any]:
    sections = [{"s": s, "blocks": [_block(b) for b in s.blocks]} for s in brief.sections]
    return {"brief": brief, "sections": sections, "toc": [s for s in brief.sections if s.level <= 2]}


def render_fragment(brief: Brief) -> str:
    """The brief's body for the preview on /nota (styled by the site's own stylesheet)."""
    return _env().get_template("brief_body.html").render(page_context(brief))


def render_html(brief: Brief, *, for_print: bool = False) -> bytes:
    html = _env().get_template("brief.html").render(page_context(brief), for_print=for_print)
    return html.encode("utf-8")
