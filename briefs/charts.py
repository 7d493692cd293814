"""Charts of a brief with matplotlib's Agg backend: SVG for HTML and PDF, PNG for DOCX.

No display, no font downloads (DejaVu Sans ships with matplotlib); output is deterministic so the
same facts give the same file.
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from briefs.model import Chart  # noqa: E402

STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "drempelbank", "svg.fonttype": "none"}
COLOUR = "#2d5b8a"


def _figure(chart: Chart):
    horizontal = chart.key != "kwartaal"
    height = max(2.2, 0.32 * len(chart.labels) + 1.0) if horizontal else 2.8
    fig, ax = plt.subplots(figsize=(6.3, height), dpi=100)
    if horizontal:
        positions = list(range(len(chart.labels)))[::-1]
        ax.barh(positions, chart.values, color=COLOUR)
        ax.set_yticks(positions, chart.labels)
        ax.set_xlabel(chart.ylabel)
        ax.set_ylabel(chart.xlabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for y, value in zip(positions, chart.values):
            ax.text(value, y, f" {value}", va="center", fontsize=8)
    else:
        ax.bar(range(len(chart.labels)), chart.values, color=COLOUR)
        ax.set_xticks(range(len(chart.labels)), chart.labels, rotation=60, ha="right", fontsize=7)
        ax.set_xlabel(chart.xlabel)
        ax.set_ylabel(chart.ylabel)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(chart.title)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def render(chart: Chart, fmt: str) -> bytes:
    """The chart as 'svg' or 'png' bytes."""
    with plt.rc_context(STYLE):
        fig = _figure(chart)
        buffer = io.BytesIO()
        metadata = {"Date": None, "Creator": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, metadata=metadata, dpi=150 if fmt == "png" else 100)
        plt.close(fig)
    return buffer.getvalue()
