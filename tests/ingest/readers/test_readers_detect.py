import json
import shutil

import pytest
from reader_samples import AWB, EURLEX, GEMW, JUSTEL, RESOURCES, write_docx

from ingest.readers import detect_format, read_regulations
from tools.build_corpus import OUT, TEXTS, build


@pytest.mark.parametrize("path, fmt", [
    (JUSTEL, "justel"), (EURLEX, "eurlex"), (EURLEX / "chapter-3.html", "eurlex"), (AWB, "bwb"), (GEMW, "bwb"),
])
def test_real_samples_are_recognised(path, fmt):
    assert detect_format(path) == fmt


def test_content_decides_not_the_name(tmp_path):
    disguised = tmp_path / "wet.txt"
    shutil.copy(GEMW, disguised)
    assert detect_format(disguised) == "bwb"
    docx = write_docx(tmp_path / "besluit.bin", ["Art. 1. Tekst."])
    assert detect_format(docx) == "docx"
    plain = tmp_path / "decreet"
    plain.write_text("Decreet over iets\nArtikel 1. Tekst.\n", encoding="utf-8")
    assert detect_format(plain) == "text"
    exchange = tmp_path / "export"
    exchange.write_text('{"key": "X", "title": "T", "kind": "wet", "level": "federaal"}', encoding="utf-8")
    assert detect_format(exchange) == "json"


def test_metadata_inference_and_overrides(tmp_path):
    decree = tmp_path / "archiefdecreet.txt"
    decree.write_text("Decreet van de Vlaamse Gemeenschap als voorbeeld zonder echte tekst\nArtikel 1. X.\n",
                      encoding="utf-8")
    (regulation,) = read_regulations(decree)
    assert (regulation["kind"], regulation["level"]) == ("decreet", "vlaams")
    assert regulation["key"] == "ARCHIEFDECREET"
    assert {"key", "kind", "level"} <= set(regulation["inferred"])
    (regulation,) = read_regulations(decree, key="ARCH", level="vlaams", kind="decreet", title="Archiefdecreet")
    assert (regulation["key"], regulation["title"], regulation["inferred"]) == ("ARCH", "Archiefdecreet", [])


def test_folder_of_several_documents_gives_one_regulation_each(tmp_path):
    shutil.copytree(EURLEX, tmp_path / "map")
    shutil.copy(AWB, tmp_path / "map" / AWB.name)
    regulations = read_regulations(tmp_path / "map")
    assert sorted((r["source"]["format"], len(r["articles"])) for r in regulations) == [("bwb", 573), ("eurlex", 99)]


def test_exchange_json_round_trip(tmp_path, awb):
    path = tmp_path / "awb.json"
    path.write_text(json.dumps(awb, ensure_ascii=False), encoding="utf-8")
    assert read_regulations(path) == [awb]


def test_shipped_corpus_is_what_the_build_gives(tmp_path):
    build(RESOURCES, tmp_path)
    for key, _, _ in TEXTS:
        rebuilt = json.loads((tmp_path / f"{key}.json").read_text(encoding="utf-8"))
        shipped = json.loads((OUT / f"{key}.json").read_text(encoding="utf-8"))
        assert rebuilt == shipped, key
        assert rebuilt["key"] == key and rebuilt["articles"]
    assert (OUT / "PROVENANCE.md").read_text(encoding="utf-8") == (tmp_path / "PROVENANCE.md").read_text(encoding="utf-8")
