"""Commands that set up, fill, export, check and back up the register."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from drempelbank.cli.app import (HomeOption, JsonOption, app, byte_progress, console, emit_json, errors, export_app,
                                 import_app, refuse, runtime)
from drempelbank.cli_dutch import DutchCommand


@app.command(cls=DutchCommand)
def init(demo: Annotated[bool, typer.Option("--demo", help="Laad ook de demodrempels en -projecten.")] = False,
         home: HomeOption = None) -> None:
    """Maak de database en de index aan en laad de referentiegegevens (en met --demo de demodata)."""
    from drempelbank.setup import initialise

    rt = runtime(home)
    summary = initialise(rt, demo=demo)
    for line in summary:
        console.print(line, highlight=False)


@app.command(cls=DutchCommand)
def serve(host: Annotated[str | None, typer.Option(help="Adres (standaard 127.0.0.1).")] = None,
          port: Annotated[int | None, typer.Option(help="Poort (standaard 8000).")] = None,
          workers: Annotated[int, typer.Option(min=1, help="Aantal werkprocessen (meer dan 1: PostgreSQL "
                                                             "aanbevolen, zie docs/deployment.md).")] = 1,
          home: HomeOption = None) -> None:
    """Start de webtoepassing."""
    import os

    import uvicorn

    from drempelbank.setup import build_app

    rt = runtime(home)
    host, port = host or rt.settings.host, port or rt.settings.port
    if workers == 1:
        uvicorn.run(build_app(rt), host=host, port=port, log_level="info")
        return
    # Each worker process builds its own app from the same settings, passed on through the environment.
    os.environ["DREMPELBANK_HOME"] = str(rt.settings.home.resolve())
    rt.close()
    uvicorn.run("drempelbank.setup:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="info")


@import_app.command("barriers", cls=DutchCommand)
def import_barriers_cmd(file: Annotated[Path, typer.Argument(help="Een .jsonl-, .csv- of .xlsx-bestand.")],
                        partial: Annotated[bool, typer.Option("--partial", help="Lees de goede rijen in en "
                                                              "lijst de geweigerde op.")] = False,
                        as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Lees drempels in volgens het uitwisselingsformaat."""
    from ingest.barrier_files import FileRefused
    from ingest.barrier_import import import_barriers

    if not file.is_file():
        refuse(f"{file}: bestand niet gevonden")
    rt = runtime(home)
    try:
        with byte_progress(file, f"Inlezen {file.name}") as progress:
            task = progress.add_task("import", total=file.stat().st_size)
            report = import_barriers(engine=rt.engine, path=file, actor="cli", partial=partial,
                                     on_read=lambda n: progress.advance(task, n),
                                     max_unpacked=rt.settings.max_unpacked_bytes)
    except FileRefused as exc:
        refuse(str(exc))
    drained = rt.after_commit()
    report.citations = _citation_report(drained)
    if as_json:
        emit_json(report.as_dict())
    for warning in report.warnings:
        errors.print(f"[yellow]Waarschuwing:[/] {warning}", highlight=False)
    if report.rejected and not partial:
        refuse(f"{file.name}: {len(report.rejected_lines)} rij(en) geweigerd, er werd niets ingelezen",
               [str(e) for e in report.rejected])
    if not as_json:
        console.print(f"{file.name}: {report.created} nieuw, {report.updated} bijgewerkt, "
                      f"{report.unchanged} ongewijzigd", highlight=False)
    if report.rejected:
        errors.print(f"{len(report.rejected_lines)} rij(en) geweigerd:", highlight=False)
        for e in report.rejected:
            errors.print(f"  - {e}", highlight=False, markup=False)
        raise typer.Exit(1)


def _citation_report(drained) -> dict[str, Any] | None:
    """The citation linker's findings on what the import wrote (one report per drained batch)."""
    reports = drained.reports.get("citaten") or []
    if not reports:
        return None
    merged = reports[0]
    for more in reports[1:]:
        merged.barriers.extend(more.barriers)
    return merged.as_dict()


@import_app.command("regulations", cls=DutchCommand)
def import_regulations_cmd(path: Annotated[Path, typer.Argument(help="Een bestand of een map.")],
                           fmt: Annotated[str, typer.Option("--format", help="json, justel, codex, eurlex, bwb, pdf, "
                                                            "docx, text of auto.")] = "auto",
                           key: Annotated[str | None, typer.Option("--key", help="Sleutel van de regelgeving.")] = None,
                           as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Lees regelgeving in (artikel per artikel)."""
    from ingest.regulation_import import import_regulation_objects, read_regulation_items

    if not path.exists():
        refuse(f"{path}: bestand of map niet gevonden")
    rt = runtime(home)
    items = read_regulation_items(path, fmt, key=key, max_bytes=rt.settings.max_upload_bytes)
    report = import_regulation_objects(engine=rt.engine, items=items, actor="cli")
    if report.rejected:
        refuse(f"{path.name}: geweigerd, er werd niets ingelezen", [str(e) for e in report.rejected])
    rt.after_commit()
    if as_json:
        emit_json(report.as_dict())
        return
    for version in report.versions:
        line = (f"{version.key}: {version.outcome}; {len(version.added)} artikels nieuw, "
                f"{len(version.changed)} gewijzigd, {len(version.removed)} verdwenen")
        if version.flagged_barriers:
            line += f"; te herbekijken: {', '.join(version.flagged_barriers)}"
        console.print(line, highlight=False)


@export_app.command("barriers", cls=DutchCommand)
def export_barriers_cmd(file: Annotated[Path, typer.Argument(help="Doelbestand: .jsonl, .csv of .xlsx.")],
                        home: HomeOption = None) -> None:
    """Voer alle drempels uit in het uitwisselingsformaat."""
    from ingest.barrier_files import FileRefused
    from ingest.barrier_import import export_barriers

    rt = runtime(home)
    try:
        count = export_barriers(engine=rt.engine, path=file)
    except FileRefused as exc:
        refuse(str(exc))
    console.print(f"{count} drempels geschreven naar {file}", highlight=False)


@export_app.command("regulations", cls=DutchCommand)
def export_regulations_cmd(file: Annotated[Path, typer.Argument(help="Doelbestand: .json of .jsonl.")],
                           home: HomeOption = None) -> None:
    """Voer alle regelgeving uit in het JSON-uitwisselingsformaat."""
    from ingest.regulation_import import export_regulations

    if file.suffix.lower() not in (".json", ".jsonl"):
        refuse(f"{file.name}: gebruik .json of .jsonl")
    rt = runtime(home)
    count = export_regulations(engine=rt.engine, path=file)
    console.print(f"{count} regelgevingen geschreven naar {file}", highlight=False)


@app.command("link-citations", cls=DutchCommand)
def link_citations_cmd(codes: Annotated[list[str] | None, typer.Option("--code", help="Alleen deze drempel "
                                                                       "(herhaalbaar).")] = None,
                       as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Zoek citaten in omschrijvingen en oplossingen en stel koppelingen aan artikels voor."""
    from ingest.citation_linker import link_citations

    rt = runtime(home)
    report = link_citations(engine=rt.engine, codes=codes or None, actor="cli")
    rt.after_commit()
    if as_json:
        emit_json(report.as_dict())
        return
    for line in report.lines():
        console.print(line, highlight=False, markup=False)


@app.command(cls=DutchCommand)
def reindex(home: HomeOption = None) -> None:
    """Bouw de zoekindex opnieuw op vanuit de database."""
    rt = runtime(home)
    rt.repair_stale_index = False  # rebuilt once, below
    with Progress(TextColumn("Zoekindex"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=errors, transient=True, disable=not errors.is_terminal) as progress:
        task = progress.add_task("reindex", total=None)
        count = rt.after_commit.rebuild(lambda done, total: progress.update(task, completed=done, total=total))
    console.print(f"zoekindex opnieuw opgebouwd: {count} documenten", highlight=False)


@app.command(cls=DutchCommand)
def doctor(as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Toestand van database, index en Nederlandse taalverwerking, met een oordeel (exitstatus 1: niet in orde)."""
    from drempelbank.setup import diagnose

    report = diagnose(runtime(home))
    verdict = report["verdict"]
    if as_json:
        emit_json(report)
    else:
        table = Table("onderdeel", "toestand", show_header=True)
        for part, state in report.items():
            if part != "verdict":
                table.add_row(part, json.dumps(state, ensure_ascii=False, default=str))
        console.print(table)
        console.print("Oordeel: in orde" if verdict["ok"] else "Oordeel: NIET in orde", highlight=False)
        for problem in verdict["problems"]:
            console.print(f"  - {problem}", highlight=False, markup=False)
    if not verdict["ok"]:
        raise typer.Exit(1)


@app.command(cls=DutchCommand)
def backup(file: Annotated[Path, typer.Argument(help="Doelbestand (.jsonl.gz).")], home: HomeOption = None) -> None:
    """Maak een volledige back-up van het register (draagbaar tussen SQLite en PostgreSQL)."""
    from kb.backup import backup as do_backup

    counts = do_backup(runtime(home).engine, file)
    console.print(f"back-up geschreven naar {file}: {sum(counts.values())} rijen", highlight=False)


@app.command(cls=DutchCommand)
def restore(file: Annotated[Path, typer.Argument(help="Een back-up gemaakt met 'drempelbank backup'.")],
            home: HomeOption = None) -> None:
    """Zet een back-up terug; de huidige inhoud wordt vervangen."""
    from kb.backup import restore as do_restore

    if not file.is_file():
        refuse(f"{file}: bestand niet gevonden")
    rt = runtime(home)
    rt.repair_stale_index = False  # rebuilt once, below
    counts = do_restore(rt.engine, file)
    rt.after_commit.rebuild()
    console.print(f"back-up teruggezet: {sum(counts.values())} rijen", highlight=False)
