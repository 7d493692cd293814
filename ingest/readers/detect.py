"""Chooses the reader for a file or folder by its content, and runs it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ingest.limits import MAX_UPLOAD_BYTES

from .bwb import read_bwb
from .docx import MAX_UNCOMPRESSED, read_docx
from .errors import ReaderError
from .eurlex import read_eurlex
from .jsonfile import read_json
from .justel import read_codex, read_justel
from .pdf import read_pdf
from .textual import decode_text, read_text

FORMATS = ("json", "justel", "codex", "eurlex", "bwb", "pdf", "docx", "text")
MAX_BYTES = MAX_UPLOAD_BYTES
_SNIFF_BYTES = 64 * 1024
_HTML = re.compile(r"<!doctype html|<html|<body|<table|<p[\s>]", re.I)
_READERS = {"justel": read_justel, "codex": read_codex, "eurlex": read_eurlex, "bwb": read_bwb,
            "pdf": read_pdf, "docx": read_docx, "text": read_text}


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" in archive.namelist():
                return "docx"
    except zipfile.BadZipFile:
        if path.suffix.lower() == ".docx":
            return "docx"  # the DOCX reader explains what is broken
        raise ReaderError(path, "beschadigd zip-bestand") from None
    raise ReaderError(path, "onbekend bestandsformaat: zip-archief zonder Word-document")


def _sniff_markup(path: Path, text: str) -> str:
    if "<toestand" in text or "<wetgeving" in text:
        return "bwb"
    if not _HTML.search(text):
        raise ReaderError(path, "onbekende XML-indeling")
    if "Geconsolideerde wetgeving" in text or "J U S T E L" in text or "ejustice.just.fgov.be" in text:
        return "justel"
    if "codex.vlaanderen" in text.lower() or "Vlaamse Codex" in text:
        return "codex"
    if "eur-lex.europa.eu" in text.lower() or re.search(r"class=\"[^\"]*\bti-art\b", text):
        return "eurlex"
    raise ReaderError(path, "onbekende HTML-indeling: geen Justel-, Vlaamse Codex- of EUR-Lex-pagina")


def _sniff_file(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    suffix = path.suffix.lower()
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return _sniff_zip(path)
    if suffix in (".pdf", ".docx"):
        return suffix[1:]  # named so but unreadable: the reader gives the precise error
    if b"\x00" in head:
        raise ReaderError(path, "onbekend bestandsformaat (binaire inhoud)")
    text = decode_text(head).lstrip()
    if text.startswith("{") or (text.startswith("[") and suffix in (".json", ".jsonl")):
        return "json"
    if text.startswith("<"):
        return _sniff_markup(path, text)
    return "text"


def _folder_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def detect_format(path: str | Path) -> str:
    """The format name of a file, or 'eurlex' for a folder of EUR-Lex pages; decided by content."""
    path = Path(path)
    if not path.exists():
        raise ReaderError(path, "bestand of map niet gevonden")
    if path.is_dir():
        formats = {_sniff_file(p) for p in _folder_files(path) if p.suffix.lower() in (".html", ".htm")}
        if formats == {"eurlex"}:
            return "eurlex"
        raise ReaderError(path, "map is geen EUR-Lex-document; lees de bestanden afzonderlijk")
    return _sniff_file(path)


def _check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise ReaderError(path, f"bestand te groot ({size / 1048576:.1f} MB; maximum {max_bytes / 1048576:.1f} MB)")


def _read_folder(folder: Path, fmt: str, meta: dict, max_bytes: int, max_uncompressed: int) -> list[dict]:
    """One regulation per file, except the pages of one EUR-Lex act, which form one regulation."""
    files = _folder_files(folder)
    if not files:
        raise ReaderError(folder, "lege map")
    for file in files:
        _check_size(file, max_bytes)
    formats = {file: (fmt if fmt != "auto" else _sniff_file(file)) for file in files}
    pages = [file for file in files if formats[file] == "eurlex"]
    regulations = [read_eurlex(folder, files=pages, **meta)] if pages else []
    single = {} if len(files) - len(pages) + bool(pages) > 1 else meta
    for file in files:
        if formats[file] != "eurlex":
            regulations.extend(_read_file(file, formats[file], single, max_uncompressed))
    return regulations


def _read_file(path: Path, fmt: str, meta: dict, max_uncompressed: int) -> list[dict]:
    if fmt == "json":
        return read_json(path)
    if fmt == "docx":
        return [read_docx(path, max_uncompressed=max_uncompressed, **meta)]
    return [_READERS[fmt](path, **meta)]


def read_regulations(path: str | Path, fmt: str = "auto", *, key: str | None = None,
                     level: str | None = None, kind: str | None = None, title: str | None = None,
                     max_bytes: int = MAX_BYTES, max_uncompressed: int = MAX_UNCOMPRESSED) -> list[dict]:
    """Regulations in the exchange format from a file or folder of any supported format."""
    path = Path(path)
    if fmt != "auto" and fmt not in FORMATS:
        raise ReaderError(path, f"onbekend formaat '{fmt}'; kies uit {', '.join(FORMATS)} of auto")
    if not path.exists():
        raise ReaderError(path, "bestand of map niet gevonden")
    meta = {name: value for name, value in
            (("key", key), ("level", level), ("kind", kind), ("title", title)) if value is not None}
    if path.is_dir():
        return _read_folder(path, fmt, meta, max_bytes, max_uncompressed)
    _check_size(path, max_bytes)
    return _read_file(path, detect_format(path) if fmt == "auto" else fmt, meta, max_uncompressed)
