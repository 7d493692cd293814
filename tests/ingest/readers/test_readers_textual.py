"""Text, Markdown, PDF and DOCX made from the real samples must segment like the source."""

import textwrap

from reader_samples import by_number, flat, justel_plain_lines, write_docx, write_pdf

from ingest.readers import read_regulations

FIRST_ARTICLES = 60


def _justel_prefix() -> list[str]:
    """The Justel text up to the article after the first sixty, as plain lines."""
    lines, seen = [], 0
    for line in justel_plain_lines():
        if line.startswith(("Art.", "Artikel")) and line.split()[1].rstrip(".")[:1].isdigit():
            seen += 1
            if seen > FIRST_ARTICLES:
                break
        lines.append(line)
    return ["8 JUNI 1867. - STRAFWETBOEK.", *lines]


def _assert_same_articles(read, source, *, exact):
    expected = source["articles"][: len(read["articles"])]
    assert [a["number"] for a in read["articles"]] == [a["number"] for a in expected]
    for got, want in zip(read["articles"], expected):
        if exact:
            assert got["text"] == want["text"], got["number"]
        else:
            assert flat(got["text"]) == flat(want["text"]), got["number"]
        assert got["status"] == want["status"]
        assert len(got["notes"]) == len(want["notes"])
        assert got["path"] == want["path"]


def _assert_whole_strafwetboek(read, strafwetboek):
    assert [a["number"] for a in read["articles"]] == [a["number"] for a in strafwetboek["articles"]]
    source = by_number(strafwetboek)
    differing = [a for a in read["articles"] if flat(a["text"]) != flat(source[a["number"]]["text"])]
    # Without the page's anchors, a heading with neither keyword nor capitals ("[Bijzondere
    # bepaling]") reads as a last line of the article before it; nothing else may differ.
    assert len(differing) <= len(read["articles"]) // 100
    for article in differing:
        assert flat(article["text"]).startswith(flat(source[article["number"]]["text"])), article["number"]
    assert [a["status"] for a in read["articles"]] == [a["status"] for a in strafwetboek["articles"]]


def test_plain_text_of_the_whole_strafwetboek(tmp_path, strafwetboek):
    path = tmp_path / "strafwetboek.txt"
    path.write_text("\n".join(["8 JUNI 1867. - STRAFWETBOEK.", *justel_plain_lines()]), encoding="utf-8")
    (read,) = read_regulations(path)
    assert read["source"]["format"] == "text"
    _assert_whole_strafwetboek(read, strafwetboek)
    assert read["date"] == "1867-06-08"


def test_pdf_of_the_whole_strafwetboek(tmp_path, strafwetboek):
    lines = ["8 JUNI 1867. - STRAFWETBOEK.", *justel_plain_lines()]
    (read,) = read_regulations(write_pdf(tmp_path / "strafwetboek.pdf", lines))
    _assert_whole_strafwetboek(read, strafwetboek)


def test_docx_of_justel_text(tmp_path, strafwetboek):
    (read,) = read_regulations(write_docx(tmp_path / "straf.docx", _justel_prefix()))
    assert len(read["articles"]) == FIRST_ARTICLES
    _assert_same_articles(read, strafwetboek, exact=True)
    assert read["source"]["format"] == "docx"


def test_pdf_of_justel_text(tmp_path, strafwetboek):
    (read,) = read_regulations(write_pdf(tmp_path / "straf.pdf", _justel_prefix()))
    assert len(read["articles"]) == FIRST_ARTICLES
    _assert_same_articles(read, strafwetboek, exact=False)
    assert read["source"]["format"] == "pdf"


def _eurlex_lines(avg, numbers):
    lines = [avg["title"]]
    chapter = None
    for article in avg["articles"]:
        if article["number"] not in numbers:
            continue
        if article["path"][0] != chapter:
            chapter = article["path"][0]
            label, title = chapter.split(" - ", 1)
            lines += [label.upper(), title]
        lines += [f"Artikel {article['number']}", article["heading"], *article["text"].split("\n")]
    return lines


def test_docx_and_pdf_of_eu_layout(tmp_path, avg):
    numbers = [str(n) for n in range(1, 12)]
    lines = _eurlex_lines(avg, numbers)
    for path in (write_docx(tmp_path / "avg.docx", lines), write_pdf(tmp_path / "avg.pdf", lines)):
        (read,) = read_regulations(path, key="AVG")
        source = by_number(avg)
        assert [a["number"] for a in read["articles"]] == numbers, path.name
        for article in read["articles"]:
            want = source[article["number"]]
            assert article["heading"] == want["heading"], (path.name, article["number"])
            assert article["path"] == want["path"]
            assert flat(article["text"]) == flat(want["text"])
        assert read["level"] == "europees" and read["kind"] == "verordening"


def test_markdown_with_soft_wrapped_paragraphs(tmp_path, avg):
    article = by_number(avg)["6"]
    body = "\n\n".join(textwrap.fill(line, 70) for line in article["text"].split("\n"))
    path = tmp_path / "avg6.md"
    path.write_text(f"# Algemene verordening gegevensbescherming\n\n## Artikel 6 - {article['heading']}\n\n{body}\n",
                    encoding="utf-8")
    (read,) = read_regulations(path)
    (got,) = read["articles"]
    assert (got["number"], got["heading"]) == ("6", article["heading"])
    assert got["text"] == article["text"]
