"""Help texts and the command-line toolkit's own texts in the user's language.

Typer reads help texts when the app is built, before `--lang` is parsed; `build_command` builds
the Click command tree and translates every command's and option's help through the catalogs
(English msgids, marked with `N_` where they are written).

Typer ships its own copy of Click whose texts ("Usage:", "Missing argument …", "Show this
message and exit.") are plain English, not gettext messages. `install_toolkit_texts` puts our
translations in the few places they are printed from, and `usage_error_text` rewrites a usage
error from its parts (which parameter, which value) in the current language.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import Any

import typer

from daliz.i18n import _, install_toolkit_gettext, ngettext_

try:  # Typer ≥ 0.20 vendors Click as typer._click
    from typer import _click as toolkit
except ImportError:  # pragma: no cover - older Typer uses Click itself
    import click as toolkit  # type: ignore[no-redef]

ClickException: type[Exception] = toolkit.exceptions.ClickException

# Texts of Typer's own gettext calls (typer/core.py), translated through the global domain.
TYPER_GETTEXT = (_("Missing command."), _("No such command {name!r}."))

# Pydantic's messages for values the CLI could not convert, as the user should read them.
_CONVERSIONS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("Input should be a valid number", lambda: _("not a number")),
    ("Input should be a valid integer", lambda: _("not a whole number")),
    ("Input should be a valid boolean", lambda: _("not true or false")),
    ("Input should be a valid date", lambda: _("not a date (YYYY-MM-DD)")),
)
_INSTALLED: dict[str, bool] = {}


def install_toolkit_texts() -> None:
    """Make Typer (and its Click) print their own texts in the current language."""
    install_toolkit_gettext()
    from typer import rich_utils

    # Typer reads these once, when rich_utils is first imported: set them for this language.
    rich_utils.ARGUMENTS_PANEL_TITLE = _("Arguments")
    rich_utils.OPTIONS_PANEL_TITLE = _("Options")
    rich_utils.COMMANDS_PANEL_TITLE = _("Commands")
    rich_utils.ERRORS_PANEL_TITLE = _("Error")
    rich_utils.ABORTED_TEXT = _("Aborted.")
    rich_utils.DEFAULT_STRING = _("[default: {}]")
    rich_utils.ENVVAR_STRING = _("[env var: {}]")
    rich_utils.REQUIRED_LONG_STRING = _("[required]")
    rich_utils.RICH_HELP = _("Try [blue]'{command_path} {help_option}'[/] for help.")
    if _INSTALLED.get("patched"):
        return
    _INSTALLED["patched"] = True
    formatter = toolkit.formatting.HelpFormatter
    write_usage = formatter.write_usage

    def translated_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _("Usage:") + " " if prefix is None else prefix)

    formatter.write_usage = translated_usage  # type: ignore[method-assign]
    command = toolkit.core.Command
    get_help_option = command.get_help_option

    def translated_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = _("Show this message and exit.")
        return option

    command.get_help_option = translated_help_option  # type: ignore[method-assign]


def _param_hint(exc: Any) -> str:
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if isinstance(hint, list | tuple):
        return " / ".join(repr(h) for h in hint)
    return str(hint) if hint else ""


def usage_error_text(exc: Exception) -> str:
    """The message of a usage error in the current language (English parts kept only where the
    toolkit gives no structure to translate)."""
    name = type(exc).__name__
    message = str(getattr(exc, "message", "") or "")
    if name == "MissingParameter":
        param = getattr(exc, "param", None)
        kind = getattr(exc, "param_type", None) or (param.param_type_name if param else "")
        label = {"argument": _("Missing argument"), "option": _("Missing option")}.get(
            kind, _("Missing parameter")
        )
        hint = _param_hint(exc)
        return f"{label} {hint}.".replace(" .", ".")
    if name == "NoSuchOption":
        option = getattr(exc, "option_name", "")
        text = _("No such option: {name}").format(name=option)
        possibilities = sorted(getattr(exc, "possibilities", None) or [])
        if possibilities:
            text += " " + ngettext_(
                "Did you mean {possibility}?",
                "(Did you mean one of: {possibilities}?)",
                len(possibilities),
            ).format(possibility=possibilities[0], possibilities=", ".join(possibilities))
        return text
    if name == "BadParameter":
        detail = message
        for prefix, words in _CONVERSIONS:
            if message.startswith(prefix):
                detail = words()
                break
        hint = _param_hint(exc)
        if hint:
            return _("Invalid value for {param_hint}: {message}").format(
                param_hint=hint, message=detail
            )
        return _("Invalid value: {message}").format(message=detail)
    extra = re.fullmatch(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<args>.*)\)", message)
    if extra:
        args = extra.group("args")
        return ngettext_(
            "Got unexpected extra argument ({args})",
            "Got unexpected extra arguments ({args})",
            len(args.split()),
        ).format(args=args)
    if hasattr(exc, "format_message"):
        return str(exc.format_message())
    return str(exc)


def show_usage_error(exc: Exception, echo: Callable[[str], None]) -> None:
    """Print a usage error as Click would, in the current language."""
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError":
        echo(str(getattr(exc, "message", "")))
        return
    if ctx is not None:
        echo(ctx.get_usage())
        if ctx.command.get_help_option(ctx) is not None:
            echo(
                _("Try '{command} {option}' for help.").format(
                    command=ctx.command_path, option=ctx.help_option_names[0]
                )
            )
        echo("")
    echo(_("Error: {message}").format(message=usage_error_text(exc)))


def _translated(text: str | None) -> str | None:
    if not text:
        return text
    cleaned = inspect.cleandoc(text)
    translated = _(cleaned)
    return translated if translated != cleaned else text


def translate_help(command: Any) -> None:
    """Translate the help of `command`, its parameters and (for groups) its subcommands."""
    command.help = _translated(command.help)
    command.short_help = _translated(command.short_help)
    for param in command.params:
        help_text = getattr(param, "help", None)
        if isinstance(help_text, str):
            param.help = _translated(help_text)
        shown_default = getattr(param, "show_default", None)
        if isinstance(shown_default, str):
            param.show_default = _translated(shown_default)
    for sub in (getattr(command, "commands", None) or {}).values():
        translate_help(sub)


def build_command(app: typer.Typer) -> Any:
    """The Click command of `app` with its help texts in the current language."""
    command = typer.main.get_command(app)
    translate_help(command)
    return command
