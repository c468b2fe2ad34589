"""Help texts and the command-line toolkit's own texts in the user's language.

Typer reads help texts when the app is built, before `--lang` is parsed; `build_command` builds
the Click command tree and translates every command's and option's help through the catalogs
(English msgids, marked with `N_` where they are written). Click and Typer's own texts
("Usage:", "Missing argument", panel titles) are listed below so that extraction puts them in
our catalogs; `install_toolkit_texts` points the toolkits at them.
"""

from __future__ import annotations

import inspect

import click
import typer

from daliz.i18n import N_, _, install_toolkit_gettext

# Click's and Typer's texts that a user meets (their own msgids, translated in our catalogs).
TOOLKIT_MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Arguments"),
    N_("Error"),
    N_("Error: {message}"),
    N_("Aborted!"),
    N_("Aborted."),
    N_("Show this message and exit."),
    N_("Try '{command} {option}' for help."),
    N_("Try [blue]'{command_path} {help_option}'[/] for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is a file."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("[default: {}]"),
    N_("[env var: {}]"),
    N_("[required]"),
    N_("env var: {var}"),
    N_("default: {default}"),
    N_("required"),
)


def _plural_markers() -> None:  # never called: lets extraction see Click's plural msgids
    from daliz.i18n import ngettext_

    ngettext_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext_(
        "Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1
    )
    ngettext_(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    )
    ngettext_("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)


def install_toolkit_texts() -> None:
    """Make Click and Typer print their own texts in the current language."""
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


def _translated(text: str | None) -> str | None:
    if not text:
        return text
    cleaned = inspect.cleandoc(text)
    translated = _(cleaned)
    return translated if translated != cleaned else text


def translate_help(command: click.Command) -> None:
    """Translate the help of `command`, its parameters and (for groups) its subcommands."""
    command.help = _translated(command.help)
    command.short_help = _translated(command.short_help)
    for param in command.params:
        help_text = getattr(param, "help", None)
        if isinstance(help_text, str):
            param.help = _translated(help_text)  # type: ignore[attr-defined]
        shown_default = getattr(param, "show_default", None)
        if isinstance(shown_default, str):
            param.show_default = _translated(shown_default)  # type: ignore[attr-defined]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub)


def build_command(app: typer.Typer) -> click.Command:
    """The Click command of `app` with its help texts in the current language."""
    command = typer.main.get_command(app)
    translate_help(command)
    return command
