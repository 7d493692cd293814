"""Composition of the layers for the CLI and the web server: init, indexing hooks, doctor."""

import threading
from typing import Any

from fastapi import FastAPI
from sqlmodel import func, select

from drempelbank.config import Settings
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
    if demo:
        lines.append(demo_themes(rt))
    dropped = rt.search.compact()  # term statistics without the versions the loading above replaced
    if dropped:
        lines.append(f"zoekindex samengevoegd: {dropped} vervangen versies verwijderd")
    semantic = rt.learn_semantic_model()
    if semantic:
        lines.append(semantic)
    return lines


def demo_themes(rt: Runtime) -> str:
    """Group the demo register into themes so a fresh start shows /themas filled; never redo curated work."""
    from kb.services.themes import has_themes
    from search.service import load_thesaurus
    from search.theme_store import recluster

    with session_scope(rt.engine) as session:
        if has_themes(session):
            return "thema's: al aanwezig (herberekenen met 'drempelbank cluster')"
    result = recluster(rt.engine, thesaurus=load_thesaurus(rt.corpus), actor="init")
    rt.after_commit()  # the search index follows the new memberships (thema facet)
    return f"thema's: {len(result.themes)} voorgesteld"


def build_app(rt: Runtime) -> FastAPI:
    from web.app import create_app

    rt.after_commit()  # repair what a crash between a commit and its steps left behind
    # the semantic model (learned here when `init` did not run on this machine), the Dutch pipeline and the
    # stem classes load beside serving, not in the first search
    threading.Thread(target=rt.warm_up, name="opwarmen", daemon=True).start()
    return create_app(rt.engine, search=rt.search, settings=rt.settings, after_commit=rt.after_commit)


def app_from_environment() -> FastAPI:
    """The app of one worker process when `serve --workers N` starts several (uvicorn's factory)."""
    return build_app(Runtime(Settings()))


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
    reranker = rt.search.backend.reranker
    passages = getattr(reranker, "passages", None)
    report["semantic"] = {"lsa": reranker is not None,
                          "encoder": passages.status() if passages is not None else {"active": False, "reason": "uit"}}
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
