"""Damaged and arbitrary regulation files (Justel, EUR-Lex, BWB XML, text, JSON, DOCX, PDF): the import
gives a Dutch refusal naming the file, or a report; never another exception, and never half a regulation
written.

The damaged files are real samples (tests/ingest/resources) cut, spliced and sprinkled with bytes, so the
readers meet the shapes a broken download or a hand-edited copy really has."""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select

from ingest.regulation_import import import_regulation_objects, read_regulation_items
from kb.errors import ValidationFailed
from kb.models import Article, Regulation

RESOURCES = Path(__file__).parent / "resources"
SAMPLES = {
    # name in the test -> (file name the reader sees, the first bytes of a real sample)
    "justel": ("strafwetboek_nl.html", (RESOURCES / "justel-html-nl" / "strafwetboek_nl.html").read_bytes()[:120_000]),
    "eurlex": ("avg-hoofdstuk-1.html", (RESOURCES / "eurlex-avg-nl" / "chapter-1.html").read_bytes()),
    # a whole law: a cut XML file is refused as a whole (strict XML), so the splices must meet a complete one
    "bwb": ("BWBR0005416.xml", (RESOURCES / "bwb-xml-nl" / "BWBR0005416_2024-01-31_0.xml").read_bytes()),
}
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])
NOISE = st.one_of(st.binary(max_size=40), st.sampled_from([b"<", b">", b"</p>", b"<article>", b"\x00", b"\xff\xfe",
                                                          b"&#0;", b"&bogus;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                                                          "Art. 7.".encode(), "Artikel 1bis".encode()]))


@pytest.fixture(scope="module")
def engine(property_engine):
    return property_engine


def counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (session.exec(select(func.count()).select_from(Regulation)).one(),
                session.exec(select(func.count()).select_from(Article)).one())


def check_import(engine, name: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        before = counts(engine)
        try:
            items = read_regulation_items(path)
        except ValidationFailed as exc:
            for error in exc.errors:
                assert error.file == name and error.message  # a Dutch message naming the user's file
            assert counts(engine) == before
            return
        report = import_regulation_objects(engine=engine, items=items, actor="test")
        if report.rejected:
            for error in report.rejected:
                assert error.message and error.field
            assert counts(engine) == before  # nothing half-written
        else:
            assert counts(engine)[0] >= before[0]


@st.composite
def damaged(draw, sample: bytes) -> bytes:
    """A real document with up to three cuts, splices or insertions."""
    data = sample
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["cut", "drop", "insert", "repeat"]))
        if action == "cut":
            data = data[:at]
        elif action == "drop":
            data = data[:at] + data[at + draw(st.integers(1, 5_000)):]
        elif action == "insert":
            data = data[:at] + draw(NOISE) + data[at:]
        else:
            data = data[:at] + data[max(0, at - 2_000):at] + data[at:]
    return data


@SETTINGS
@given(st.data())
@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_damaged_real_documents(engine, kind, data):
    name, sample = SAMPLES[kind]
    check_import(engine, name, data.draw(damaged(sample)))


def test_a_byte_outside_the_declared_encoding_is_refused_with_its_line(engine):
    """Found by the test above: lxml reads a file it opens itself with a bad UTF-8 byte as an OSError without a
    line; the BWB reader gives the user's file, the line and a Dutch message instead."""
    name, sample = SAMPLES["bwb"]
    at = sample.index(b"https://repository")
    with pytest.raises(ValidationFailed) as refused:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            path.write_bytes(sample[:at] + b"\x80" + sample[at:])
            read_regulation_items(path)
    error = refused.value.errors[0]
    assert error.file == name and error.line == 1 and "onleesbare XML" in error.message
    check_import(engine, name, sample[:at] + b"\x80" + sample[at:])


@SETTINGS
@given(raw=st.binary(max_size=400), name=st.sampled_from(["wet.html", "wet.xml", "wet.txt", "wet.json", "wet.jsonl",
                                                          "wet.docx", "wet.pdf", "wet"]))
def test_arbitrary_bytes(engine, raw, name):
    check_import(engine, name, raw)


WORDS = st.sampled_from(["Artikel", "Art.", "1", "2bis", "§", "1.", "HOOFDSTUK", "I", "Afdeling", "De", "gemeente",
                         "beslist", "binnen", "dertig", "dagen", "\n", "\n\n", "Titel", "II", ";", "(opgeheven)"])


@SETTINGS
@given(words=st.lists(WORDS, max_size=80))
def test_arbitrary_legal_text(engine, words):
    check_import(engine, "besluit.txt", " ".join(words).encode("utf-8"))


KEYS = st.sampled_from(["key", "title", "level", "kind", "articles", "identifiers", "date", "number", "text",
                        "label", "heading", "url", "onbekend"])
VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.text(max_size=30),
                                st.sampled_from(["DLB", "vlaams", "decreet", "2024-02-30", "285", "Art. 1"])),
                      lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)),
                      max_leaves=12)


@SETTINGS
@given(objects=st.lists(st.dictionaries(KEYS, VALUES, max_size=7), min_size=1, max_size=3))
def test_arbitrary_exchange_objects(engine, objects):
    check_import(engine, "regelgeving.jsonl", "\n".join(json.dumps(o) for o in objects).encode("utf-8"))


@SETTINGS
@given(lines=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=60) | WORDS,
                      min_size=1, max_size=12))
def test_arbitrary_docx(engine, lines):
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "besluit.docx"
        document.save(str(path))
        check_import(engine, "besluit.docx", path.read_bytes())
