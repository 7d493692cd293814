"""The policy brief command."""

import os
from pathlib import Path
from typing import Annotated

import typer

from drempelbank.cli.app import HomeOption, app, console, parse_filters, refuse, runtime, write_atomically
from drempelbank.cli_dutch import DutchCommand


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
