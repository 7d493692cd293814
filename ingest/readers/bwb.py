"""Reader for BWB "toestand" XML of wetten.overheid.nl (Dutch national legislation).

The XML already carries the structure, so no text segmentation is needed:
the heading path comes from the enclosing structure elements, leden and list
items become lines, and extref/intref targets become references.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from lxml import etree

from .errors import ReaderError
from .regulation import derive_key, new_article, new_regulation, unnumbered_article_label

_STRUCTURE = {"boek", "deel", "hoofdstuk", "titeldeel", "afdeling", "paragraaf", "sub-paragraaf", "divisie", "bijlage"}
_SKIP = {"meta-data", "kop", "lidnr", "li.nr", "redactie-meta"}
_STATUS = {"goed": "geldend", "vervallen": "vervallen", None: "geldend"}


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _inline(el) -> str:
    """Text of an element without its meta-data."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _SKIP:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return _clean("".join(parts))


def _kop(el) -> str:
    kop = el.find("kop")
    if kop is None:
        return ""
    label = " ".join(_clean(kop.findtext(t) or "") for t in ("label", "nr")).strip()
    title = _clean(_inline(kop.find("titel"))) if kop.find("titel") is not None else ""
    return f"{label} - {title}" if title and label else (label or title)


def _block_lines(el, prefix: str = "") -> list[str]:
    """Lines for a lid, list or paragraph container; numbers stay at the start of their line."""
    lines: list[str] = []
    for child in el:
        if not isinstance(child.tag, str) or child.tag in _SKIP:
            continue
        if child.tag in ("lid", "li"):
            nr = _clean(child.findtext("lidnr") or child.findtext("li.nr") or "")
            nr = f"{nr}." if child.tag == "lid" and nr and not nr.endswith(".") else nr
            lines.extend(_block_lines(child, prefix=f"{nr} " if nr else ""))
        elif child.tag in ("lijst", "table", "tgroup", "tbody"):
            lines.extend(_block_lines(child))
        elif child.tag == "row":
            lines.append(" | ".join(_inline(e) for e in child if isinstance(e.tag, str)))
        else:
            text = _inline(child)
            if text:
                lines.append(prefix + text)
                prefix = ""
    return lines


def _references(el) -> list[str]:
    seen: dict[str, None] = {}
    for ref in el.iter("extref", "intref"):
        target = ref.get("doc") or ""
        if target:
            seen.setdefault(target, None)
    return list(seen)


def _path(el) -> list[str]:
    labels = [_kop(a) for a in el.iterancestors() if a.tag in _STRUCTURE]
    return [label for label in reversed(labels) if label]


def _article(el, seen: set[str]) -> dict | None:
    status = el.get("status")
    if status == "nogniet":
        return None  # not yet in force: the register records the law as it applies now
    number = _clean(el.findtext("kop/nr") or "")
    notes = []
    if not number:
        # e.g. the Grondwet's "Algemene bepaling": one odd article must not cost the whole law.
        title = el.find("kop/titel")
        number, note = unnumbered_article_label(
            [el.findtext("kop/label"), _inline(title) if title is not None else None, el.get("label")],
            sum(1 for label in seen if label.startswith("zonder nummer")) + 1)
        notes.append(note)
    bijlage = next((a for a in el.iterancestors("bijlage")), None)
    if bijlage is not None:
        # Annexes restart their numbering; the annex label keeps numbers unique.
        number = f"{_kop(bijlage).split(' - ')[0]}, art. {number}"
    if number in seen:
        number = f"{number} ({el.get('bwb-ng-variabel-deel', '').strip('/')})"
    seen.add(number)
    title = el.find("kop/titel")
    return new_article(
        number, "\n".join(_block_lines(el)), heading=_inline(title) if title is not None else None,
        path=_path(el), status=_STATUS.get(status, "geldend"), references=_references(el),
        in_force_from=el.get("inwerking"), notes=notes)


def _kind(root) -> str | None:
    wetgeving = root if root.tag == "wetgeving" else root.find("wetgeving")
    soort = wetgeving.get("soort") if wetgeving is not None else None
    return {"wet": "wet", "rijkswet": "wet", "amvb": "andere", "ministeriele-regeling": "andere"}.get(soort)


def _metadata(root) -> dict:
    intitule = root.find(".//intitule")
    citeer = root.find(".//citeertitel")
    bwb_id = root.get("bwb-id")
    valid = root.get("inwerkingtreding")
    return {
        "title": _inline(citeer) if citeer is not None else _inline(intitule),
        "short_title": _inline(citeer) if citeer is not None else None,
        "date": intitule.get("ondertekening_bron") if intitule is not None else None,
        "published": intitule.get("publicatie_bron") if intitule is not None else None,
        "identifiers": {"bwb": bwb_id},
        "url": f"https://wetten.overheid.nl/{bwb_id}/{valid}" if bwb_id and valid else None,
        "kind": _kind(root),
        "official_title": _inline(intitule) if intitule is not None else None,
    }


def read_bwb(path: str | Path, **meta) -> dict:
    """One regulation from a BWB toestand XML file."""
    path = Path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        # from the bytes, not the path: lxml reports a bad byte in a file it reads itself as an OSError without
        # a line, in bytes given to it as a syntax error with its line
        root = etree.parse(io.BytesIO(path.read_bytes()), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise ReaderError(path, f"onleesbare XML: {exc.msg}", line=exc.lineno) from exc
    if root.tag not in ("toestand", "wetgeving"):
        raise ReaderError(path, f"onbekende XML-indeling: <{root.tag}> is geen BWB-toestand")
    seen: set[str] = set()
    articles = [a for a in (_article(el, seen) for el in root.iter("artikel")) if a is not None]
    if not articles:
        raise ReaderError(path, "geen artikels gevonden")
    found = _metadata(root)
    official = found.pop("official_title")
    for name, value in found.items():
        if value is not None:
            meta.setdefault(name, value)
    guessed_key = "key" not in meta
    if guessed_key:
        meta["key"] = derive_key(official or "", found["identifiers"]["bwb"] or path.stem)
    regulation = new_regulation(articles=articles, fmt="bwb", file=path, **meta)
    regulation["official_title"] = official
    if guessed_key:
        regulation["inferred"].insert(0, "key")
    return regulation
