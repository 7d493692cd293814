"""Shape and cross-reference checks of the shipped corpus files."""
import datetime
import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

BARRIER_FIELDS = {
    "code", "title", "description", "kind", "werf", "level", "status", "severity",
    "regulations", "projects", "municipalities", "proposed_solution", "reported_by",
    "reported_on", "tags",
}
BARRIER_LISTS = ("regulations", "projects", "municipalities", "tags")
REGULATION_FIELDS = {
    "key", "title", "short_title", "abbreviations", "kind", "level", "date",
    "published", "identifiers", "url", "articles",
}
PROJECT_FIELDS = {
    "code", "name", "theme", "werf", "project_type", "lead_municipality", "partners",
    "budget", "status", "call", "description",
}
# Contract values of the briefs and DOMAIN.md, checked against typology.json below.
TYPOLOGY_VALUES = {
    "kinds": ["juridisch", "procesmatig", "technisch", "organisatorisch", "financieel"],
    "werven": ["frontoffice", "backoffice", "interbestuurlijke-keten", "beleidsvoering"],
    "levels": ["europees", "federaal", "vlaams", "provinciaal", "lokaal"],
    "statuses": ["gemeld", "in-analyse", "oplossing-voorgesteld", "in-uitvoering", "opgelost", "niet-weerhouden"],
    "solution_types": ["wijziging-regelgeving", "interpretatie", "omzendbrief-of-richtlijn",
                       "technische-oplossing", "organisatorische-maatregel", "financiering"],
    "regulation_kinds": ["verordening", "richtlijn", "wet", "koninklijk-besluit", "decreet", "ordonnantie",
                         "besluit-vlaamse-regering", "ministerieel-besluit", "omzendbrief", "reglement", "andere"],
    "regulation_levels": ["europees", "federaal", "vlaams", "provinciaal", "lokaal", "buitenlands"],
    "project_types": ["concept", "thematisch", "transformatie"],
    "roles": ["lezer", "jurist", "programmateam", "beheerder"],
    "link_roles": ["oorzaak", "relevant", "oplossing"],
}
PROJECT_CAPS = {"concept": 150_000, "thematisch": 500_000, "transformatie": 2_000_000}
PROJECT_THEMES = {"innovatieve dienstverlening", "digitale democratie", "werkplek van de toekomst"}
PROJECT_STATUSES = {"lopend", "afgerond", "stopgezet"}


def read_jsonl(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def typology():
    return json.loads((CORPUS / "typology.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def values(typology):
    return {group: {e["value"] for e in entries} for group, entries in typology.items()}


@pytest.fixture(scope="module")
def barriers():
    return read_jsonl(CORPUS / "demo" / "barriers.jsonl")


@pytest.fixture(scope="module")
def projects():
    return read_jsonl(CORPUS / "demo" / "projects.jsonl")


@pytest.fixture(scope="module")
def catalogue():
    return read_jsonl(CORPUS / "regulations" / "catalogue.jsonl")


@pytest.fixture(scope="module")
def thesaurus():
    return json.loads((CORPUS / "thesaurus.json").read_text(encoding="utf-8"))["entries"]


@pytest.fixture(scope="module")
def municipalities():
    return json.loads((CORPUS / "municipalities.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def municipality_names(municipalities):
    current = {m["name"] for m in municipalities} | {m["nis"] for m in municipalities}
    former = {f["name"] for m in municipalities for f in m["former"]}
    return current | former


@pytest.fixture(scope="module")
def demo_readme():
    return (CORPUS / "demo" / "README.md").read_text(encoding="utf-8")


def all_corpus_files(suffix):
    return sorted(p for p in CORPUS.rglob(f"*{suffix}") if p.is_file())


@pytest.mark.parametrize("path", all_corpus_files(".json"), ids=lambda p: str(p.relative_to(CORPUS)))
def test_json_file_parses(path):
    json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", all_corpus_files(".jsonl"), ids=lambda p: str(p.relative_to(CORPUS)))
def test_jsonl_file_parses_line_by_line(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"{path.name}: lege regel {number}"
        assert isinstance(json.loads(line), dict), f"{path.name}: regel {number}"


def test_typology_holds_exactly_the_contract_values(typology):
    assert set(typology) == set(TYPOLOGY_VALUES)
    for group, expected in TYPOLOGY_VALUES.items():
        assert [e["value"] for e in typology[group]] == expected, group
        for entry in typology[group]:
            assert set(entry) == {"value", "label", "definition"}
            assert entry["label"].strip() and entry["definition"].strip()


def test_minimum_sizes(barriers, projects, thesaurus):
    assert len(barriers) >= 48
    assert len(projects) >= 12
    assert len(thesaurus) >= 40


def test_codes_are_unique(barriers, projects, catalogue):
    for records, field in ((barriers, "code"), (projects, "code"), (catalogue, "key")):
        codes = [r[field] for r in records]
        assert len(codes) == len(set(codes))


def test_barriers_have_every_field_with_valid_values(barriers, values):
    for b in barriers:
        where = b.get("code")
        assert set(b) == BARRIER_FIELDS, where
        assert re.fullmatch(r"DR-20(2[2-6])-\d{3}", b["code"]), where
        for field in ("title", "description", "reported_by"):
            assert isinstance(b[field], str) and b[field].strip(), where
        assert b["kind"] in values["kinds"], where
        assert b["werf"] in values["werven"], where
        assert b["level"] in values["levels"], where
        assert b["status"] in values["statuses"], where
        assert isinstance(b["severity"], int) and 1 <= b["severity"] <= 5, where
        assert b["proposed_solution"] is None or b["proposed_solution"].strip(), where
        for field in BARRIER_LISTS:
            assert isinstance(b[field], list), where
            assert all(isinstance(v, str) and v.strip() for v in b[field]), where
        assert 1 <= len(b["tags"]) <= 4, where


def test_barrier_dates_match_the_code_year(barriers):
    for b in barriers:
        reported = datetime.date.fromisoformat(b["reported_on"])
        assert str(reported.year) == b["code"][3:7], b["code"]


def test_every_enum_value_is_demonstrated_twice(barriers, values):
    for field, group in (("kind", "kinds"), ("werf", "werven"), ("level", "levels"), ("status", "statuses")):
        for value in values[group]:
            used = sum(1 for b in barriers if b[field] == value)
            assert used >= 2, f"{field}={value} komt {used} keer voor"
    assert {b["severity"] for b in barriers} == {1, 2, 3, 4, 5}


def test_solved_barriers_say_what_solved_them(barriers):
    for b in barriers:
        if b["status"] == "opgelost":
            assert b["proposed_solution"], b["code"]


def test_barrier_municipalities_are_known(barriers, municipality_names):
    for b in barriers:
        unknown = [m for m in b["municipalities"] if m not in municipality_names]
        assert not unknown, (b["code"], unknown)


def test_demo_uses_former_names_and_nis_codes(barriers, municipalities):
    used = {m for b in barriers for m in b["municipalities"]}
    former = {f["name"] for m in municipalities for f in m["former"]}
    current = {m["name"] for m in municipalities}
    assert len((used & former) - current) >= 2
    assert any(m.isdigit() for m in used)


def test_barrier_projects_exist(barriers, projects):
    codes = {p["code"] for p in projects}
    for b in barriers:
        assert set(b["projects"]) <= codes, b["code"]


def test_projects_are_well_formed(projects, values, municipalities):
    nis = {m["nis"] for m in municipalities}
    for p in projects:
        where = p.get("code")
        assert set(p) == PROJECT_FIELDS, where
        assert re.fullmatch(r"GZG-20\d\d-\d{3}", p["code"]), where
        assert p["theme"] in PROJECT_THEMES, where
        assert p["werf"] in values["werven"], where
        assert p["project_type"] in values["project_types"], where
        assert p["status"] in PROJECT_STATUSES, where
        assert isinstance(p["budget"], int) and 0 < p["budget"] <= PROJECT_CAPS[p["project_type"]], where
        assert p["lead_municipality"] in nis, where
        assert set(p["partners"]) <= nis and p["lead_municipality"] not in p["partners"], where


def test_catalogue_entries_are_metadata_only(catalogue, values):
    for r in catalogue:
        where = r.get("key")
        assert set(r) == REGULATION_FIELDS, where
        assert r["title"].strip(), where
        assert r["kind"] in values["regulation_kinds"], where
        assert r["level"] in values["regulation_levels"], where
        assert r["articles"] == [], where
        assert set(r["identifiers"]) == {"eli", "numac", "celex", "bwb"}, where
        for field in ("date", "published"):
            if r[field] is not None:
                datetime.date.fromisoformat(r[field])
        if r["date"] and r["published"]:
            assert r["published"] >= r["date"], where


def test_eu_identifiers_agree_with_each_other(catalogue):
    kinds = {"verordening": ("R", "reg"), "richtlijn": ("L", "dir")}
    for r in catalogue:
        celex = r["identifiers"]["celex"]
        if celex is None:
            continue
        letter, eli_type = kinds[r["kind"]]
        year, number = re.fullmatch(rf"3(\d{{4}}){letter}(\d{{4}})", celex).groups()
        assert r["date"].startswith(year), r["key"]
        assert r["identifiers"]["eli"] == f"http://data.europa.eu/eli/{eli_type}/{year}/{int(number)}/oj"
        # EU acts were numbered number/year until 2014 and year/number since 2015.
        numbers = {f"{year}/{int(number)}", f"{int(number)}/{year}"}
        assert any(n in r["title"] for n in numbers), r["key"]


def test_thesaurus_entries_are_well_formed(thesaurus, catalogue):
    keys = {r["key"] for r in catalogue}
    owner = {}
    for index, entry in enumerate(thesaurus):
        assert set(entry) == {"terms", "regulation"}
        assert entry["terms"] and all(t.strip() == t and t for t in entry["terms"])
        assert entry["regulation"] is None or entry["regulation"] in keys, entry["terms"][0]
        for term in entry["terms"]:
            folded = term.casefold()
            assert owner.setdefault(folded, index) == index, f"'{term}' staat in twee entries"


def test_every_catalogue_regulation_has_a_thesaurus_entry(thesaurus, catalogue):
    covered = {e["regulation"] for e in thesaurus if e["regulation"]}
    assert {r["key"] for r in catalogue} == covered


def _regulation_names(catalogue, thesaurus):
    names = {t for e in thesaurus if e["regulation"] for t in e["terms"]}
    for r in catalogue:
        names |= {r["title"], *(r["abbreviations"]), *([r["short_title"]] if r["short_title"] else [])}
    return [re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE) for n in names]


def test_citations_name_a_catalogue_regulation_or_are_listed_as_unresolvable(
    barriers, catalogue, thesaurus, demo_readme
):
    patterns = _regulation_names(catalogue, thesaurus)
    unknown = {
        citation
        for b in barriers
        for citation in b["regulations"]
        if not any(p.search(citation) for p in patterns)
    }
    section = demo_readme.split("## Citaten die het register niet kan oplossen", 1)[1]
    listed = set(re.findall(r"^- `([^`]+)`", section, flags=re.MULTILINE))
    assert unknown == listed
    assert 3 <= len(unknown) <= 4


def test_demo_readme_pairs_refer_to_existing_barriers(barriers, demo_readme):
    codes = {b["code"] for b in barriers}
    section = demo_readme.split("## Bijna-dubbele meldingen", 1)[1].split("\n## ", 1)[0]
    pairs = re.findall(r"^\| (DR-\d{4}-\d{3}) .*?\| (DR-\d{4}-\d{3}) ", section, flags=re.MULTILINE)
    assert len(pairs) >= 4
    for first, second in pairs:
        assert {first, second} <= codes
        assert first != second
