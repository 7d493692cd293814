"""Reader for DOCX files (python-docx), with a size check before anything is unpacked."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx as python_docx
from lxml import etree
from docx.opc.exceptions import PackageNotFoundError

from .errors import ReaderError
from .textual import regulation_from_lines

from ingest.limits import MAX_UNPACKED_BYTES as MAX_UNCOMPRESSED


def check_zip(path: Path, max_uncompressed: int) -> None:
    """Refuses a DOCX that would unpack beyond the limit (a 'zip bomb') before parsing it."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReaderError(path, "beschadigd DOCX-bestand (geen geldig zip-archief)") from exc
    if total > max_uncompressed:
        raise ReaderError(path, f"DOCX-bestand te groot na uitpakken ({total // (1024 * 1024)} MB; "
                                f"maximum {max_uncompressed // (1024 * 1024)} MB)")
    if "word/document.xml" not in names:
        raise ReaderError(path, "beschadigd DOCX-bestand (word/document.xml ontbreekt)")


def docx_lines(path: Path, max_uncompressed: int = MAX_UNCOMPRESSED) -> list[str]:
    check_zip(path, max_uncompressed)
    try:
        document = python_docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise ReaderError(path, f"beschadigd DOCX-bestand ({exc})") from exc
    lines = []
    for block in document.element.body.iter():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(_run_text(node) for node in block.iter()))
    return lines


def _run_text(node) -> str:
    tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
    if tag == "t":
        return node.text or ""
    return " " if tag in ("tab", "br") else ""


def read_docx(path: str | Path, *, max_uncompressed: int = MAX_UNCOMPRESSED, **meta) -> dict:
    """One regulation from a DOCX; each Word paragraph is one line."""
    path = Path(path)
    return regulation_from_lines(docx_lines(path, max_uncompressed), file=path, fmt="docx", **meta)
