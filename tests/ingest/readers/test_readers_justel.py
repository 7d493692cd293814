import re

from reader_samples import JUSTEL, by_number, justel_plain_lines


def anchor_numbers() -> list[str]:
    """Article numbers from the page's own anchors, counted without the reader."""
    raw = JUSTEL.read_text(encoding="utf-8")
    names = re.findall(r"<A NAME='(Art[^']*)'", raw)
    return [re.sub(r"^(Artikel|Art\.?)", "", name).rstrip(".") for name in names]


def test_every_anchored_article_is_read_once_in_order(strafwetboek):
    numbers = [a["number"] for a in strafwetboek["articles"]]
    assert numbers == anchor_numbers()
    assert len(numbers) == len(set(numbers))


def test_header_metadata(strafwetboek):
    assert strafwetboek["title"] == "Strafwetboek"
    assert strafwetboek["date"] == "1867-06-08"
    assert strafwetboek["published"] == "1867-06-09"
    assert strafwetboek["identifiers"]["numac"] == "1867060850"
    assert strafwetboek["identifiers"]["eli"].endswith("/eli/wet/1867/06/08/1867060850/justel")
    assert (strafwetboek["kind"], strafwetboek["level"]) == ("wet", "federaal")
    assert strafwetboek["source"] == {"format": "justel", "file": "strafwetboek_nl.html"}


def test_bis_article_without_insertion_note_in_text(strafwetboek):
    article = by_number(strafwetboek)["7bis"]
    assert article["text"].startswith("De straffen toepasselijk op misdrijven gepleegd door rechtspersonen")
    assert "<" not in article["text"] and "[" not in article["text"]
    assert "<Ingevoegd bij W 1999-05-04/60, art. 4; Inwerkingtreding : 02-07-1999>" in article["notes"]
    assert "1° geldboete;" in article["text"].split("\n")


def test_insertion_markers_and_footnotes_move_to_notes(strafwetboek):
    article = by_number(strafwetboek)["5"]
    lines = article["text"].split("\n")
    assert lines[0].startswith("Een rechtspersoon is strafrechtelijk verantwoordelijk")
    assert "1° tijdelijke handelsvennootschappen en stille handelsvennootschappen;" in lines
    assert not any("----" in line or "]1" in line for line in lines)
    assert article["notes"] == ["(1)<W 2018-07-11/10, art. 2, 132; Inwerkingtreding : 30-07-2018>"]


def test_repealed_articles_are_marked(strafwetboek):
    articles = by_number(strafwetboek)
    assert articles["13"]["status"] == "opgeheven"
    assert articles["1"]["status"] == "geldend"
    repealed = [a for a in strafwetboek["articles"] if a["status"] == "opgeheven"]
    assert all(re.match(r"^[\[(]?Opgeheven", a["text"], re.I) for a in repealed)
    raw = JUSTEL.read_text(encoding="utf-8")
    # Independent count: article anchors whose text starts with "(Opgeheven)".
    marked = re.findall(r"<A NAME='Art[^']*'[^>]*>[^<]*</A> <A HREF='[^']*'>[^<]*</A>\.\s*\(Opgeheven\)", raw)
    assert len([a for a in repealed if a["text"].startswith("(Opgeheven)")]) == len(marked) > 50


def test_heading_paths(strafwetboek):
    articles = by_number(strafwetboek)
    assert articles["1"]["path"] == ["Boek 1 - DE MISDRIJVEN EN DE BESTRAFFING IN HET ALGEMEEN",
                                     "Hoofdstuk I - MISDRIJVEN"]
    assert articles["7"]["path"][-1] == "Afdeling I - VERSCHILLENDE SOORTEN VAN STRAFFEN"
    assert articles["371/1"]["path"][0].startswith("Boek 2")
    assert all(a["path"] for a in strafwetboek["articles"])


def test_paragraphs_and_points_keep_their_own_lines(strafwetboek):
    """Every article whose source has a line opening with § 2 or 2° keeps that line."""
    expected, current = {}, None
    for line in justel_plain_lines():
        start = re.match(r"^(?:Art\.|Artikel)\s+(\S+?)\.", line)
        if start:
            current = start.group(1)
        body = re.sub(r"^(\[\d+\s*)+", "", line)
        if current and re.match(r"^(§ 2|2°)", body):
            expected.setdefault(current, set()).add(body[:3])
    assert len(expected) > 100
    articles = by_number(strafwetboek)
    for number, openings in expected.items():
        lines = articles[number]["text"].split("\n")
        for opening in openings:
            assert any(line.startswith(opening) for line in lines), (number, opening)


def test_the_single_unnumbered_article_of_an_act_is_read_with_a_marked_label(tmp_path):
    from ingest.readers.justel import read_justel

    raw = JUSTEL.read_text(encoding="utf-8")
    first = "<A NAME='Art.1'>Artikel </A> <A HREF='#Art.2'> 1</A>. Het misdrijf"
    assert first in raw
    page = tmp_path / JUSTEL.name
    page.write_text(raw.replace(first, "<A NAME='Art.1'>Enig artikel</A>. Het misdrijf"), encoding="utf-8")
    articles = read_justel(page)["articles"]
    assert articles[0]["number"] == "Enig artikel"
    assert articles[0]["text"].startswith("Het misdrijf, naar de wetten strafbaar met een criminele straf")
    assert "geen nummer" in articles[0]["notes"][0]
    assert [a["number"] for a in articles[1:]] == anchor_numbers()[1:]
