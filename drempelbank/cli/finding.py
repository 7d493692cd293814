"""Commands that find things in the register: search, precedents, duplicates and themes."""

from typing import Annotated

import typer
from rich.table import Table

from drempelbank.cli.app import (FilterOption, HomeOption, JsonOption, LimitOption, app, console, emit_json, errors,
                                 parse_filters, runtime)
from drempelbank.cli_dutch import DutchCommand


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
