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

console = Console(soft_wrap=True)


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


def plan_command(
    origin: Annotated[str, typer.Argument(help="Place name/id (en/kk/ru/ur) or 'lat,lon'.")],
    destination: Annotated[str, typer.Argument(help="Place name/id (en/kk/ru/ur) or 'lat,lon'.")],
    commodity: Annotated[
        str | None, typer.Option(help="Commodity name or alias from the catalogue, or HS code.")
    ] = None,
    hs: Annotated[str | None, typer.Option(help="HS code, 2–6 digits.")] = None,
    tonnes: Annotated[float | None, typer.Option(help="Net cargo mass, tonnes.")] = None,
    unit: Annotated[
        str | None, typer.Option(help="Cargo unit: tonne, teu, feu, reefer-40, wagon, truck.")
    ] = None,
    count: Annotated[int | None, typer.Option(help="Number of units (with --unit).")] = None,
    cargo_type: Annotated[
        str | None, typer.Option(help="bulk, bagged, container, reefer or dangerous.")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Departure date YYYY-MM-DD (default today).")
    ] = None,
    objective: Annotated[
        str, typer.Option(help="cheapest, fastest, greenest, balanced or reliable.")
    ] = "balanced",
    avoid_country: Annotated[
        list[str] | None, typer.Option(help="Country code to avoid (repeatable).")
    ] = None,
    avoid_border: Annotated[
        list[str] | None, typer.Option(help="Border crossing id or name to avoid (repeatable).")
    ] = None,
    avoid_mode: Annotated[
        list[str] | None, typer.Option(help="road, rail, sea or ferry (repeatable).")
    ] = None,
    max_days: Annotated[
        float | None, typer.Option(help="Longest acceptable door-to-door days.")
    ] = None,
    max_alternatives: Annotated[int, typer.Option(help="Most alternatives to show.")] = 5,
    include_blocked: Annotated[
        bool, typer.Option(help="Also show routes with legal blockers (marked).")
    ] = False,
    deadline: Annotated[
        str | None, typer.Option(help="Arrival deadline YYYY-MM-DD (on-time probability).")
    ] = None,
    draws: Annotated[int, typer.Option(help="Reliability Monte Carlo draws.")] = 10_000,
    dataset: DatasetOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    geojson: Annotated[
        Path | None, typer.Option(help="Write the routes as a GeoJSON FeatureCollection here.")
    ] = None,
    details: Annotated[bool, typer.Option(help="Leg-by-leg explanation of each route.")] = True,
) -> None:
    """Plan a shipment: ranked corridors with cost, days, CO2e, borders and documents."""
    from daliz.cli.render import print_plan
    from daliz.planning import PlanRequest, plan
    from daliz.planning.planner import request_from_fields

    request: PlanRequest = request_from_fields(
        origin=origin,
        destination=destination,
        commodity=commodity,
        hs=hs,
        tonnes=tonnes,
        unit=unit,
        count=count,
        cargo_type=cargo_type,
        date=date,
        objective=objective,
        avoid_countries=avoid_country or [],
        avoid_borders=avoid_border or [],
        avoid_modes=avoid_mode or [],
        max_days=max_days,
        max_alternatives=max_alternatives,
        include_blocked=include_blocked,
        deadline=deadline,
        draws=draws,
    )
    result = plan(request, dataset=dataset)
    if geojson is not None:
        geojson.write_text(json.dumps(result.to_geojson(), ensure_ascii=False), encoding="utf-8")
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    print_plan(console, result, details=details)
    if geojson is not None:
        console.print(f"GeoJSON written to {geojson}")


def register(app: typer.Typer) -> None:
    """Add the top-level planning commands to the main app."""
    app.command("places")(places)
    app.command("plan")(plan_command)
