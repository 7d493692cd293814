"""Load the shipped corpus (reference data, regulation texts, demo data) into the register."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ingest.barrier_import import ImportReport, import_barriers
from ingest.regulation_import import RegulationImportReport, import_regulation_objects
from kb.db import session_scope
from kb.errors import ValidationFailed
from kb.models import ProjectCreate
from kb.services.reference import load_municipalities, upsert_project
from kb.validation import validate

ACTOR = "init"


@dataclass
class CorpusReport:
    municipalities: int = 0
    regulations: RegulationImportReport | None = None
    projects: dict[str, int] = field(default_factory=dict)
    barriers: ImportReport | None = None


def _jsonl(path: Path) -> list[tuple[int, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(n, json.loads(line)) for n, line in enumerate(lines, start=1) if line.strip()]


def regulation_items(corpus: Path) -> list[tuple[str, int | None, Any]]:
    """Catalogue metadata merged with the shipped texts, one object per key (so init is idempotent)."""
    catalogue = corpus / "regulations" / "catalogue.jsonl"
    items: dict[str, tuple[str, int | None, dict]] = {}
    if catalogue.exists():
        for line, item in _jsonl(catalogue):
            items[item.get("key")] = (catalogue.name, line, item)
    for text_file in sorted((corpus / "regulations" / "texts").glob("*.json")):
        text = json.loads(text_file.read_text(encoding="utf-8"))
        known = items.get(text.get("key"))
        if known:
            merged = {**text, **{k: v for k, v in known[2].items() if v not in (None, [], {}) and k != "articles"}}
            merged["abbreviations"] = sorted({*text.get("abbreviations", []), *known[2].get("abbreviations", [])})
            items[text["key"]] = (text_file.name, None, merged)
        else:
            items[text.get("key")] = (text_file.name, None, text)
    return list(items.values())


def load_reference(*, engine: Engine, corpus: Path) -> CorpusReport:
    report = CorpusReport()
    municipalities = json.loads((corpus / "municipalities.json").read_text(encoding="utf-8"))
    with session_scope(engine) as session:
        report.municipalities = load_municipalities(session=session, items=municipalities)
    report.regulations = import_regulation_objects(engine=engine, items=regulation_items(corpus), actor=ACTOR)
    if report.regulations.rejected:
        raise ValidationFailed(report.regulations.rejected)
    return report


def load_demo(*, engine: Engine, corpus: Path, report: CorpusReport) -> CorpusReport:
    projects_file = corpus / "demo" / "projects.jsonl"
    with session_scope(engine) as session:
        for line, item in _jsonl(projects_file):
            project = validate(ProjectCreate, {**item, "is_demo": True}, line=line, file=projects_file.name)
            outcome = upsert_project(session=session, data=project, actor=ACTOR)
            report.projects[outcome] = report.projects.get(outcome, 0) + 1
    report.barriers = import_barriers(engine=engine, path=corpus / "demo" / "barriers.jsonl", actor=ACTOR, demo=True)
    if report.barriers.rejected:
        raise ValidationFailed(report.barriers.rejected)
    return report
