"""Accounts and API tokens."""

import sys
from typing import Annotated

import typer

from drempelbank.cli.app import HomeOption, console, runtime, token_app, user_app
from drempelbank.cli_dutch import DutchCommand


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
