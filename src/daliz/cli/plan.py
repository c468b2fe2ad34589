"""`daliz places` and `daliz plan`: find places and plan shipments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from daliz.cli.data import DatasetOption
from daliz.i18n import N_, _, current_language
from daliz.network import find_places, load_network
from daliz.planning.labels import place_kind_label

if TYPE_CHECKING:
    from daliz.planning import PlanRequest

console = Console(soft_wrap=True)


def places(
    query: Annotated[
        str, typer.Argument(help=N_("A name or alias in en/kk/ru/ur, an id or UN/LOCODE."))
    ],
    dataset: DatasetOption = None,
    limit: Annotated[int, typer.Option(help=N_("Most places to show."))] = 10,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print JSON."))] = False,
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
        console.print(_("No place matches {query!r}.").format(query=query), markup=False)
        raise typer.Exit(1)
    exact = any(m.score == 1.0 for m in matches)
    if not exact:
        console.print(
            _("No exact match for {query!r}; did you mean:").format(query=query), markup=False
        )
    table = Table("id", _("name"), _("kind"), _("country"), _("lat, lon"), _("matched"))
    lang = current_language()
    for m in matches:
        p = m.place
        table.add_row(
            p.id,
            p.name_in(lang),
            place_kind_label(p.kind.value),
            p.country,
            f"{p.lat:.4f}, {p.lon:.4f}",
            m.matched,
        )
    console.print(table)


# The request options, shared by `daliz plan` and `daliz report plan`.
OriginArg = Annotated[str, typer.Argument(help=N_("Place name/id (en/kk/ru/ur) or 'lat,lon'."))]
DestinationArg = Annotated[
    str, typer.Argument(help=N_("Place name/id (en/kk/ru/ur) or 'lat,lon'."))
]
CommodityOpt = Annotated[
    str | None, typer.Option(help=N_("Commodity name or alias from the catalogue, or HS code."))
]
HsOpt = Annotated[str | None, typer.Option(help=N_("HS code, 2–6 digits."))]
TonnesOpt = Annotated[float | None, typer.Option(help=N_("Net cargo mass, tonnes."))]
UnitOpt = Annotated[
    str | None, typer.Option(help=N_("Cargo unit: tonne, teu, feu, reefer-40, wagon, truck."))
]
CountOpt = Annotated[int | None, typer.Option(help=N_("Number of units (with --unit)."))]
CargoTypeOpt = Annotated[
    str | None, typer.Option(help=N_("bulk, bagged, container, reefer or dangerous."))
]
DateOpt = Annotated[str | None, typer.Option(help=N_("Departure date YYYY-MM-DD (default today)."))]
ObjectiveOpt = Annotated[
    str, typer.Option(help=N_("cheapest, fastest, greenest, balanced or reliable."))
]
AvoidCountryOpt = Annotated[
    list[str] | None, typer.Option(help=N_("Country code to avoid (repeatable)."))
]
AvoidBorderOpt = Annotated[
    list[str] | None, typer.Option(help=N_("Border crossing id or name to avoid (repeatable)."))
]
AvoidModeOpt = Annotated[
    list[str] | None, typer.Option(help=N_("road, rail, sea or ferry (repeatable)."))
]
MaxDaysOpt = Annotated[float | None, typer.Option(help=N_("Longest acceptable door-to-door days."))]
MaxAlternativesOpt = Annotated[int, typer.Option(help=N_("Most alternatives to show."))]
IncludeBlockedOpt = Annotated[
    bool, typer.Option(help=N_("Also show routes with legal blockers (marked)."))
]
DeadlineOpt = Annotated[
    str | None, typer.Option(help=N_("Arrival deadline YYYY-MM-DD (on-time probability)."))
]
DrawsOpt = Annotated[int, typer.Option(help=N_("Reliability Monte Carlo draws."))]


def build_request(**fields: Any) -> PlanRequest:
    """A PlanRequest from the CLI's option values (repeatable options may be None)."""
    from daliz.planning.planner import request_from_fields

    for repeatable, field_name in (
        ("avoid_country", "avoid_countries"),
        ("avoid_border", "avoid_borders"),
        ("avoid_mode", "avoid_modes"),
    ):
        fields[field_name] = fields.pop(repeatable, None) or []
    return request_from_fields(**fields)


def plan_command(
    origin: OriginArg,
    destination: DestinationArg,
    commodity: CommodityOpt = None,
    hs: HsOpt = None,
    tonnes: TonnesOpt = None,
    unit: UnitOpt = None,
    count: CountOpt = None,
    cargo_type: CargoTypeOpt = None,
    date: DateOpt = None,
    objective: ObjectiveOpt = "balanced",
    avoid_country: AvoidCountryOpt = None,
    avoid_border: AvoidBorderOpt = None,
    avoid_mode: AvoidModeOpt = None,
    max_days: MaxDaysOpt = None,
    max_alternatives: MaxAlternativesOpt = 5,
    include_blocked: IncludeBlockedOpt = False,
    deadline: DeadlineOpt = None,
    draws: DrawsOpt = 10_000,
    dataset: DatasetOption = None,
    as_json: Annotated[bool, typer.Option("--json", help=N_("Print the result as JSON."))] = False,
    geojson: Annotated[
        Path | None, typer.Option(help=N_("Write the routes as a GeoJSON FeatureCollection here."))
    ] = None,
    details: Annotated[bool, typer.Option(help=N_("Leg-by-leg explanation of each route."))] = True,
) -> None:
    """Plan a shipment: ranked corridors with cost, days, CO2e, borders and documents."""
    from daliz.cli.render import print_plan
    from daliz.planning import plan

    request = build_request(
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
        avoid_country=avoid_country,
        avoid_border=avoid_border,
        avoid_mode=avoid_mode,
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
        console.print(_("GeoJSON written to {path}").format(path=geojson), markup=False)


def register(app: typer.Typer) -> None:
    """Add the top-level planning commands to the main app."""
    app.command("places", help=PLACES_HELP)(places)
    app.command("plan", help=PLAN_HELP)(plan_command)


PLACES_HELP = N_("Find places by name or alias in any of the four languages.")
PLAN_HELP = N_("Plan a shipment: ranked corridors with cost, days, CO2e, borders and documents.")
