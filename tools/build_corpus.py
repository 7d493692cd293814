"""Builds corpus/regulations/texts/ from the real source samples.

Run: python -m tools.build_corpus [SOURCE_DIR]
SOURCE_DIR defaults to shared/corpus-src beside the project, else the test copies.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ingest.readers import read_regulations

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "corpus" / "regulations" / "texts"
CANDIDATE_SOURCES = (ROOT.parent / "shared" / "corpus-src", ROOT / "tests" / "ingest" / "resources")

# (output key, source path under the source folder, metadata the documents lack or word differently)
TEXTS = (
    ("AVG", "eurlex-avg-nl", {"short_title": "Algemene verordening gegevensbescherming",
                              "abbreviations": ["AVG", "GDPR"], "published": "2016-05-04"}),
    ("AWB", "bwb-xml-nl/BWBR0005537_2024-05-01_0.xml", {"abbreviations": ["AWB", "Awb"]}),
    ("GEMW", "bwb-xml-nl/BWBR0005416_2024-01-31_0.xml", {"short_title": "Gemeentewet (Nederland)",
                                                          "abbreviations": ["GEMW"]}),
)

PROVENANCE = """# Herkomst van de meegeleverde wetteksten

Deze teksten zijn automatisch gelezen uit ongewijzigde publieke bronbestanden
met `python -m tools.build_corpus`; niets is met de hand geschreven.

| bestand | regeling | bron | herkomst en licentie |
|---|---|---|---|
| `AVG.json` | Verordening (EU) 2016/679 (AVG/GDPR), Nederlandse tekst, PB L 119 van 4.5.2016 (oorspronkelijke versie) | EUR-Lex HTML (CELEX 32016R0679), `intro.html` en `chapter-1.html` ... `chapter-10.html` | bewaard van EUR-Lex in de publieke GitHub-repository berkmansjohnny/gdpr (commit 0a0a48e). EUR-Lex-inhoud mag hergebruikt worden met bronvermelding (Besluit 2011/833/EU van de Commissie) |
| `AWB.json` | Algemene wet bestuursrecht (BWBR0005537), toestand 2024-05-01 | BWB-toestand-XML van wetten.overheid.nl | uit de publieke repository fRedelaar/Legal-Dutch-Attributed-Question-Answering (commit d86ba9d). Nederlandse wetteksten zijn niet auteursrechtelijk beschermd (Auteurswet art. 11) |
| `GEMW.json` | Gemeentewet (Nederland) (BWBR0005416), toestand 2024-01-31 | BWB-toestand-XML van wetten.overheid.nl | idem |

Wijzigingsnotities, verwijzingen en de status van artikels (geldend, vervallen)
komen uit de bron zelf. Artikels die op de toestanddatum nog niet in werking
waren ("nogniet"), zijn weggelaten.
"""


def source_dir(argv: list[str]) -> Path:
    if argv:
        return Path(argv[0])
    for candidate in CANDIDATE_SOURCES:
        if (candidate / "eurlex-avg-nl").is_dir():
            return candidate
    raise SystemExit("bronmap niet gevonden; geef ze op als argument")


def build(src: Path, out: Path = OUT) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for key, relative, extra in TEXTS:
        (regulation,) = read_regulations(src / relative, key=key)
        regulation.update(extra)
        regulation["inferred"] = [name for name in regulation["inferred"] if name not in extra]
        target = out / f"{key}.json"
        target.write_text(json.dumps(regulation, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(target)
        print(f"{target.name}: {len(regulation['articles'])} artikels")
    (out / "PROVENANCE.md").write_text(PROVENANCE, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> None:
    build(source_dir(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    main()
