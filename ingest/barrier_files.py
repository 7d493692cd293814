"""Read and write the barrier exchange format (docs/exchange-formats.md): JSONL, CSV and XLSX.

Readers stream: a 50 MB file is never held whole. Each row comes with its line number so every
message can name file, line and field.
"""

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from ingest.limits import MAX_UNPACKED_BYTES
from ingest.readers.errors import json_problem

LIST_FIELDS = ("regulations", "projects", "municipalities", "tags")
FIELDS = ("code", "title", "description", "kind", "werf", "level", "status", "severity", "regulations",
          "projects", "municipalities", "proposed_solution", "reported_by", "reported_on", "tags")
# Columns the register writes beside the typed values; read back as flags or ignored as derived.
FLAG_FIELDS = ("is_demo", "is_public")
DERIVED_FIELDS = ("regulation_refs", "municipality_nis", "project_codes", "version", "updated_at")
LIST_SEPARATOR = " | "
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}


class FileRefused(Exception):
    """The whole file cannot be read; the message is Dutch and names the file (and line)."""


@dataclass
class RawRow:
    line: int
    values: dict[str, Any]
    error: str | None = None  # a row that could not even be parsed (bad JSON, bad cell)


class CountingReader(io.RawIOBase):
    """Counts the bytes read so a progress bar can follow a streamed file."""

    def __init__(self, raw: BinaryIO, on_read: Callable[[int], None] | None):
        self.raw, self.on_read = raw, on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        if self.on_read and data:
            self.on_read(len(data))
        return len(data)


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileRefused(f"{path.name}: onbekend bestandstype '{path.suffix}'; gebruik .jsonl, .csv of .xlsx")
    return fmt


def read_rows(path: Path, *, on_read: Callable[[int], None] | None = None,
              max_unpacked: int = MAX_UNPACKED_BYTES) -> Iterator[RawRow]:
    fmt = file_format(path)
    if fmt == "jsonl":
        yield from _jsonl_rows(path, on_read)
    elif fmt == "csv":
        yield from _csv_rows(path, on_read)
    else:
        yield from _xlsx_rows(path, max_unpacked)


def _text_stream(path: Path, on_read) -> io.TextIOWrapper:
    raw = io.BufferedReader(CountingReader(path.open("rb"), on_read), buffer_size=1 << 16)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _first_bad_line(path: Path) -> int:
    """The number of the first line that is not UTF-8 (decoding works in chunks, so find it again)."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _encoding_refused(path: Path) -> FileRefused:
    return FileRefused(f"{path.name}, regel {_first_bad_line(path)}: onleesbare tekencodering (verwacht UTF-8)")


def _jsonl_rows(path: Path, on_read) -> Iterator[RawRow]:
    with _text_stream(path, on_read) as stream:
        line_no = 0
        try:
            for line_no, line in enumerate(stream, start=1):
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield RawRow(line_no, {}, json_problem(exc))
                    continue
                if not isinstance(value, dict):
                    yield RawRow(line_no, {}, "elke regel moet één JSON-object zijn")
                    continue
                yield RawRow(line_no, value)
        except UnicodeDecodeError:
            raise _encoding_refused(path) from None


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


def _csv_rows(path: Path, on_read) -> Iterator[RawRow]:
    with _text_stream(path, on_read) as stream:
        try:
            header_line = stream.readline()
        except UnicodeDecodeError:
            raise _encoding_refused(path) from None
        if not header_line.strip():
            raise FileRefused(f"{path.name}: het bestand is leeg of heeft geen kopregel")
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = [h.strip() for h in next(csv.reader([header_line], delimiter=delimiter))]
        reader = csv.reader(stream, delimiter=delimiter)
        line_no = 1
        try:
            for cells in reader:
                line_no = reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    yield RawRow(line_no, {}, f"{len(cells)} kolommen, de kopregel heeft er {len(header)}")
                    continue
                yield RawRow(line_no, _csv_values(header, cells))
        except UnicodeDecodeError:
            raise _encoding_refused(path) from None
        except csv.Error as exc:
            raise FileRefused(f"{path.name}, regel {line_no + 1}: onleesbare CSV ({_csv_reason(exc)})") from None


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's English reasons, in Dutch."""
    text = str(exc)
    if "field limit" in text:
        return f"een veld is langer dan {csv.field_size_limit()} tekens"
    if "new-line character seen in unquoted field" in text:
        return "een regeleinde midden in een veld zonder aanhalingstekens"
    if "NUL" in text or "line contains NUL" in text:
        return "het bestand bevat NUL-tekens (is het wel een tekstbestand?)"
    if "expected" in text and "after" in text:
        return "een aanhalingsteken staat op een verkeerde plaats"
    return "ongeldige opmaak"


def _csv_values(header: list[str], cells: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, cell in zip(header, cells):
        cell = cell.strip()
        if name in LIST_FIELDS or name in DERIVED_FIELDS:
            values[name] = _split_list(cell)
        else:
            values[name] = cell if cell != "" else None
    return values


def _merged_ranges(path: Path, max_unpacked: int) -> tuple[str, list[str]]:
    """The first sheet's part name and its merged ranges, read from the XML without loading it."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise FileRefused(f"{path.name}: geen geldig XLSX-bestand (beschadigd of ander formaat)") from None
    with archive:
        if sum(info.file_size for info in archive.infolist()) > max_unpacked:
            raise FileRefused(f"{path.name}: uitgepakt groter dan {max_unpacked // (1024 * 1024)} MB; niet ingelezen")
        sheets = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        if not sheets:
            raise FileRefused(f"{path.name}: het werkboek bevat geen werkblad")
        ranges = []
        try:
            with archive.open(sheets[0]) as sheet:
                for _, element in etree.iterparse(sheet, tag="{*}mergeCell"):
                    ranges.append(element.get("ref"))
                    element.clear()
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _unreadable_xlsx(path, exc) from None
        return sheets[0], ranges


def _unreadable_xlsx(path: Path, exc: Exception) -> FileRefused:
    reason = "de XML bevat entiteiten" if "entit" in str(exc).lower() else "beschadigde of afgebroken XML"
    return FileRefused(f"{path.name}: onleesbaar XLSX-bestand ({reason}); niet ingelezen")


def _xlsx_rows(path: Path, max_unpacked: int) -> Iterator[RawRow]:
    import openpyxl

    _, merged = _merged_ranges(path, max_unpacked)
    merged_rows = _rows_in_ranges(merged)
    try:
        values_book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formula_book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise FileRefused(f"{path.name}: onleesbaar XLSX-bestand ({type(exc).__name__})") from None
    try:
        values_rows = values_book.worksheets[0].iter_rows(values_only=True)
        formula_rows = formula_book.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(values_rows, ())]
        next(formula_rows, None)
        if not any(header):
            raise FileRefused(f"{path.name}: het eerste werkblad heeft geen kopregel")
        for line_no, (cells, formulas) in enumerate(zip(values_rows, formula_rows), start=2):
            if all(c is None or str(c).strip() == "" for c in cells) and line_no not in merged_rows:
                continue
            yield _xlsx_row(line_no, header, cells, formulas, merged_rows)
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl parses lazily: a damaged sheet fails half-way through the rows
        raise _unreadable_xlsx(path, exc) from None
    finally:
        values_book.close()
        formula_book.close()


def _xlsx_row(line_no, header, cells, formulas, merged_rows) -> RawRow:
    if line_no in merged_rows:
        return RawRow(line_no, {}, "samengevoegde cellen geven geen waarde per rij; maak de cellen los")
    values: dict[str, Any] = {}
    for name, cell, formula in zip(header, cells, formulas):
        if isinstance(formula, str) and formula.startswith("=") and cell is None:
            return RawRow(line_no, {}, f"kolom '{name}': formule zonder berekende waarde ({formula})")
        text = _cell_text(cell)
        values[name] = _split_list(text) if name in LIST_FIELDS or name in DERIVED_FIELDS else (text or None)
    return RawRow(line_no, values)


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if hasattr(cell, "date") and hasattr(cell, "hour"):
        return cell.date().isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _rows_in_ranges(ranges: list[str]) -> set[int]:
    from openpyxl.utils.cell import range_boundaries

    rows: set[int] = set()
    for ref in ranges:
        _, min_row, _, max_row = range_boundaries(ref)
        rows.update(range(min_row, max_row + 1))
    return rows


def write_rows(path: Path, rows: Iterator[dict[str, Any]], columns: list[str]) -> int:
    fmt = file_format(path)
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "xlsx": _write_xlsx}[fmt]
    return writer(path, rows, columns)


def _write_jsonl(path: Path, rows, columns) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for row in rows:
            out.write(json.dumps({c: row.get(c) for c in columns if c in row}, ensure_ascii=False) + "\n")
            count += 1
    return count


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict,)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _write_csv(path: Path, rows, columns) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_flat(row.get(c)) for c in columns])
            count += 1
    return count


def _write_xlsx(path: Path, rows, columns) -> int:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("drempels")
    sheet.append(columns)
    count = 0
    for row in rows:
        sheet.append([_flat(row.get(c)) or None for c in columns])
        count += 1
    book.save(path)
    return count
