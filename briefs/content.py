"""Build the content model of a brief from its facts (and the previous brief's facts).

Pure: the same facts, selection text and date give the same brief, in every format.
"""

from datetime import date
from typing import Any

from briefs import analysis
from briefs.analysis import Fact
from briefs.equivalence import hint_text, matching_rules
from briefs.labels import dutch_date, label
from briefs.model import Brief, Bullets, Chart, Hint, Link, Para, Section, Table, cited, whole_of

TITLE = "Nota aan de Vlaamse Regering"
SUBTITLE = "Juridische en procedurele drempels voor lokale e-government"
SERVICE = "Agentschap Binnenlands Bestuur – programmateam Gemeente zonder gemeentehuis"
ADDRESSEE = "Aan de Vlaamse Regering"
MAX_QUOTES = 12
MAX_SOLUTIONS = 6  # quoted proposals per actor; the others are named by code
MAX_ARTICLES = 15


def build_brief(facts: list[Fact], *, selection_text: str, made_on: date,
                previous: dict[str, Any] | None = None) -> Brief:
    """`previous`: {'date': date, 'facts': [...]} of the previous brief on this selection, if any."""
    codes = [f["code"] for f in facts]
    sections = [_summary(facts), _changes(facts, previous), _charts(facts), _articles(facts)]
    sections += _themes(facts)
    sections.append(_annex(facts))
    return Brief(title=TITLE, subtitle=SUBTITLE, date_text=dutch_date(made_on), service=SERVICE,
                 addressee=ADDRESSEE, selection_text=selection_text, codes=codes, sections=sections)


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _summary(facts: list[Fact]) -> Section:
    codes = [f["code"] for f in facts]
    themes = analysis.count_by(facts, "theme")
    blocks: list[Any] = [Para(
        f"Deze nota behandelt {_n(len(facts), 'drempel', 'drempels')} voor lokale digitale dienstverlening uit het "
        f"register van het programma Gemeente zonder gemeentehuis, verdeeld over "
        f"{_n(len(themes), 'thema', 'thema’s')}. Elke vaststelling hieronder noemt de drempels waarop ze steunt.",
        **whole_of(codes))]
    for title, field, group, column in (("Volgens het bestuursniveau dat kan optreden", "level", "levels", "niveau"),
                                        ("Volgens status", "status", "statuses", "status"),
                                        ("Volgens thema", "theme", None, "thema")):
        blocks.append(Para(title + ":"))
        blocks.append(Bullets([Para(f"{name}: {_n(len(c), 'drempel', 'drempels')}", **cited(c, f"met {column} ‘{name}’"))
                               for name, c in analysis.count_by(facts, field, group)]))
    return Section("samenvatting", "Samenvatting", 1, blocks)


def _changes(facts: list[Fact], previous: dict[str, Any] | None) -> Section:
    section = Section("wijzigingen", "Wijzigingen sinds de vorige nota", 2, [])
    if previous is None:
        section.blocks = [Para("Dit is de eerste nota over deze selectie; er is nog geen eerdere nota om mee "
                               "te vergelijken.", **whole_of([f["code"] for f in facts]))]
        return section
    delta = analysis.changes(facts, previous["facts"])
    since = f"Sinds de vorige nota over deze selectie ({dutch_date(previous['date'])})"
    items = []
    if delta["new"]:
        items.append(Para(f"nieuw in de selectie: {_n(len(delta['new']), 'drempel', 'drempels')}", delta["new"]))
    if delta["solved"]:
        items.append(Para(f"opgelost: {_n(len(delta['solved']), 'drempel', 'drempels')}", delta["solved"]))
    for code, before, after in delta["status_changed"]:
        items.append(Para(f"status gewijzigd van ‘{label('statuses', before)}’ naar ‘{label('statuses', after)}’",
                          [code]))
    if delta["gone"]:
        # Their codes stay out: a brief cites nothing outside its selection.
        items.append(Para(f"niet meer in de selectie (kenmerken gewijzigd of verwijderd): "
                          f"{_n(len(delta['gone']), 'drempel', 'drempels')}"))
    if not items:
        section.blocks = [Para(f"{since} is er niets veranderd aan deze drempels.",
                               **whole_of([f["code"] for f in facts]))]
    else:
        section.blocks = [Para(f"{since}:"), Bullets(items)]
    return section


def _charts(facts: list[Fact]) -> Section:
    charts = []
    for key, title, xlabel, field, group in (
            ("niveau", "Drempels per bestuursniveau", "Bestuursniveau", "level", "levels"),
            ("status", "Drempels per status", "Status", "status", "statuses"),
            ("thema", "Drempels per thema", "Thema", "theme", None)):
        counts = analysis.count_by(facts, field, group)
        charts.append(Chart(key, title, xlabel, "Aantal drempels", [c[0] for c in counts],
                            [len(c[1]) for c in counts], **whole_of([f["code"] for f in facts])))
    per_quarter = analysis.quarters(facts)
    if per_quarter:
        charts.append(Chart("kwartaal", "Gemelde drempels per kwartaal", "Kwartaal", "Aantal drempels",
                            [q[0] for q in per_quarter], [len(q[1]) for q in per_quarter],
                            **whole_of([f["code"] for f in facts])))
    intro = Para("De grafieken tonen de selectie per bestuursniveau, status, thema en kwartaal van melding. "
                 "Onder elke grafiek staan dezelfde cijfers in tekst.", **whole_of([f["code"] for f in facts]))
    return Section("cijfers", "Cijfers in beeld", 1, [intro, *charts])


def _articles(facts: list[Fact]) -> Section:
    ranked = analysis.rank_articles(facts)
    if not ranked:
        return Section("artikels", "Artikels die het meest blokkeren", 1, [Para(
            "Geen enkele drempel in deze selectie is aan een artikel van regelgeving gekoppeld als oorzaak.",
            **whole_of([f["code"] for f in facts]))])
    shown = ranked[:MAX_ARTICLES]
    weights = analysis.WEIGHTS
    intro = Para(
        f"De bepalingen die als oorzaak aan de drempels gekoppeld zijn, gerangschikt naar gewicht: "
        f"{weights['barriers']} punten per drempel, {weights['projects']} per getroffen project en "
        f"{weights['municipalities']} per getroffen gemeente. De link leidt naar de officiële tekst waar het "
        f"register die kent. {'Alle' if len(ranked) == len(shown) else f'De eerste {len(shown)} van'} "
        f"{len(ranked)} bepalingen:", sorted({c for r in shown for c in r["codes"]}))
    rows = [[str(i), Link(r["label"], r["url"]), r["regulation_title"], str(r["barriers"]), str(r["projects"]),
             str(r["municipalities"]), str(r["weight"]), ", ".join(r["codes"])] for i, r in enumerate(shown, 1)]
    # The last column names the codes of each row; the caption need not repeat them.
    table = Table("Artikels die het meest blokkeren", ["Rang", "Bepaling", "Regelgeving", "Drempels", "Projecten",
                                                       "Gemeenten", "Gewicht", "Drempelcodes"], rows,
                  css="artikels", columns=["rang", "bepaling", "regelgeving", "getal", "getal", "getal", "getal",
                                           "codes"])
    return Section("artikels", "Artikels die het meest blokkeren", 1, [intro, table])


def _themes(facts: list[Fact]) -> list[Section]:
    sections = [Section("themas", "Drempels per thema", 1, [Para(
        "Per thema: wat er misloopt, in de woorden van de meldingen zelf, welke bepalingen het veroorzaken, "
        "wie getroffen is en welke oplossingen voorgesteld zijn, volgens wie kan optreden.",
        **whole_of([f["code"] for f in facts]))])]
    for number, (theme, codes) in enumerate(analysis.count_by(facts, "theme"), 1):
        members = [f for f in facts if f["code"] in set(codes)]
        sections.extend(_theme(number, theme, members))
    return sections


def _theme(number: int, theme: str, members: list[Fact]) -> list[Section]:
    codes = [f["code"] for f in members]
    head = Section(f"thema-{number}", f"{theme} ({_n(len(members), 'drempel', 'drempels')})", 2, [])
    quotes = [Para(f"{f['title']} ({label('statuses', f['status']).lower()}): "
                   f"„{analysis.first_sentence(f['description'])}”", [f["code"]], quote=True)
              for f in members[:MAX_QUOTES]]
    wrong = [Para("Wat loopt er mis, zoals gemeld:"), Bullets(quotes)]
    if len(members) > MAX_QUOTES:
        rest = codes[MAX_QUOTES:]
        wrong.append(Para(f"Nog {_n(len(rest), 'drempel', 'drempels')} in dit thema; zie de bijlage.", rest))
    head.blocks = wrong + _causes(members) + _affected(members)
    return [head, *_solutions(number, members), *_hints(number, members)]


def _causes(members: list[Fact]) -> list[Any]:
    ranked = analysis.rank_articles(members)
    if not ranked:
        return [Para("Geen van deze drempels is als oorzaak aan een artikel gekoppeld.", [f["code"] for f in members])]
    items = [Para(f"{r['label']} ({r['regulation_title']})", r["codes"]) for r in ranked[:8]]
    return [Para("Oorzaak in de regelgeving:"), Bullets(items)]


def _affected(members: list[Fact]) -> list[Any]:
    projects: dict[str, set[str]] = {}
    towns: dict[str, set[str]] = {}
    for fact in members:
        for project in fact["projects"]:
            projects.setdefault(f"{project['name']} ({project['code']})", set()).add(fact["code"])
        for town in fact["municipalities"]:
            towns.setdefault(town["name"], set()).add(fact["code"])
    blocks = []
    for what, found in (("Getroffen projecten", projects), ("Getroffen gemeenten", towns)):
        if found:
            blocks.append(Para(f"{what}: {', '.join(sorted(found))}.",
                               sorted({c for codes in found.values() for c in codes})))
    return blocks


def _solutions(number: int, members: list[Fact]) -> list[Section]:
    groups = analysis.solution_groups(members)
    section = Section(f"thema-{number}-oplossingen", "Voorgestelde oplossingen", 3, [])
    if not groups:
        section.blocks.append(Para("Voor deze drempels is nog geen oplossing voorgesteld.",
                                   [f["code"] for f in members]))
        return [section]
    for actor, by_type in groups:
        section.blocks.append(Para(actor, [], quote=False))
        items, others = [], []
        for type_label, facts in by_type:
            quoted, rest = facts[:MAX_SOLUTIONS], facts[MAX_SOLUTIONS:]
            items += [Para(f"{type_label} ({label('statuses', fact['status']).lower()}): "
                           f"„{analysis.first_sentence(fact['proposed_solution'])}”", [fact["code"]], quote=True)
                      for fact in quoted]
            if rest:
                others.append(Para(f"nog {_n(len(rest), 'voorstel', 'voorstellen')} van het type "
                                   f"‘{type_label.lower()}’", [f["code"] for f in rest]))
        section.blocks.append(Bullets(items + others))
    return [section]


def _hints(number: int, members: list[Fact]) -> list[Section]:
    by_rule: dict[str, tuple[Any, list[str]]] = {}
    for fact in members:
        for rule in matching_rules(fact["kind"], fact["status"], f"{fact['title']} {fact['description']}"):
            by_rule.setdefault(rule.requirement, (rule, []))[1].append(fact["code"])
    if not by_rule:
        return []
    hints = [Hint("Mogelijk een kwestie van interpretatie", hint_text(rule, len(codes)), codes)
             for rule, codes in by_rule.values()]
    return [Section(f"thema-{number}-interpretatie", "Interpretatie in plaats van wijziging?", 3, hints)]


def _annex(facts: list[Fact]) -> Section:
    rows = [[f["code"], f["title"], label("levels", f["level"]), label("statuses", f["status"]), f["theme"] or ""]
            for f in facts]
    # The rows name every code; the caption and the introduction need not repeat them.
    table = Table("Alle drempels in de selectie", ["Code", "Titel", "Niveau", "Status", "Thema"], rows,
                  css="bijlage-tabel", columns=["code", "titel", "niveau", "status", "thema"])
    intro = Para(f"De {_n(len(facts), 'drempel', 'drempels')} in de selectie, en geen andere, met hun code, "
                 f"titel, bestuursniveau, status en thema.")
    return Section("bijlage", "Bijlage: alle drempels in de selectie", 1, [intro, table])
