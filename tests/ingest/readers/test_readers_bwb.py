from lxml import etree
from reader_samples import AWB, GEMW, by_number


def _source_articles(path):
    """Article elements as the XML states them, counted without the reader."""
    root = etree.parse(str(path)).getroot()
    return [el for el in root.iter("artikel") if el.get("status") != "nogniet"]


def test_every_article_in_force_is_present_with_number_and_text(awb, gemeentewet):
    for regulation, path in ((awb, AWB), (gemeentewet, GEMW)):
        source = _source_articles(path)
        assert len(regulation["articles"]) == len(source)
        in_force = [a for a in regulation["articles"] if a["status"] == "geldend"]
        assert len(in_force) == sum(1 for el in source if el.get("status") in ("goed", None))
        assert all(a["number"] and a["text"] for a in in_force)
        assert len({a["number"] for a in regulation["articles"]}) == len(regulation["articles"])


def test_awb_metadata(awb):
    assert awb["key"] == "AWB"
    assert awb["title"] == "Algemene wet bestuursrecht"
    assert (awb["kind"], awb["level"]) == ("wet", "buitenlands")
    assert awb["identifiers"]["bwb"] == "BWBR0005537"
    assert (awb["date"], awb["published"]) == ("1992-06-04", "1992-06-30")


def test_electronic_communication_article_2_15(awb):
    article = by_number(awb)["2:15"]
    assert article["path"] == ["Hoofdstuk 2 - Verkeer met bestuursorganen",
                               "Afdeling 2.3 - Verkeer langs elektronische weg"]
    lines = article["text"].split("\n")
    assert [line[:2] for line in lines] == ["1.", "2.", "3.", "4."]
    assert lines[0].startswith("1. Een bericht kan elektronisch naar een bestuursorgaan worden verzonden")
    assert article["in_force_from"] == "2004-07-01"


def test_lists_become_lettered_lines(awb):
    lines = by_number(awb)["4:8"]["text"].split("\n")
    assert lines[1].startswith("a. de beschikking zou steunen op gegevens")
    assert lines[2].startswith("b. ")


def test_vervallen_article(awb):
    article = by_number(awb)["2:7"]
    assert (article["status"], article["text"]) == ("vervallen", "Vervallen")


def test_extref_targets_are_references(gemeentewet):
    article = by_number(gemeentewet)["1"]
    assert any("BWBR0005416" in ref and "artikel=8" in ref for ref in article["references"])
    assert sum(len(a["references"]) for a in gemeentewet["articles"]) > 100


def test_annex_articles_keep_unique_numbers(awb):
    numbers = [a["number"] for a in awb["articles"] if a["number"].startswith("Bijlage")]
    assert numbers and all(", art. " in n for n in numbers)


def _without_number(tmp_path, label: str | None):
    """The real Gemeentewet file with its first article's number taken away (the Grondwet's
    "Algemene bepaling" has this shape: a kop with a label and no nr)."""
    root = etree.parse(str(GEMW)).getroot()
    first = next(root.iter("artikel"))
    kop = first.find("kop")
    kop.remove(kop.find("nr"))
    if label is None:
        kop.remove(kop.find("label"))
        del first.attrib["label"]
    else:
        kop.find("label").text = label
    path = tmp_path / GEMW.name
    etree.ElementTree(root).write(str(path), xml_declaration=True, encoding="utf-8")
    return path


def test_an_article_without_number_gets_its_label_and_the_law_is_read_whole(tmp_path):
    from ingest.readers.bwb import read_bwb
    from kb.models import RegulationCreate

    regulation = read_bwb(_without_number(tmp_path, "Algemene bepaling"))
    assert len(regulation["articles"]) == len(_source_articles(GEMW))
    first = regulation["articles"][0]
    assert first["number"] == "Algemene bepaling" and first["text"]
    assert "geen nummer" in first["notes"][0] and "'Algemene bepaling'" in first["notes"][0]
    assert by_number(regulation)["2"]["notes"] == []
    RegulationCreate.model_validate({k: v for k, v in regulation.items() if k not in ("source", "inferred",
                                                                                         "official_title")})


def test_an_article_without_number_or_label_is_labelled_by_its_place(tmp_path):
    from ingest.readers.bwb import read_bwb

    first = read_bwb(_without_number(tmp_path, None))["articles"][0]
    assert first["number"] == "zonder nummer 1"
    assert "plaats in de tekst" in first["notes"][0]
