"""`daliz data` commands: inspect and validate corridor datasets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from daliz.network import Status, load_network, resolve_dataset, validate_dataset
from daliz.network.countries import country_name

app = typer.Typer(help="Inspect and validate corridor datasets.", no_args_is_help=True)
console = Console(soft_wrap=True)

DatasetOption = Annotated[
    Path | None,
    typer.Option(
        "--dataset",
        envvar="DALIZ_DATASET",
        help="Dataset directory (complete, or an overlay with `base: default`).",
        show_default="bundled default",
    ),
]


@app.command("info")
def info(
    dataset: DatasetOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts, corridors, version, hash and the share of sourced vs estimated numbers."""
    network = load_network(dataset)
    links_by_mode = Counter(
        f"{link.mode.value}{f' {link.gauge_mm} mm' if link.gauge_mm else ''}"
        for link in network.links.values()
        if link.status == Status.OPERATING
    )
    planned = [link.id for link in network.links.values() if link.status != Status.OPERATING]
    total = sum(network.number_counts.values()) or 1
    summary = {
        "name": network.info.name,
        "version": network.info.version,
        "title": network.info.title,
        "content_hash": network.info.content_hash,
        "directories": list(network.info.directories),
        "places": len(network.places),
        "countries": network.countries(),
        "links": len(network.links),
        "links_operating_by_mode": dict(sorted(links_by_mode.items())),
        "links_not_operating": planned,
        "border_crossings": len(network.border_crossings),
        "transfers": len(network.transfers),
        "services": len(network.services),
        "closures": len(network.closures),
        "sources": len(network.sources),
        "corridors": [c.name for c in network.corridors],
        "numbers_sourced": network.number_counts.get("sourced", 0),
        "numbers_estimated": network.number_counts.get("estimated", 0),
        "share_sourced": round(network.number_counts.get("sourced", 0) / total, 3),
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold]{network.info.title or network.info.name}[/] — version {network.info.version}"
    )
    console.print(
        f"hash {network.info.content_hash[:16]}…  from {', '.join(network.info.directories)}"
    )
    table = Table(show_header=False, box=None)
    table.add_row("places", str(len(network.places)))
    table.add_row("countries", ", ".join(f"{c} {country_name(c)}" for c in network.countries()))
    table.add_row(
        "links (operating)", ", ".join(f"{k}: {v}" for k, v in sorted(links_by_mode.items()))
    )
    table.add_row("links (planned, not used by default)", ", ".join(planned) or "—")
    table.add_row("border crossings", str(len(network.border_crossings)))
    table.add_row("transfers", str(len(network.transfers)))
    table.add_row("scheduled services", str(len(network.services)))
    table.add_row("closure regimes", str(len(network.closures)))
    table.add_row("sources", str(len(network.sources)))
    table.add_row(
        "numbers",
        f"{summary['numbers_sourced']} sourced, {summary['numbers_estimated']} estimated "
        f"({summary['share_sourced']:.0%} sourced)",
    )
    console.print(table)
    if network.corridors:
        console.print("[bold]Corridors[/]")
        for corridor in network.corridors:
            console.print(f"  • {corridor.name}")


@app.command("validate")
def validate(
    directory: Annotated[Path, typer.Argument(help="Dataset directory to check.")],
) -> None:
    """Check a dataset; print every problem with file, row and field; exit 1 on any."""
    resolve_dataset(directory)  # clear error for a missing directory
    problems = validate_dataset(directory)
    if not problems:
        console.print(f"[green]✓[/] {directory}: valid")
        return
    console.print(
        f"[red]✗[/] {directory}: {len(problems)} problem{'s' if len(problems) > 1 else ''}"
    )
    for problem in problems:
        console.print(f"  - {problem}", highlight=False, markup=False)
    raise typer.Exit(1)
