"""The `daliz` command line: one Typer app with a sub-app per command group."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from daliz.errors import DalizError

app = typer.Typer(
    name="daliz",
    help="Plan, price and explain freight corridors between Central Asia and South Asia.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err_console = Console(stderr=True, soft_wrap=True)


def _register() -> None:
    # Each command group lives in its own module; importing registers its commands.
    from daliz.cli import data, plan, roads, rules, trade

    app.add_typer(data.app, name="data")
    app.add_typer(trade.app, name="trade")
    app.add_typer(rules.app, name="rules")
    app.add_typer(roads.app, name="roads")
    plan.register(app)
    # `daliz rules chain` evaluates the corridors the planner finds.
    from daliz.planning.planner import route_facts_of

    rules.set_plan_alternatives(route_facts_of)


def main() -> None:
    """Console-script entry point: run the app, turning DalizError into a clean message."""
    _register()
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except DalizError as exc:
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        if exc.hint:
            err_console.print(exc.hint, highlight=False)
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
