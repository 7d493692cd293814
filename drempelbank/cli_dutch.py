"""The command line in Dutch: typer's help panels, the help option and usage errors.

Typer vendors its own copy of click with English strings and no gettext; its rich help reads
module-level texts (set here), the help option and the usage line come from the command classes
(subclassed here), and usage errors are rebuilt in Dutch before typer shows them."""

import re

import typer
from typer import rich_utils
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

HELP_TEXT = "Toon deze hulp en stop."
rich_utils.ARGUMENTS_PANEL_TITLE = "Argumenten"
rich_utils.OPTIONS_PANEL_TITLE = "Opties"
rich_utils.COMMANDS_PANEL_TITLE = "Opdrachten"
rich_utils.ERRORS_PANEL_TITLE = "Fout"
rich_utils.ABORTED_TEXT = "Afgebroken."
rich_utils.RICH_HELP = "Probeer [blue]'{command_path} {help_option}'[/] voor hulp."
rich_utils.DEFAULT_STRING = "[standaard: {}]"
rich_utils.ENVVAR_STRING = "[omgevingsvariabele: {}]"
rich_utils.REQUIRED_LONG_STRING = "[verplicht]"
rich_utils.DEPRECATED_STRING = "(verouderd) "
rich_utils.OptionHighlighter.highlights = [*rich_utils.OptionHighlighter.highlights, r"(?P<usage>Gebruik: )"]
USAGE_WORDS = (("[OPTIONS]", "[OPTIES]"), ("COMMAND [ARGS]...", "OPDRACHT [ARGUMENTEN]..."))
# The value column of the help panels names Python types ("<str>", "<path>", "<bool>" even for flags).
TYPE_LABELS = {"str": "tekst", "int": "getal", "int range": "getal", "float": "getal", "path": "pad",
               "list[str]": "tekst, herhaalbaar"}


def _dutch_type(original):
    def display_type_rich(self, ctx):
        shown = original(self, ctx)
        if not shown or getattr(self, "is_flag", False):
            return None  # a flag takes no value
        inner = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
        return f"<{TYPE_LABELS.get(inner, inner)}>" if inner in TYPE_LABELS else shown
    return display_type_rich


for _parameter in (TyperOption, TyperArgument):
    _parameter.display_type_rich = _dutch_type(_parameter.display_type_rich)


class _Dutch:
    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_usage(self, ctx, formatter) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))
        for english, dutch in USAGE_WORDS:
            pieces = pieces.replace(english, dutch)
        formatter.write_usage(ctx.command_path, pieces, prefix="Gebruik: ")


class DutchCommand(_Dutch, TyperCommand):
    pass


class DutchGroup(_Dutch, TyperGroup):
    pass


def _value_reason(message: str) -> str:
    if "valid integer" in message:
        return "moet een geheel getal zijn"
    if "valid number" in message or "valid float" in message:
        return "moet een getal zijn"
    if "valid boolean" in message:
        return "moet ja of nee zijn"
    if "does not exist" in message:
        return "bestaat niet"
    if "is a directory" in message:
        return "is een map, geen bestand"
    match = re.search(r"is not one of (.*)\.", message) or re.search(r"[Ii]nput should be (.*)", message)
    return f"toegelaten: {match.group(1).replace(' or ', ', ')}" if match else "ongeldige waarde"


def dutch_usage_error(error: click_errors.UsageError) -> click_errors.UsageError:
    """The same error, with a Dutch message (typer renders it with the Dutch panel title)."""
    if isinstance(error, click_errors.MissingParameter):
        kind = "argument" if getattr(error.param, "param_type_name", "") == "argument" else "optie"
        name = error.param.name if error.param is not None else "?"
        text = f"ontbrekend {kind} '{name}'"
    elif isinstance(error, click_errors.NoSuchOption):
        text = f"onbekende optie: {error.option_name}"
        if error.possibilities:
            text += f" (bedoelt u {', '.join(sorted(error.possibilities))}?)"
    elif isinstance(error, click_errors.BadParameter):
        hint = error.param_hint or (error.param.get_error_hint() if error.param is not None else "")
        text = f"ongeldige waarde voor {hint}: {_value_reason(error.message)}"
    elif error.message.startswith("No such command"):
        name = re.search(r"'([^']*)'", error.message)
        text = f"onbekende opdracht '{name.group(1) if name else '?'}'"
    elif error.message.startswith("Missing command"):
        text = "geef een opdracht op"
    elif "requires an argument" in error.message:
        text = f"de optie {error.message.split()[1]} vraagt een waarde"
    elif "does not take a value" in error.message:
        text = f"de optie {error.message.split()[1]} neemt geen waarde"
    elif "Got unexpected extra argument" in error.message:
        text = f"onverwacht extra argument {error.message.split('argument', 1)[1].strip(' ()')}"
    else:
        text = error.message
    dutch = click_errors.UsageError(text, error.ctx)
    dutch.exit_code = error.exit_code
    return dutch


def run(app: typer.Typer) -> int:
    """Run the app; usage errors are shown in Dutch with exit status 2."""
    try:
        result = app(standalone_mode=False)
    except click_errors.NoArgsIsHelpError as error:
        error.show()  # the help of the command, as without arguments
        return error.exit_code
    except click_errors.UsageError as error:
        rich_utils.rich_format_error(dutch_usage_error(error))
        return error.exit_code
    except typer.Abort:
        rich_utils.rich_abort_error()
        return 1
    return result if isinstance(result, int) else 0
