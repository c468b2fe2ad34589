"""`daliz data` commands: inspect and validate corridor datasets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from daliz.i18n import N_, _, name_in, ngettext_
from daliz.network import Status, load_network, resolve_dataset, validate_dataset
from daliz.network.countries import country_name
from daliz.planning.labels import mode_label

app = typer.Typer(help=N_("Inspect and validate corridor datasets."), no_args_is_help=True)
console = Console(soft_wrap=True)

DatasetOption = Annotated[
    Path | None,
    typer.Option(
        "--dataset",
        envvar="DALIZ_DATASET",
        help=N_("Dataset directory (complete, or an overlay with `base: default`)."),
        show_default=N_("bundled default"),
    ),
]


@app.command(
    "info",
    help=N_("Counts, corridors, version, hash and the share of sourced vs estimated numbers."),
)
def info(
    dataset: DatasetOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print JSON."))] = False,
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
        "numbers_derived": network.number_counts.get("derived", 0),
        "numbers_estimated": network.number_counts.get("estimated", 0),
        "share_sourced": round(network.number_counts.get("sourced", 0) / total, 3),
        "share_with_source": round(
            (network.number_counts.get("sourced", 0) + network.number_counts.get("derived", 0))
            / total,
            3,
        ),
    }
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold]{network.info.title or network.info.name}[/] — "
        + _("version {version}").format(version=network.info.version)
    )
    console.print(
        _("hash {hash}…  from {directories}").format(
            hash=network.info.content_hash[:16], directories=", ".join(network.info.directories)
        )
    )
    by_mode_label = {}
    for link in network.links.values():
        if link.status == Status.OPERATING:
            key = f"{link.mode.value}{f' {link.gauge_mm} mm' if link.gauge_mm else ''}"
            by_mode_label[key] = mode_label(link.mode.value) + (
                f" {link.gauge_mm} mm" if link.gauge_mm else ""
            )
    table = Table(show_header=False, box=None)
    table.add_row(_("places"), str(len(network.places)))
    table.add_row(_("countries"), ", ".join(f"{c} {country_name(c)}" for c in network.countries()))
    table.add_row(
        _("links (operating)"),
        ", ".join(f"{by_mode_label.get(k, k)}: {v}" for k, v in sorted(links_by_mode.items())),
    )
    table.add_row(_("links (planned, not used by default)"), ", ".join(planned) or "—")
    table.add_row(_("border crossings"), str(len(network.border_crossings)))
    table.add_row(_("transfers"), str(len(network.transfers)))
    table.add_row(_("scheduled services"), str(len(network.services)))
    table.add_row(_("closure regimes"), str(len(network.closures)))
    table.add_row(_("sources"), str(len(network.sources)))
    table.add_row(
        _("numbers"),
        _(
            "{sourced} as published, {derived} derived from cited sources, "
            "{estimated} estimated without a source"
        ).format(
            sourced=summary["numbers_sourced"],
            derived=summary["numbers_derived"],
            estimated=summary["numbers_estimated"],
        ),
    )
    console.print(table)
    if network.corridors:
        console.print("[bold]" + _("Corridors") + "[/]")
        for corridor in network.corridors:
            console.print(f"  • {name_in(corridor.names, corridor.id)}")


@app.command(
    "validate",
    help=N_("Check a dataset; print every problem with file, row and field; exit 1 on any."),
)
def validate(
    directory: Annotated[Path, typer.Argument(help=N_("Dataset directory to check."))],
) -> None:
    """Check a dataset; print every problem with file, row and field; exit 1 on any."""
    resolve_dataset(directory)  # clear error for a missing directory
    problems = validate_dataset(directory)
    if not problems:
        console.print(f"[green]✓[/] {directory}: " + _("valid"))
        return
    console.print(
        f"[red]✗[/] {directory}: "
        + ngettext_("{count} problem", "{count} problems", len(problems)).format(
            count=len(problems)
        )
    )
    for problem in problems:
        console.print(f"  - {problem}", highlight=False, markup=False)
    raise typer.Exit(1)
