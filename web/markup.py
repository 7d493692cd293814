"""Text shown in pages: Markdown descriptions rendered to safe HTML, and audit values made readable.

markdown-it with raw HTML disabled, then nh3 as the real gate: even if a Markdown construct
produces something unexpected, only the tags and URL schemes below reach the browser.
"""

import json
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "h5",
        "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "sup", "sub"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"scope"}}
SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: typed HTML is shown as text; linkify off keeps the output predictable.
    return MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def render_markdown(text: str | None) -> Markup:
    """Markdown → sanitised HTML; headings start at h3 because the page owns h1 and h2."""
    if not text:
        return Markup("")
    html = _parser().render(text)
    for level in (2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 2}>").replace(f"</h{level}>", f"</h{level + 2}>")
    return Markup(nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                            link_rel="noopener noreferrer nofollow"))


def safe_snippet(html: str | None) -> Markup:
    """Search snippets come as HTML with <mark>; allow exactly that."""
    return Markup(nh3.clean(html or "", tags={"mark"}, attributes={}))


def shown_value(value: str | None) -> str:
    """An audit value as a person reads it: lists joined, a citation as 'text → reference', yes/no."""
    if not value:
        return ""
    try:
        data = json.loads(value)
    except ValueError:
        return value
    if isinstance(data, list):
        return ", ".join(str(v) for v in data)
    if isinstance(data, dict) and "raw" in data:
        return f"{data['raw']} → {data.get('ref') or 'niet herkend'}"
    if isinstance(data, bool):
        return "ja" if data else "nee"
    return value if not isinstance(data, (int, float)) else str(data)
