"""The `daliz` command line: one Typer app with a sub-app per command group."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from daliz.errors import DalizError
from daliz.i18n import LANGUAGES, N_, _, check_language, set_language, use_language

app = typer.Typer(
    name="daliz",
    help=N_("Plan, price and explain freight corridors between Central Asia and South Asia."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, soft_wrap=True)

LANG_HELP = N_(
    "Language of messages and reports: en, kk, ru or ur "
    "(default: DALIZ_LANG, then the system locale, then English)."
)


@app.callback()
def _global_options(
    ctx: typer.Context,
    lang: Annotated[
        str | None, typer.Option("--lang", help=LANG_HELP, metavar="LANG", show_default=False)
    ] = None,
) -> None:
    # The language holds for this invocation only (reset when the command's context closes).
    if lang is not None:
        ctx.with_resource(use_language(check_language(lang)))


SERVICE_COMMANDS = {"serve", "users"}  # registered by daliz.cli.serve alone


def _register(command: str | None = None) -> None:
    # Each command group lives in its own module; importing registers its commands.
    if command in SERVICE_COMMANDS:
        # Only the service's commands: the others import the planner (NumPy, SciPy, numba,
        # DuckDB), which would stay in the parent of `daliz serve --workers N` (~170 MB).
        from daliz.cli import serve as serve_only

        serve_only.register(app)
        return
    from daliz.cli import data, plan, roads, rules, trade

    app.add_typer(data.app, name="data")
    app.add_typer(trade.app, name="trade")
    app.add_typer(rules.app, name="rules")
    app.add_typer(roads.app, name="roads")
    plan.register(app)
    from daliz.cli import serve as serve_cli

    serve_cli.register(app)
    from daliz.cli import report

    report.register(app)
    from daliz.cli import scenarios as scenarios_cli

    scenarios_cli.register(app)
    # `daliz rules chain` evaluates the corridors the planner finds.
    from daliz.planning.planner import route_facts_of

    rules.set_plan_alternatives(route_facts_of)


def split_language(args: list[str]) -> tuple[str | None, list[str]]:
    """The value of `--lang` wherever it stands in the arguments, and the other arguments.

    Read before Click parses the command line, so that help texts and usage errors come out in
    that language too, and so that `--lang` may follow the command (`daliz plan … --lang kk`).
    """
    lang: str | None = None
    rest: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            rest.extend(args[index:])
            break
        if arg == "--lang" and index + 1 < len(args):
            lang = args[index + 1]
            index += 2
            continue
        if arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        index += 1
    return lang, rest


def main() -> None:
    """Console-script entry point: run the app, turning DalizError into a clean message."""
    from daliz.cli.translate import build_command, install_toolkit_texts

    try:
        wanted, args = split_language(sys.argv[1:])
        set_language(check_language(wanted) if wanted is not None else None)
        install_toolkit_texts()
        _register(args[0] if args else None)
        command = build_command(app)
        code = command.main(args=args, prog_name="daliz", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except DalizError as exc:
        err_console.print("[bold red]" + _("error:") + f"[/] {exc.message}", highlight=False)
        if exc.hint:
            err_console.print(exc.hint, highlight=False)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print(_("aborted"))
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        from daliz.cli.translate import ClickException, show_usage_error

        if isinstance(exc, ClickException):
            show_usage_error(exc, lambda line: print(line, file=sys.stderr))
            sys.exit(getattr(exc, "exit_code", 2))
        raise


__all__ = ["LANGUAGES", "app", "main", "split_language"]
