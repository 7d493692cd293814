"""Refused input: each case gives a ReaderError with a Dutch message naming the file."""

import zipfile

import pytest
from reader_samples import EURLEX, JUSTEL, write_docx

from ingest.readers import ReaderError, detect_format, read_regulations
from ingest.readers.docx import read_docx


def test_message_format():
    assert str(ReaderError("/x/wet.pdf", "geen tekstlaag")) == "wet.pdf: geen tekstlaag"
    assert str(ReaderError("wet.txt", "fout", line=4)) == "wet.txt, regel 4: fout"


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "kapot.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> stream\x00\xff garbage")
    with pytest.raises(ReaderError, match="beschadigd of onleesbaar PDF-bestand") as info:
        read_regulations(path)
    assert info.value.file == "kapot.pdf"


def test_image_only_pdf(tmp_path):
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas", reason="reportlab niet geïnstalleerd")
    path = tmp_path / "scan.pdf"
    canvas = canvas_mod.Canvas(str(path))
    canvas.rect(50, 50, 400, 600, fill=1)
    canvas.save()
    with pytest.raises(ReaderError, match="geen tekstlaag: OCR wordt niet ondersteund"):
        read_regulations(path)


def test_corrupt_docx(tmp_path):
    path = tmp_path / "kapot.docx"
    path.write_bytes(b"PK\x03\x04 dit is geen zip")
    with pytest.raises(ReaderError, match="beschadigd DOCX-bestand"):
        read_regulations(path)


def test_docx_without_document_part(tmp_path):
    path = tmp_path / "leeg.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(ReaderError, match="beschadigd DOCX-bestand"):
        read_docx(path)


def test_oversized_docx_is_refused_before_parsing(tmp_path):
    path = write_docx(tmp_path / "bom.docx", ["Art. 1. Tekst."])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/nul.bin", b"\x00" * (3 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(ReaderError, match="te groot na uitpakken"):
        read_regulations(path, max_uncompressed=2 * 1024 * 1024)
    (regulation,) = read_regulations(path)  # the default limit of 200 MB lets it through
    assert regulation["articles"][0]["text"] == "Tekst."


def test_unknown_html(tmp_path):
    path = tmp_path / "pagina.html"
    path.write_text("<html><body><p>Welkom op onze website</p></body></html>", encoding="utf-8")
    with pytest.raises(ReaderError, match="onbekende HTML-indeling"):
        read_regulations(path)


def test_codex_page_with_unknown_layout(tmp_path):
    path = tmp_path / "codex.html"
    path.write_text("<html><body><h1>Vlaamse Codex</h1><div>Artikel 1</div></body></html>", encoding="utf-8")
    assert detect_format(path) == "codex"
    with pytest.raises(ReaderError, match="onbekende HTML-indeling"):
        read_regulations(path)


def test_forced_format_that_does_not_fit():
    with pytest.raises(ReaderError, match="onbekende HTML-indeling"):
        read_regulations(EURLEX / "chapter-1.html", fmt="justel")
    with pytest.raises(ReaderError, match="onbekend formaat 'odt'"):
        read_regulations(JUSTEL, fmt="odt")


def test_text_without_articles(tmp_path):
    path = tmp_path / "nota.txt"
    path.write_text("Nota aan de Vlaamse Regering\nDit document bevat geen artikels.\n", encoding="utf-8")
    with pytest.raises(ReaderError, match="geen artikels gevonden"):
        read_regulations(path)


def test_file_over_max_bytes():
    with pytest.raises(ReaderError, match=r"bestand te groot \(0\.9 MB; maximum 0\.1 MB\)"):
        read_regulations(JUSTEL, max_bytes=100_000)


def test_missing_path(tmp_path):
    with pytest.raises(ReaderError, match="niet gevonden"):
        read_regulations(tmp_path / "weg.pdf")


def test_binary_file(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ReaderError, match="onbekend bestandsformaat"):
        detect_format(path)


def test_bad_json(tmp_path):
    """The one JSON reader: syntax errors name the line; missing fields are named by the one validator."""
    from ingest.regulation_import import parse_regulation, read_regulation_items
    from kb.errors import ValidationFailed

    path = tmp_path / "regs.jsonl"
    path.write_text('{"key": "A", "title": "T", "kind": "wet", "level": "federaal"}\n{"key": "B"}\n')
    file, line, item = read_regulation_items(path)[1]
    with pytest.raises(ValidationFailed) as refused:
        parse_regulation(item, file=file, line=line)
    assert {(e.field, e.line, e.file) for e in refused.value.errors} == \
        {("title", 2, "regs.jsonl"), ("kind", 2, "regs.jsonl"), ("level", 2, "regs.jsonl")}
    path.write_text('{"key": "A"}\n{"key": \n')
    with pytest.raises(ReaderError, match="regel 2: geen geldige JSON") as broken:
        read_regulations(path)
    assert "Expecting" not in str(broken.value) and "waarde verwacht" in str(broken.value)
    with pytest.raises(ValidationFailed, match="regel 2"):
        read_regulation_items(path)
