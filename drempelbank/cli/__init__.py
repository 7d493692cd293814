"""The `drempelbank` command line (typer + rich; contract: docs/cli.md): exit 0 done, 1 input refused, 2 wrong usage.

`main` turns every error into a Dutch message and an exit status. The commands are in one module per subject;
importing them registers them on the application.
"""

import errno
import os
import sys
from pathlib import Path

from rich.markup import escape

from drempelbank.cli import register, finding, brief, accounts  # noqa: F401, I001  (registers the commands in this order)
from drempelbank.cli.app import _state, app, errors
from drempelbank.cli_dutch import run
from kb.errors import RegisterError, ValidationFailed
from search.backend import SearchError

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
