"""The shared segmenter on short texts in the numbering styles the formats use."""

import pytest

from ingest.readers.segment import Line, finish_text, reflow, segment


def numbers(text: str) -> list[str]:
    return [a.number for a in segment([Line(t) for t in text.split("\n")]).articles]


@pytest.mark.parametrize("line, number", [
    ("Art. 1. Tekst.", "1"), ("Art. 3bis. Tekst.", "3bis"), ("Art. II.22. Tekst.", "II.22"),
    ("Artikel 1:2. Tekst.", "1:2"), ("Art. 371/1. Tekst.", "371/1"), ("Artikel 6", "6"),
    ("Artikel 8:36ea", "8:36ea"), ("ARTIKEL 12 - Opschrift", "12"),
])
def test_article_number_styles(line, number):
    assert numbers(line) == [number]


def test_references_in_running_text_do_not_open_articles():
    assert numbers("Art. 1. Tekst.\nArtikel 389 is van toepassing op deze bepaling.\nArt. 2 van de wet geldt.") == ["1"]


def test_bare_labels_take_the_next_short_line_as_title():
    seg = segment([Line(t) for t in ["HOOFDSTUK II", "Beginselen", "Artikel 5", "Beginselen inzake verwerking",
                                     "1. Persoonsgegevens moeten:", "a) rechtmatig worden verwerkt;"]])
    (article,) = seg.articles
    assert article.path == ["Hoofdstuk II - Beginselen"]
    assert article.heading == "Beginselen inzake verwerking"
    assert article.lines == ["1. Persoonsgegevens moeten:", "a) rechtmatig worden verwerkt;"]


def test_deeper_heading_nests_and_equal_heading_replaces():
    seg = segment([Line(t) for t in ["TITEL I. - Een", "HOOFDSTUK 1. - Twee", "Art. 1. x",
                                     "HOOFDSTUK 2. - Drie", "Art. 2. y", "TITEL II. - Vier", "Art. 3. z"]])
    assert [a.path for a in seg.articles] == [["Titel I - Een", "Hoofdstuk 1 - Twee"],
                                               ["Titel I - Een", "Hoofdstuk 2 - Drie"], ["Titel II - Vier"]]


def test_finish_text_moves_notes_and_markers():
    text, notes, status = finish_text(["[1 Eerste lid.]1 <W 2000-01-01/01, art. 2; Inwerkingtreding : 01-01-2000>",
                                       "§ 2. Tweede.", "----------", "(1)<W 2001-02-03/04, art. 5>"])
    assert text == "Eerste lid.\n§ 2. Tweede."
    assert notes == ["<W 2000-01-01/01, art. 2; Inwerkingtreding : 01-01-2000>", "(1)<W 2001-02-03/04, art. 5>"]
    assert status == "geldend"


@pytest.mark.parametrize("text, status", [
    ("(Opgeheven) <W 1996-07-10/42, art. 21>", "opgeheven"), ("[1 Opgeheven]1", "opgeheven"),
    ("Vervallen", "vervallen"), ("Opgeheven worden de artikelen 3 tot 5 van de wet.", "geldend"),
])
def test_status(text, status):
    assert finish_text([text])[2] == status


def test_reflow_joins_wrapped_lines_and_keeps_points():
    lines = ["§ 1. Een bestuursorgaan kan een bericht elektronisch", "verzenden, mits:",
             "1° de geadres-", "seerde dat aanvaardt;", "2° het veilig gebeurt.", "Een tweede lid."]
    assert reflow(lines) == ["§ 1. Een bestuursorgaan kan een bericht elektronisch verzenden, mits:",
                             "1° de geadresseerde dat aanvaardt;", "2° het veilig gebeurt.", "Een tweede lid."]
