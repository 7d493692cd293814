"""Composition of the layers for the CLI and the web server: init, indexing hooks, doctor."""

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlmodel import func, select

from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from kb.db import schema_status, session_scope
from kb.errors import FieldError, ValidationFailed
from kb.models import Article, Barrier, OutboxEntry, Project, Regulation, User
from kb.services.users import ensure_first_admin


def initialise(rt: Runtime, *, demo: bool) -> list[str]:
    """Create schema, load reference data (and demo data); safe to run again."""
    from ingest.corpus import load_demo, load_reference

    report = load_reference(engine=rt.engine, corpus=rt.corpus)
    lines = [f"database: {rt.safe_url}", f"gemeenten: {report.municipalities}",
             f"regelgeving: {len(report.regulations.versions)} "
             f"({sum(v.outcome != 'unchanged' for v in report.regulations.versions)} nieuw of bijgewerkt)"]
    with session_scope(rt.engine) as session:
        password = ensure_first_admin(session=session)
    if password:
        lines.append(f"beheerdersaccount 'beheerder' aangemaakt; wachtwoord (wordt maar één keer getoond): {password}")
    if demo:
        load_demo(engine=rt.engine, corpus=rt.corpus, report=report)
        b = report.barriers
        lines.append(f"demoprojecten: {sum(report.projects.values())}; demodrempels: {b.created} nieuw, "
                     f"{b.updated} bijgewerkt, {b.unchanged} ongewijzigd")
    lines.extend(after_write(rt))
    return lines


def after_write(rt: Runtime) -> list[str]:
    """Bring derived stores up to date with the database (drains the outbox)."""
    applied = rt.search.sync()
    return [f"zoekindex: {applied} wijzigingen verwerkt"] if applied else []


def after_restore(rt: Runtime) -> None:
    rt.search.rebuild()


def build_app(rt: Runtime) -> FastAPI:
    from web.app import create_app

    after_write(rt)
    return create_app(rt.engine, search=rt.search, settings=rt.settings)


def app_from_environment() -> FastAPI:
    """The app of one worker process when `serve --workers N` starts several (uvicorn's factory)."""
    return build_app(Runtime(Settings()))


def read_regulation_items(path: Path, fmt: str, *, key: str | None, max_bytes: int) -> list[tuple[str, Any, Any]]:
    """(file, line, object) triples in the exchange format from any supported source format."""
    from ingest.regulation_import import read_json_regulations

    if fmt == "json" or (fmt == "auto" and path.is_file() and path.suffix.lower() in (".json", ".jsonl")):
        return [(path.name, line, item) for line, item in read_json_regulations(path)]
    try:
        from ingest.readers import ReaderError, read_regulations
    except ImportError:
        raise ValidationFailed([FieldError("--format", f"formaat '{fmt}' wordt nog niet ondersteund", file=path.name)])
    try:
        return [(path.name, None, item) for item in read_regulations(path, fmt, key=key, max_bytes=max_bytes)]
    except ReaderError as exc:
        raise ValidationFailed([FieldError("(bestand)", exc.message, exc.line, path.name)]) from None


def diagnose(rt: Runtime) -> dict[str, Any]:
    report: dict[str, Any] = {"database": {"url": rt.safe_url}}
    engine = rt.engine
    with session_scope(engine) as session:
        count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        report["database"].update(schema_status(engine))
        report["database"].update(barriers=count(Barrier), regulations=count(Regulation), articles=count(Article),
                                  projects=count(Project), users=count(User), outbox_pending=count(OutboxEntry))
    report["index"] = {"path": str(rt.settings.index_dir), **rt.search.status()}
    try:
        from search.nlp import pipeline_info

        report["nlp"] = pipeline_info()
    except ImportError as exc:
        report["nlp"] = {"error": f"taalverwerking niet beschikbaar: {exc}"}
    problems = verdict_problems(report)
    report["verdict"] = {"ok": not problems, "problems": problems}
    return report


# The after-commit step drains the outbox within a second of a write; more than this many entries
# waiting means the index has fallen behind (a crashed step, a server stopped mid-import).
OUTBOX_BACKLOG = 100


def verdict_problems(report: dict[str, Any]) -> list[str]:
    """What an operator must act on, in Dutch; empty when the register is healthy."""
    problems = []
    database = report["database"]
    if not database.get("up_to_date"):
        problems.append(f"het databankschema is niet bij (versie {database.get('current')}, verwacht "
                        f"{database.get('head')}); voer 'drempelbank init' uit")
    pending = database.get("outbox_pending", 0)
    if pending > OUTBOX_BACKLOG:
        problems.append(f"{pending} wijzigingen staan in de wachtrij voor de zoekindex; voer 'drempelbank reindex' "
                        "uit en kijk na waarom ze niet verwerkt werden")
    if "error" in report.get("nlp", {}):
        problems.append(report["nlp"]["error"])
    return problems
