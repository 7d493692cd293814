"""The CLI's shared parts: the Typer application and its groups, consoles, options and small helpers.

Commands live in one module per subject (`register`, `finding`, `brief`, `accounts`) and register themselves
on `app` when `drempelbank.cli` imports them. The stable command-line contract is docs/cli.md.
"""

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from drempelbank.cli_dutch import DutchGroup
from drempelbank.config import Settings
from drempelbank.runtime import Runtime

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
FilterOption = Annotated[list[str] | None, typer.Option("--filter", help="VELD=WAARDE, bv. status=opgelost of "
                                                        "regelgeving=DLB (herhaalbaar).")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=200, help="Hoeveel resultaten.")]
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


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")


def byte_progress(path: Path, label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=errors,
                    transient=True, disable=not errors.is_terminal)


def parse_filters(values: list[str] | None) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for value in values or []:
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip() or not wanted.strip():
            errors.print(f"Ongeldige filter '{value}': gebruik VELD=WAARDE, bv. status=opgelost", highlight=False)
            raise typer.Exit(2)
        filters.setdefault(name.strip(), []).append(wanted.strip())
    return filters


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
