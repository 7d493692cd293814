"""The `drempelbank` command (docs/cli.md): exit 0 done, 1 input refused, 2 wrong usage."""

import errno
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from drempelbank.cli_dutch import DutchCommand, DutchGroup, run
from drempelbank.config import Settings
from drempelbank.runtime import Runtime
from kb.errors import RegisterError, ValidationFailed
from search.backend import SearchError

app = typer.Typer(cls=DutchGroup, help="Drempelbank: register van drempels voor lokale e-government.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False)
import_app = typer.Typer(cls=DutchGroup, help="Bestanden inlezen in het register.", no_args_is_help=True)
export_app = typer.Typer(cls=DutchGroup, help="Het register uitvoeren naar bestanden.", no_args_is_help=True)
user_app = typer.Typer(cls=DutchGroup, help="Gebruikers beheren.", no_args_is_help=True)
token_app = typer.Typer(cls=DutchGroup, help="API-tokens beheren.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

HomeOption = Annotated[Path | None, typer.Option("--home", help="Map met de gegevens (DREMPELBANK_HOME).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Uitvoer als JSON.")]
_state: dict[str, Any] = {"home": None}


@app.callback()
def main_options(home: HomeOption = None) -> None:
    _state["home"] = home


def runtime(home: Path | None) -> Runtime:
    home = home or _state["home"]
    settings = Settings(home=home) if home else Settings()
    return Runtime(settings)


def refuse(message: str, lines: list[str] | None = None) -> None:
    errors.print(f"[bold red]Geweigerd:[/] {message}", highlight=False)
    for line in lines or []:
        errors.print(f"  - {line}", highlight=False, markup=False)
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


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


def byte_progress(path: Path, label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=errors,
                    transient=True, disable=not errors.is_terminal)


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


def parse_filters(values: list[str] | None) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for value in values or []:
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip() or not wanted.strip():
            errors.print(f"Ongeldige filter '{value}': gebruik VELD=WAARDE, bv. status=opgelost", highlight=False)
            raise typer.Exit(2)
        filters.setdefault(name.strip(), []).append(wanted.strip())
    return filters


FilterOption = Annotated[list[str] | None, typer.Option("--filter", help="VELD=WAARDE, bv. status=opgelost of "
                                                        "regelgeving=DLB (herhaalbaar).")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=200, help="Hoeveel resultaten.")]


@app.command(cls=DutchCommand)
def search(query: Annotated[str, typer.Argument(help="Zoekvraag, bv. 'aangetekende zending' of 'art. 285 DLB'.")],
           scope: Annotated[str, typer.Option("--in", help="barriers, articles of all.")] = "barriers",
           filters: FilterOption = None, limit: LimitOption = 10, as_json: JsonOption = False,
           home: HomeOption = None) -> None:
    """Zoek in drempels en artikels (Nederlandse zoektaal, citaten, filters)."""
    from search.service import SCOPES

    if scope not in SCOPES:
        errors.print(f"Onbekende waarde voor --in: '{scope}' ({', '.join(SCOPES)})", highlight=False)
        raise typer.Exit(2)
    service = runtime(home).search
    results = service.search(query, scope=scope, filters=parse_filters(filters), page_size=limit)
    data = service.search_json(results, query)
    if as_json:
        emit_json(data)
        return
    for notice in data["notices"]:
        errors.print(f"[yellow]Let op:[/] {notice}", highlight=False)
    if data["suggestion"]:
        console.print(f"Bedoelde u: {data['suggestion']}?", highlight=False)
    table = Table("code", "titel", "score", title=f"{data['total']} resultaten voor '{query}'")
    for hit in data["hits"]:
        table.add_row(hit["code"], hit["title"], f"{hit['score']:.2f}")
    console.print(table)


@app.command(cls=DutchCommand)
def similar(code: str, limit: LimitOption = 10, as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Precedenten: de drempels die het meest op deze lijken, met waarom."""
    from kb.db import session_scope
    from kb.services.barriers import get_barrier

    rt = runtime(home)
    with session_scope(rt.engine) as session:
        get_barrier(session, code)
    items = rt.search.similar(code, limit=limit)
    if as_json:
        emit_json({"code": code, "similar": items})
        return
    table = Table("code", "titel", "score", "waarom", "precedent", title=f"Lijkt op {code}")
    for item in items:
        table.add_row(item["code"], item["title"], f"{item['score']:.2f}", ", ".join(item["why"]),
                      "opgelost" if item["precedent"] else "")
    console.print(table)


@app.command("check-duplicate", cls=DutchCommand)
def check_duplicate(title: Annotated[str, typer.Option("--title", help="Titel van de nieuwe melding.")],
                    description: Annotated[str, typer.Option("--description", help="Omschrijving.")] = "",
                    limit: LimitOption = 5, as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Bestaande drempels die een nieuwe melding mogelijk dupliceert, beste eerst."""
    candidates = runtime(home).search.check_duplicate(title, description, limit=limit)
    if as_json:
        emit_json({"candidates": candidates})
        return
    table = Table("code", "titel", "score", "waarschijnlijk dubbel")
    for c in candidates:
        table.add_row(c["code"], c["title"], f"{c['score']:.2f}", "ja" if c["likely"] else "")
    console.print(table)


@app.command(cls=DutchCommand)
def cluster(as_json: JsonOption = False, home: HomeOption = None,
            full: Annotated[bool, typer.Option("--volledig", help="Alles opnieuw indelen: thema's mogen splitsen "
                                               "of samensmelten (standaard blijft een drempel in zijn thema "
                                               "zolang hij er nog in past).")] = False) -> None:
    """Bereken de thema's (opnieuw) en toon ze; namen, vastgezette drempels en id's blijven behouden."""
    from search.service import load_thesaurus
    from search.theme_store import recluster

    rt = runtime(home)
    result = recluster(rt.engine, thesaurus=load_thesaurus(rt.corpus), actor="cli", full=full)
    rt.after_commit()
    if as_json:
        emit_json(result.as_json())
        return
    table = Table("id", "naam", "drempels", "termen", title=f"{len(result.themes)} thema's")
    for theme in result.themes:
        name = f"{theme['label']} (verborgen)" if theme["hidden"] else theme["label"]
        table.add_row(theme["id"], name, str(len(theme["members"])), ", ".join(theme["terms"][:5]))
    console.print(table)
    console.print(f"zonder thema: {result.counts['unassigned']}; van thema veranderd: {result.counts['moved']}",
                  highlight=False)


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
def brief(out: Annotated[Path, typer.Option("--out", help="Doelbestand: .pdf, .docx, .html of .md.")],
          filters: Annotated[list[str] | None, typer.Option(
              "--filter", help="VELD=WAARDE (herhaalbaar): thema, niveau, soort, werf, status, project, gemeente, "
                               "regelgeving, artikel, trefwoord, gemeld-vanaf, gemeld-tot.")] = None,
          home: HomeOption = None) -> None:
    """Maak een beleidsnota over een selectie van drempels; het formaat volgt de extensie."""
    from briefs.service import format_of, make_brief
    from kb.db import session_scope

    fmt = format_of(out)
    if out.is_dir():
        refuse(f"{out}: dit is een map, geen bestand")
    if not out.parent.is_dir() or not os.access(out.parent, os.W_OK):
        refuse(f"{out}: de map {out.parent} bestaat niet of is niet schrijfbaar; er werd geen nota gemaakt")
    rt = runtime(home)
    with session_scope(rt.engine) as session:
        made = make_brief(session=session, filters=parse_filters(filters), fmt=fmt, actor="cli")
        write_atomically(out, made.data)
    console.print(f"nota {made.record.id} geschreven naar {out}: {made.record.barrier_count} drempels, "
                  f"formaat {fmt}, inhoudshash {made.record.content_hash[:12]}", highlight=False)


def write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target and rename, so a failure never leaves half a file."""
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@app.command(cls=DutchCommand)
def reindex(home: HomeOption = None) -> None:
    """Bouw de zoekindex opnieuw op vanuit de database."""
    rt = runtime(home)
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
    counts = do_restore(rt.engine, file)
    rt.after_commit.rebuild()
    console.print(f"back-up teruggezet: {sum(counts.values())} rijen", highlight=False)


@user_app.command("add", cls=DutchCommand)
def user_add(name: str, role: Annotated[str, typer.Option("--role", help="lezer, jurist, programmateam of "
                                                          "beheerder")],
             email: Annotated[str | None, typer.Option("--email")] = None, home: HomeOption = None) -> None:
    """Maak een account; het wachtwoord komt van standaardinvoer of wordt eenmalig getoond."""
    from kb.db import session_scope
    from kb.services.users import create_user, generate_password

    password = None if sys.stdin is None or sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    generated = not password
    password = password or generate_password()
    with session_scope(runtime(home).engine) as session:
        create_user(session=session, name=name, role=role, password=password, email=email, actor="cli")
    console.print(f"gebruiker '{name}' aangemaakt met rol {role}", highlight=False)
    if generated:
        console.print(f"wachtwoord (wordt maar één keer getoond): {password}", highlight=False)


@token_app.command("create", cls=DutchCommand)
def token_create(name: str, home: HomeOption = None) -> None:
    """Maak een nieuw API-token voor een account en toon het eenmalig."""
    from kb.db import session_scope
    from kb.services.users import create_token

    with session_scope(runtime(home).engine) as session:
        token = create_token(session=session, name=name, actor="cli")
    sys.stdout.write(token + "\n")


OS_ERRORS = {errno.ENOENT: "bestand of map bestaat niet", errno.EACCES: "geen toegang",
             errno.EISDIR: "dit is een map, geen bestand", errno.ENOSPC: "de schijf is vol",
             errno.EROFS: "alleen-lezen bestandssysteem"}


def main() -> None:
    """Entry point: every error becomes a Dutch message and an exit status, never a traceback."""
    try:
        status = run(app)
    except ValidationFailed as exc:
        errors.print("[bold red]Geweigerd:[/]", highlight=False)
        for e in exc.errors:
            errors.print(f"  - {e}", highlight=False, markup=False)
        sys.exit(1)
    except (RegisterError, SearchError) as exc:
        errors.print(f"[bold red]Geweigerd:[/] {escape(str(exc))}", highlight=False)
        sys.exit(1)
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        reason = OS_ERRORS.get(exc.errno, exc.strerror or str(exc))
        errors.print(f"[bold red]Geweigerd:[/] {escape(where)}{escape(reason)}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        errors.print("Onderbroken; er werd niets half geschreven.")
        sys.exit(130)
    except Exception as exc:  # the last line of defence: log the details, show a sentence
        log_path = _log_crash()
        errors.print(f"[bold red]Onverwachte fout[/] ({type(exc).__name__}); er werd niets half geschreven. "
                     f"Details staan in {escape(str(log_path))}.", highlight=False)
        sys.exit(1)
    sys.exit(status)


def _log_crash() -> Path:
    """Write the traceback where a developer finds it, not on a user's screen."""
    import tempfile
    import traceback

    home = _state["home"] or Path(os.environ.get("DREMPELBANK_HOME", ".drempelbank"))
    folder = home if home.is_dir() else Path(tempfile.gettempdir())
    path = folder / "drempelbank-fouten.log"
    with path.open("a", encoding="utf-8") as log:
        log.write(traceback.format_exc() + "\n")
    return path
