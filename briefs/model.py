"""The content model of a brief: built once, rendered as Markdown, HTML, PDF and DOCX.

Every block that states something carries the barrier codes it rests on.
"""

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Link:
    text: str
    url: str | None = None


@dataclass
class Para:
    text: str
    codes: list[str] = field(default_factory=list)
    quote: bool = False
    # Instead of a long list of codes: which barriers, in words (their codes stand in the annex).
    summary: str = ""


@dataclass
class Bullets:
    items: list[Para]


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str | Link]]
    codes: list[str] = field(default_factory=list)
    # Layout hints for HTML/PDF: a class for the table and one per column (fixed widths print fast).
    css: str = ""
    columns: list[str] = field(default_factory=list)


@dataclass
class Chart:
    key: str
    title: str
    xlabel: str
    ylabel: str
    labels: list[str]
    values: list[int]
    codes: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def alt(self) -> str:
        """The text alternative: the chart's figures in words."""
        figures = "; ".join(f"{label}: {value}" for label, value in zip(self.labels, self.values))
        return f"{self.title}. {self.ylabel} per {self.xlabel.lower()}: {figures}."

    @property
    def caption(self) -> str:
        """The caption under the chart: its axes and its figures, so the text stands without the picture."""
        figures = "; ".join(f"{label} {value}" for label, value in zip(self.labels, self.values))
        return f"{self.title} ({self.xlabel} tegenover {self.ylabel.lower()}). In tekst: {figures}."


@dataclass
class Hint:
    """A marked remark (the equivalence hint): shown in a box in every format."""
    title: str
    text: str
    codes: list[str] = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    level: int = 1
    blocks: list[Any] = field(default_factory=list)


@dataclass
class Brief:
    title: str
    subtitle: str
    date_text: str
    service: str
    addressee: str
    selection_text: str
    codes: list[str]
    sections: list[Section]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Above this many codes a paragraph names its barriers in words; the annex lists every code.
MAX_CITED = 40
MAX_WHOLE = 10


def codes_text(codes: list[str], summary: str = "") -> str:
    """How a paragraph names its sources, the same in every format."""
    if summary:
        return f"[{summary}]"
    return f"[{', '.join(codes)}]" if codes else ""


def whole_of(codes: list[str]) -> dict:
    """Keyword arguments of a block that rests on the whole selection."""
    if len(codes) <= MAX_WHOLE:  # a short selection is simply named
        return {"codes": list(codes), "summary": ""}
    return {"codes": [], "summary": f"alle {len(codes)} drempels van de selectie; zie de bijlage"}


def cited(codes: list[str], what: str) -> dict:
    """The codes themselves, or for a long list `what` they share, in words (e.g. "met status ‘Gemeld’")."""
    if len(codes) <= MAX_CITED:
        return {"codes": list(codes), "summary": ""}
    return {"codes": [], "summary": f"{len(codes)} drempels {what}; hun codes staan in de bijlage"}
