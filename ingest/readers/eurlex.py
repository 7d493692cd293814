"""Reader for EUR-Lex HTML (classes ti-art, sti-art, normal; points in tables).

A regulation may come as one page or as a folder of pages (introduction and
chapters); the folder is merged in reading order so paths and recitals join up.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from .errors import ReaderError
from .justel import parse_html
from .regulation import new_article, new_regulation, parse_dutch_date, unnumbered_article_label
from .segment import PathStack, heading_label

_CELEX = re.compile(r"CELEX[:%3A]+(\d{5}[A-Z]\d{4})")
_RECITAL = re.compile(r"^\((\d+)\)$")


def is_eurlex_layout(doc) -> bool:
    return bool(doc.xpath("//p[contains(@class, 'ti-art')]") or doc.xpath("//*[contains(@class, 'intro')]//h1")
                or (doc.xpath("//p[@class='normal']") and doc.xpath("//table//p[@class='normal']")))


def _text(el) -> str:
    """Text without footnote calls, which EUR-Lex sets as superscript numbers in links."""
    el = _copy_without_footnotes(el)
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _copy_without_footnotes(el):
    clone = copy.deepcopy(el)
    for call in clone.xpath(".//a[.//span[contains(@class, 'super')]]|.//sup"):
        parent = call.getparent()
        if parent is not None:
            tail = call.tail or ""
            prev = call.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
            parent.remove(call)
    return clone


def _table_lines(table) -> list[str]:
    """Flattens a point table to lines such as 'a) text'; nested tables become lines of their own."""
    lines = []
    for row in table.xpath("./tr|./tbody/tr"):
        cells = row.xpath("./td")
        label = " ".join(_text(c) for c in cells[:-1]).strip()
        last = cells[-1] if cells else None
        if last is None:
            continue
        own = [_text(p) for p in last.xpath("./p")] or [_text(last)]
        first, rest = (own[0], own[1:]) if own else ("", [])
        lines.append(f"{label} {first}".strip())
        lines.extend(rest)
        for inner in last.xpath(".//table"):
            lines.extend(_table_lines(inner))
    return [line for line in lines if line]


class _State:
    def __init__(self) -> None:
        self.stack = PathStack()
        self.pending_label = False
        self.articles: list[dict] = []
        self.lines: list[str] = []
        self.recitals: list[dict] = []
        self.preamble: list[str] = []
        self.finished = False

    def close(self) -> None:
        """Ends the open article; later closes must not blank it again."""
        if self.articles and self.lines:
            self.articles[-1]["text"] = "\n".join(self.lines)
        self.lines = []


def _visit(el, state: _State) -> None:
    cls = el.get("class") or ""
    if el.tag == "table":
        rows = _table_lines(el)
        recital = _RECITAL.match(rows[0].split(" ", 1)[0]) if rows else None
        if recital and not state.articles:
            text = "\n".join([rows[0].split(" ", 1)[1], *rows[1:]])
            state.recitals.append({"number": recital.group(1), "text": text})
        else:
            (state.lines if state.articles else state.preamble).extend(rows)
        return
    if "final" in cls.split():
        # The enacting formula and signatures follow the last article; they are not part of it.
        state.close()
        state.finished = True
        return
    if el.tag == "p":
        _visit_paragraph(el, cls, state)
        return
    for child in el:
        if isinstance(child.tag, str):
            _visit(child, state)


def _visit_paragraph(el, cls: str, state: _State) -> None:
    text, cls = _text(el), set(cls.split())
    if not text:
        return
    if "ti-section-1" in cls:
        state.close()
        level, label, _ = heading_label(text)
        state.stack.push(level, label)
        state.pending_label = True
    elif "ti-section-2" in cls and state.pending_label:
        state.stack.retitle(text)
        state.pending_label = False
    elif "ti-art" in cls:
        state.close()
        number = re.sub(r"^(Artikel|Art\.)\s*", "", text).strip()
        notes = []
        if not number or not any(c.isdigit() for c in number):
            # An article the act does not number ("Enig artikel"): a marked label, never a refusal.
            unnumbered = sum(1 for a in state.articles if a["number"].startswith("zonder nummer"))
            number, note = unnumbered_article_label([text], unnumbered + 1)
            notes.append(note)
        state.articles.append(new_article(number, "", path=state.stack.path, notes=notes))
    elif "sti-art" in cls and state.articles:
        state.articles[-1]["heading"] = text
    elif state.articles and not state.finished:
        state.lines.append(text)
    elif not state.articles:
        state.preamble.append(text)


def _chapter_order(path: Path) -> tuple[int, int, str]:
    m = re.search(r"(\d+)", path.stem)
    return (0 if "intro" in path.stem.lower() else 1, int(m.group(1)) if m else 0, path.name)


def eurlex_files(folder: Path) -> list[Path]:
    return sorted((p for p in folder.iterdir() if p.suffix.lower() in (".html", ".htm")), key=_chapter_order)


def _metadata(docs: list[tuple[Path, object, str]]) -> dict:
    title, celex = "", None
    for _, doc, raw in docs:
        heading = doc.xpath("//*[contains(@class, 'intro')]//h1|//p[contains(@class, 'doc-ti')]")
        if heading and not title:
            h1 = heading[0]
            following = h1.xpath("following-sibling::p[1]")
            parts = [*h1.itertext(), following[0].text_content() if following else ""]
            title = re.sub(r"\s+", " ", " ".join(parts)).strip()
        m = _CELEX.search(raw)
        celex = celex or (m.group(1) if m else None)
    return {"title": title, "celex": celex}


def read_eurlex(path: str | Path, files: list[Path] | None = None, **meta) -> dict:
    """One regulation from an EUR-Lex page or a folder of its pages (or the given pages of it)."""
    path = Path(path)
    if files is not None:
        files = sorted(files, key=_chapter_order)
    else:
        files = eurlex_files(path) if path.is_dir() else [path]
    if not files:
        raise ReaderError(path, "map bevat geen HTML-bestanden")
    docs, state = [], _State()
    for file in files:
        raw = file.read_bytes()
        doc = parse_html(raw, file)
        if not is_eurlex_layout(doc):
            raise ReaderError(file, "onbekende HTML-indeling: geen EUR-Lex-opmaak")
        docs.append((file, doc, raw[:4000].decode("utf-8", "replace")))
        body = doc.xpath("//body")
        _visit(body[0] if body else doc, state)
    state.close()
    articles = state.articles
    if not articles:
        raise ReaderError(path, "geen artikels gevonden")
    found = _metadata(docs)
    title = meta.pop("title", None) or found["title"] or path.stem
    date = re.search(r"van (\d{1,2} \w+ \d{4})", title)
    celex = found["celex"]
    meta.setdefault("date", parse_dutch_date(date.group(1)) if date else None)
    meta.setdefault("identifiers", {"celex": celex})
    meta.setdefault("url", f"https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:{celex}" if celex else None)
    regulation = new_regulation(title=title, articles=articles, fmt="eurlex", file=path, **meta)
    regulation["recitals"] = state.recitals
    return regulation
