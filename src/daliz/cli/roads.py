"""`daliz roads` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="roads commands.", no_args_is_help=True)
