"""Reader for PDF files with a text layer (pypdf); scanned PDFs are refused, not guessed at."""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from .errors import ReaderError
from .segment import reflow
from .textual import regulation_from_lines

# pypdf logs every recoverable oddity of real-world PDFs; our own error says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_lines(path: Path) -> list[str]:
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReaderError(path, "PDF is beveiligd met een wachtwoord")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ReaderError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReaderError(path, f"beschadigd of onleesbaar PDF-bestand ({exc})") from exc
    if not pages:
        raise ReaderError(path, "beschadigd of onleesbaar PDF-bestand (geen pagina's)")
    if not any(page.strip() for page in pages):
        raise ReaderError(path, "geen tekstlaag: OCR wordt niet ondersteund")
    return [line for page in pages for line in page.splitlines()]


def read_pdf(path: str | Path, **meta) -> dict:
    """One regulation from a PDF; wrapped lines are joined back into paragraphs first."""
    path = Path(path)
    return regulation_from_lines(reflow(pdf_lines(path)), file=path, fmt="pdf", **meta)
