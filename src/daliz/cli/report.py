"""`daliz report`: shareable HTML and PDF reports of a plan or of the trade monitor."""

from __future__ import annotations

import typer

from daliz.i18n import N_

app = typer.Typer(
    help=N_("Write a report (HTML or PDF) of a plan or of trade."), no_args_is_help=True
)


def register(main_app: typer.Typer) -> None:
    """Add the `report` command group to the main app."""
    main_app.add_typer(app, name="report")
