"""Arbitrary barrier files (JSONL, CSV, XLSX): a Dutch refusal or a report, never an exception,
and never half a file written."""

import csv
import io
import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from ingest.barrier_files import FIELDS, FLAG_FIELDS, FileRefused
from ingest.barrier_import import import_barriers
from kb.models import Barrier

NAMES = st.sampled_from([*FIELDS, *FLAG_FIELDS, "onbekend", "", "Code", "code "])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                    st.text(max_size=60), st.sampled_from(["DR-2024-001", "juridisch", "gemeld", "2024-02-30",
                                                           "art. 285 DLB", "3", "ja", "nee"]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=5), SCALARS, max_size=2))
RECORDS = st.dictionaries(NAMES, VALUES, max_size=8)
CELLS = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                  st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40), st.booleans())
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def engine(property_engine):
    return property_engine


def count(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Barrier)).one()


def check_import(engine, name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        before = count(engine)
        for partial in (False, True):
            try:
                report = import_barriers(engine=engine, path=path, actor="test", partial=partial)
            except FileRefused as exc:
                assert str(exc).startswith(name)  # names the file
                assert count(engine) == before
                return
            for error in report.rejected:
                assert error.message and error.field  # a Dutch message naming the field
            if report.rejected and not partial:
                assert count(engine) == before  # nothing half-written
            before = count(engine)


@SETTINGS
@given(lines=st.lists(st.one_of(RECORDS.map(lambda r: json.dumps(r, allow_nan=True)), st.text(max_size=80)),
                      max_size=6))
def test_arbitrary_jsonl(engine, lines):
    check_import(engine, "drempels.jsonl", "\n".join(lines).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(raw=st.binary(max_size=300), suffix=st.sampled_from([".jsonl", ".csv", ".xlsx"]))
def test_arbitrary_bytes(engine, raw, suffix):
    check_import(engine, f"drempels{suffix}", raw)


@SETTINGS
@given(header=st.lists(NAMES, min_size=1, max_size=8), rows=st.lists(st.lists(CELLS, max_size=9), max_size=5),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_arbitrary_csv(engine, header, rows, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([["" if c is None else c for c in row] for row in rows])
    check_import(engine, "drempels.csv", out.getvalue().encode("utf-8", "surrogatepass"))


@SETTINGS
@given(header=st.lists(st.one_of(NAMES, CELLS), max_size=8), rows=st.lists(st.lists(CELLS, max_size=9), max_size=5))
def test_arbitrary_xlsx(engine, header, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [header, *rows]:
        sheet.append([_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    check_import(engine, "drempels.xlsx", buffer.getvalue())


def _cell(value):
    # openpyxl refuses control characters in cells; a spreadsheet cannot hold them either.
    return openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
