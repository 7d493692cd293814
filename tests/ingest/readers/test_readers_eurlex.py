import re
import shutil

import pytest
from reader_samples import EURLEX, by_number

from ingest.readers import ReaderError, read_regulations
from ingest.readers.eurlex import read_eurlex


def test_avg_has_99_articles_and_173_recitals(avg):
    assert [a["number"] for a in avg["articles"]] == [str(n) for n in range(1, 100)]
    assert [r["number"] for r in avg["recitals"]] == [str(n) for n in range(1, 174)]
    assert all(a["heading"] and a["text"] for a in avg["articles"])


def test_avg_metadata(avg):
    assert avg["identifiers"]["celex"] == "32016R0679"
    assert avg["title"].startswith("VERORDENING (EU) 2016/679 VAN HET EUROPEES PARLEMENT EN DE RAAD van 27 april 2016")
    assert (avg["key"], avg["kind"], avg["level"], avg["date"]) == ("AVG", "verordening", "europees", "2016-04-27")


def test_article_6_points_are_lines(avg):
    article = by_number(avg)["6"]
    assert article["heading"] == "Rechtmatigheid van de verwerking"
    assert article["path"] == ["Hoofdstuk II - Beginselen"]
    lines = article["text"].split("\n")
    assert lines[0].startswith("1. De verwerking is alleen rechtmatig indien")
    point_e = next(line for line in lines if line.startswith("e) "))
    assert point_e == ("e) de verwerking is noodzakelijk voor de vervulling van een taak van algemeen belang "
                       "of van een taak in het kader van de uitoefening van het openbaar gezag dat aan de "
                       "verwerkingsverantwoordelijke is opgedragen;")
    assert [line[:2] for line in lines if re.match(r"^[a-f]\) ", line)][:6] == ["a)", "b)", "c)", "d)", "e)", "f)"]


def test_footnote_calls_and_final_formula_are_not_article_text(avg):
    articles = by_number(avg)
    assert "Raad;" in articles["4"]["text"] and "Raad19" not in articles["4"]["text"]
    assert articles["99"]["text"].endswith("Zij is van toepassing met ingang van 25 mei 2018.")
    assert "Gedaan te Brussel" not in articles["99"]["text"]


def test_sections_are_in_the_path(avg):
    assert by_number(avg)["24"]["path"] == ["Hoofdstuk IV - Verwerkingsverantwoordelijke en verwerker",
                                            "Afdeling 1 - Algemene verplichtingen"]


def test_folder_is_merged_in_chapter_order_whatever_the_listing(tmp_path):
    folder = tmp_path / "avg"
    shutil.copytree(EURLEX, folder)
    (folder / "chapter-10.html").rename(folder / "chapter-10-slot.html")
    (regulation,) = read_regulations(folder)
    assert [a["number"] for a in regulation["articles"]][-8:] == [str(n) for n in range(92, 100)]


def test_single_chapter_file():
    regulation = read_eurlex(EURLEX / "chapter-2.html", key="AVG-H2")
    assert [a["number"] for a in regulation["articles"]] == [str(n) for n in range(5, 12)]
    assert regulation["recitals"] == []


def test_introduction_alone_has_no_articles():
    with pytest.raises(ReaderError, match="geen artikels gevonden"):
        read_eurlex(EURLEX / "intro.html")


def test_an_article_heading_without_number_is_labelled_not_refused(tmp_path):
    folder = tmp_path / "avg"
    shutil.copytree(EURLEX, folder)
    chapter = folder / "chapter-1.html"
    text = chapter.read_text(encoding="utf-8")
    assert '<p id="d1e1379-1-1" class="ti-art">Artikel 1</p>' in text
    chapter.write_text(text.replace('<p id="d1e1379-1-1" class="ti-art">Artikel 1</p>',
                                    '<p id="d1e1379-1-1" class="ti-art">Artikel</p>'), encoding="utf-8")
    regulation = read_eurlex(folder)
    first = regulation["articles"][0]
    assert first["number"] == "zonder nummer 1" and first["heading"] == "Onderwerp en doelstellingen"
    assert first["text"] and "geen nummer" in first["notes"][0]
    assert [a["number"] for a in regulation["articles"][1:]] == [str(n) for n in range(2, 100)]
