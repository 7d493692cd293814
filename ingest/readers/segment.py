"""Article segmentation shared by every reader that starts from running text.

Justel HTML, plain text, Markdown, PDF and DOCX all reach this module as a
list of lines; finding articles, heading paths and Justel amendment notes the
same way everywhere keeps the formats consistent with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .regulation import new_article, unnumbered_article_label

ARTICLE_NUMBER = r"(?:[IVXLC]+\.)?\d+(?:[.:]\d+)*[a-z]*(?:/\d+)?"
_ART_INLINE = re.compile(rf"^(?:Art\.?|Artikel|ARTIKEL)\s*(?P<num>{ARTICLE_NUMBER})\s*\.(?!\d)\s*(?P<rest>.*)$")
_ART_SOLE = re.compile(r"^(?:Enig artikel|ENIG ARTIKEL)\s*\.(?:\s+(?P<rest>.+))?$")
_ART_ALONE = re.compile(
    rf"^(?:Art\.|Artikel|ARTIKEL)\s*(?P<num>{ARTICLE_NUMBER})(?:\s*[-–—]\s+|:\s+)?(?P<heading>(?<=\s).+)?$")
_HEADING = re.compile(
    r"^(?P<kind>(?i:deel|boek|titeldeel|titel|hoofdstuk|onderafdeling|afdeling|paragraaf|subsectie|sectie))"
    r"\s+(?P<num>[0-9IVXLC]+[a-z]*(?:[.:][0-9A-Za-z]+)*)\.?\s*(?:[-–—:.]\s*(?P<title>.*))?$")
HEADING_LEVELS = {
    "deel": 0, "boek": 1, "titel": 2, "hoofdstuk": 3, "titeldeel": 3.5, "afdeling": 4,
    "onderafdeling": 5, "paragraaf": 6, "sectie": 6, "subsectie": 7,
}
_UNKNOWN_LEVEL = 9

_FOOTNOTE_RULE = re.compile(r"^-{5,}$")
_INLINE_NOTE = re.compile(r"<\s*[A-Za-zÀ-ÿ][^<>]{0,600}?\d[^<>]{0,600}?>")
_MARK_OPEN = re.compile(r"\[\d+\s?")
_MARK_CLOSE = re.compile(r"\]\d+")
_REPEALED = re.compile(r"^[\[(]?\s*(opgeheven|vervallen)\s*[\])]?\s*\.?\s*(\(|$)", re.I)
_STRUCTURAL = re.compile(
    r"^(?:\[\d+\s*)*(-{3,}|§\s*\d|\d+°|[a-z]{1,2}\)\s|\(?[ivx]{1,5}\)\s|\d+[.)]\s|\(\d+\)|[-•–]\s|Art\.|Artikel\s|ARTIKEL\s)")


@dataclass
class Line:
    """One line of running text; heading=None lets the text decide."""
    text: str
    heading: bool | None = None
    number: int | None = None


@dataclass
class RawArticle:
    number: str
    path: list[str]
    heading: str | None = None
    lines: list[str] = field(default_factory=list)
    line_number: int | None = None


@dataclass
class Segmented:
    preamble: list[str]
    articles: list[RawArticle]


def normalise_space(text: str) -> str:
    return re.sub(r"[ \t\u00a0\u2002\u2003\u2009\u202f]+", " ", text).strip()


def clean_inline(text: str) -> tuple[str, list[str]]:
    """Removes Justel amendment notes and [1 ...]1 markers; returns (text, notes)."""
    notes = [normalise_space(m.group(0)) for m in _INLINE_NOTE.finditer(text)]
    text = _INLINE_NOTE.sub(" ", text)
    text = _MARK_CLOSE.sub("", _MARK_OPEN.sub("", text))
    return text, notes


class PathStack:
    """The chain of headings above the current position, by heading level."""

    def __init__(self) -> None:
        self._items: list[tuple[float, str]] = []

    def push(self, level: float, label: str) -> None:
        while self._items and self._items[-1][0] >= level:
            self._items.pop()
        self._items.append((level, label))

    def retitle(self, title: str) -> None:
        """Adds a title that came on the line after its heading label."""
        level, label = self._items[-1]
        self._items[-1] = (level, f"{label} - {title}")

    @property
    def path(self) -> list[str]:
        return [label for _, label in self._items]


def heading_label(text: str) -> tuple[float, str, bool]:
    """(level, label, has_title) for a heading line, e.g. 'Hoofdstuk I - Misdrijven'."""
    text, _ = clean_inline(text)
    text = normalise_space(text)
    m = _HEADING.match(text)
    if not m:
        return _UNKNOWN_LEVEL, text.strip(" .-"), True
    kind = m.group("kind").lower()
    label = f"{kind.capitalize()} {m.group('num')}"
    title = normalise_space(m.group("title") or "").strip(" -").rstrip(".")
    return HEADING_LEVELS[kind], (f"{label} - {title}" if title else label), bool(title)


def _is_heading(line: Line, started: bool) -> bool:
    """Capitals alone make a heading only once the body has begun: a title is in capitals too."""
    if line.heading is not None:
        return line.heading
    return bool(_HEADING.match(line.text)) or (started and _is_caps_heading(line.text))


def _is_caps_heading(text: str) -> bool:
    """Consolidated texts set headings without a keyword in capitals ("BIJZONDERE BEPALINGEN.")."""
    letters = [c for c in clean_inline(text)[0] if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _article_start(text: str) -> tuple[str, str | None, str | None] | None:
    """(number, rest of line, heading) when the line opens an article; the single article of an act
    ("Enig artikel.") has no number, so its words are its label (readers mark it as such)."""
    m = _ART_SOLE.match(text)
    if m:
        return "Enig artikel", m.group("rest") or None, None
    m = _ART_ALONE.match(text)
    if m:
        return m.group("num"), None, m.group("heading")
    m = _ART_INLINE.match(text)
    if m:
        return m.group("num"), m.group("rest"), None
    return None


def _is_subtitle(text: str) -> bool:
    """A short line without final punctuation right after a bare label is its title."""
    return (0 < len(text) <= 160 and not text.endswith((".", ";", ":", ","))
            and not _STRUCTURAL.match(text) and not _HEADING.match(text) and not _article_start(text))


def segment(lines: list[Line]) -> Segmented:
    """Splits running text into articles with their heading paths."""
    stack, preamble, articles = PathStack(), [], []
    current: RawArticle | None = None
    expect = None  # "heading-title" or "article-heading": what a short next line would be
    for line in lines:
        text = normalise_space(line.text)
        if not text:
            continue
        if expect and _is_subtitle(text):
            if expect == "heading-title":
                stack.retitle(clean_inline(text)[0].strip())
            else:
                current.heading = text
            expect = None
            continue
        expect = None
        if _is_heading(line, started=bool(articles or stack.path)):
            level, label, has_title = heading_label(text)
            stack.push(level, label)
            expect = None if has_title else "heading-title"
            continue
        start = _article_start(text)
        if start:
            number, rest, heading = start
            current = RawArticle(number, stack.path, heading=heading, line_number=line.number)
            articles.append(current)
            if rest:
                current.lines.append(rest)
            elif rest is None and heading is None:
                expect = "article-heading"
            continue
        (current.lines if current else preamble).append(text)
    return Segmented(preamble, articles)


def finish_text(lines: list[str]) -> tuple[str, list[str], str]:
    """Article text without notes and markers, its notes and its status."""
    notes: list[str] = []
    body: list[str] = []
    in_footnotes = False
    for raw in lines:
        if _FOOTNOTE_RULE.match(raw.strip()):
            in_footnotes = True
            continue
        if in_footnotes:
            notes.append(normalise_space(raw))
            continue
        body.append(raw)
    text, inline = clean_inline("\n".join(body))
    cleaned = [normalise_space(part) for part in text.split("\n")]
    text = "\n".join(part for part in cleaned if part)
    status = "geldend"
    m = _REPEALED.match(text)
    if m:
        status = "opgeheven" if m.group(1).lower() == "opgeheven" else "vervallen"
    return text, inline + notes, status


def _starts_new(prev: str | None, text: str) -> bool:
    """Whether a visual line opens a new line of the text rather than continuing the previous one."""
    if prev is None or _STRUCTURAL.match(text) or _HEADING.match(text):
        return True
    if prev.count("<") > prev.count(">"):
        return False  # an amendment note goes on (Justel sometimes forgets to close one)
    caps_continues = not prev.endswith((".", ")", ">")) and (
        _is_caps_heading(prev) or bool((m := _HEADING.match(prev)) and m.group("title")))
    return bool(((_is_caps_heading(text) or _is_caps_heading(prev)) and not caps_continues)
                or (prev.endswith((".", ":", ";")) and (text[0].isupper() or text[0] in "([")))


def reflow(lines: list[str]) -> list[str]:
    """Joins visually wrapped lines (PDF, Markdown) back into paragraphs and points."""
    out: list[str] = []
    joinable = after_label = in_title = after_title = False
    for raw in lines:
        text = normalise_space(raw)
        if not text:
            joinable = False
            continue
        prev = out[-1] if out and (joinable or in_title) else None
        if in_title and not _wrapped_title(prev, text):
            prev = None
        starts_new = _starts_new(prev, text)
        if starts_new:
            out.append(text)
        elif re.search(r"[a-zà-ÿ]-$", prev) and text[0].islower():
            out[-1] = prev[:-1] + text
        else:
            out[-1] = f"{prev} {text}"
        # A bare label ("HOOFDSTUK I", "Artikel 6") and the title line after it stand alone,
        # except that a long title may wrap once onto a shorter line.
        heading = _HEADING.match(out[-1])
        is_label = bool(_ART_ALONE.match(out[-1]) or (heading and not heading.group("title")))
        in_title = after_label and starts_new and _is_subtitle(out[-1])
        joinable = not (is_label or in_title or (not starts_new and after_title))
        after_title, after_label = in_title, is_label
    return out


def _wrapped_title(title: str, text: str) -> bool:
    return len(title) >= 60 and len(text) < 0.8 * len(title) and _is_subtitle(text)


def article_dicts(raws: list[RawArticle]) -> list[dict]:
    """Article dicts of segmented articles; one without a number keeps its words as a marked label."""
    articles, unnumbered = [], 0
    for raw in raws:
        text, notes, status = finish_text(raw.lines)
        number = raw.number
        if not any(c.isdigit() for c in number):
            unnumbered += 1
            number, note = unnumbered_article_label([number], unnumbered)
            notes = [note, *notes]
        articles.append(new_article(number, text, heading=raw.heading, path=raw.path, status=status, notes=notes))
    return articles
