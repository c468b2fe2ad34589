"""`daliz places` and `daliz plan`: find places and plan shipments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from daliz.cli.data import DatasetOption
from daliz.network import find_places, load_network

console = Console()


def places(
    query: Annotated[
        str, typer.Argument(help="A name or alias in en/kk/ru/ur, an id or UN/LOCODE.")
    ],
    dataset: DatasetOption = None,
    limit: Annotated[int, typer.Option(help="Most places to show.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find places by name or alias in any of the four languages."""
    network = load_network(dataset)
    matches = find_places(network, query, limit=limit)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": m.place.id,
                        "name": m.place.name,
                        "names": m.place.names,
                        "kind": m.place.kind.value,
                        "country": m.place.country,
                        "lat": m.place.lat,
                        "lon": m.place.lon,
                        "unlocode": m.place.unlocode or None,
                        "matched": m.matched,
                        "score": round(m.score, 3),
                    }
                    for m in matches
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not matches:
        console.print(f"No place matches {query!r}.")
        raise typer.Exit(1)
    exact = any(m.score == 1.0 for m in matches)
    if not exact:
        console.print(f"No exact match for {query!r}; did you mean:")
    table = Table("id", "name", "kind", "country", "lat, lon", "matched")
    for m in matches:
        p = m.place
        table.add_row(p.id, p.name, p.kind.value, p.country, f"{p.lat:.4f}, {p.lon:.4f}", m.matched)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the top-level planning commands to the main app."""
    app.command("places")(places)


_ = Path  # used by plan options below
