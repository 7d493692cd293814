"""Composition of the layers for the CLI and the web server: init, indexing hooks, doctor."""

from typing import Any

from fastapi import FastAPI
from sqlmodel import func, select

from drempelbank.runtime import Runtime
from kb.db import schema_status, session_scope
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
    lines.extend(rt.after_commit().lines())
    return lines


def build_app(rt: Runtime) -> FastAPI:
    from web.app import create_app

    rt.after_commit()  # repair what a crash between a commit and its steps left behind
    return create_app(rt.engine, search=rt.search, settings=rt.settings, after_commit=rt.after_commit)


def diagnose(rt: Runtime) -> dict[str, Any]:
    report: dict[str, Any] = {"database": {"url": rt.safe_url}}
    engine = rt.engine
    with session_scope(engine) as session:
        count = lambda model: session.exec(select(func.count()).select_from(model)).one()  # noqa: E731
        report["database"].update(schema_status(engine))
        report["database"].update(barriers=count(Barrier), regulations=count(Regulation), articles=count(Article),
                                  projects=count(Project), users=count(User), outbox_pending=count(OutboxEntry))
    report["index"] = {"path": str(rt.settings.index_dir), **rt.search.status(),
                       "pending": report["database"]["outbox_pending"]}
    try:
        from search.nlp import pipeline_info

        report["nlp"] = pipeline_info()
    except ImportError as exc:
        report["nlp"] = {"error": f"taalverwerking niet beschikbaar: {exc}"}
    return report
