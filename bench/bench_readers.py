"""Articles read per second, per source format, on the real samples.

Run: python bench/bench_readers.py   (writes bench/results/readers.json)
PDF and DOCX inputs are made from the Justel sample's text, as the tests do.
"""

from __future__ import annotations

import html
import json
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.readers import read_regulations  # noqa: E402

SOURCES = (ROOT.parent / "shared" / "corpus-src", ROOT / "tests" / "ingest" / "resources")
REPEAT = 3


def source_dir() -> Path:
    return next(p for p in SOURCES if (p / "eurlex-avg-nl").is_dir())


def justel_lines(path: Path) -> list[str]:
    """The Justel text as plain lines (the form a copied or printed text has)."""
    raw = path.read_text(encoding="utf-8")
    body = raw[raw.lower().find('<a name="texte"'):raw.lower().find('<a name="modification"')]
    body = re.sub(r"(?is)<sup>.*?<span[^>]*>(\d+)</span>.*?</sup>", r"\1", body)
    body = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"(?i)<br\s*/?>", "\n", body)))
    lines = [line.replace("\xa0", " ").strip() for line in body.split("\n")]
    return ["8 JUNI 1867. - STRAFWETBOEK.", *[line for line in lines if line]]


def make_inputs(src: Path, tmp: Path) -> dict[str, Path]:
    lines = justel_lines(src / "justel-html-nl" / "strafwetboek_nl.html")
    text = tmp / "strafwetboek.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    inputs = {"justel": src / "justel-html-nl" / "strafwetboek_nl.html", "eurlex": src / "eurlex-avg-nl",
              "bwb": src / "bwb-xml-nl", "text": text}
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(tmp / "strafwetboek.docx"))
    inputs["docx"] = tmp / "strafwetboek.docx"
    try:
        from reportlab.lib.utils import simpleSplit
        from reportlab.pdfgen.canvas import Canvas
    except ImportError:
        print("pdf: overgeslagen (reportlab niet geïnstalleerd)")
        return inputs
    canvas, y = Canvas(str(tmp / "strafwetboek.pdf")), 800
    for line in lines:
        for part in simpleSplit(line, "Helvetica", 10, 440) or [""]:
            if y < 50:
                canvas.showPage()
                y = 800
            canvas.setFont("Helvetica", 10)
            canvas.drawString(60, y, part)
            y -= 13
    canvas.save()
    inputs["pdf"] = tmp / "strafwetboek.pdf"
    return inputs


def measure(path: Path) -> dict:
    best, articles = float("inf"), 0
    for _ in range(REPEAT):
        start = time.perf_counter()
        regulations = read_regulations(path)
        best = min(best, time.perf_counter() - start)
        articles = sum(len(r["articles"]) for r in regulations)
    return {"input": path.name, "articles": articles, "seconds": round(best, 4),
            "articles_per_second": round(articles / best, 1), "bytes": _size(path)}


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else path.stat().st_size


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        inputs = make_inputs(source_dir(), Path(tmp))
        results = {fmt: measure(path) for fmt, path in inputs.items()}
    for fmt, row in results.items():
        print(f"{fmt:7} {row['articles']:5} artikels  {row['seconds']:8.3f} s  {row['articles_per_second']:10.1f} artikels/s")
    out = ROOT / "bench" / "results" / "readers.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(), "repeat": REPEAT, "best_of": True}
    out.write_text(json.dumps({"meta": meta, "formats": results}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
