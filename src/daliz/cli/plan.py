"""`daliz places` and `daliz plan`: find places and plan shipments."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import typing
from collections.abc import Callable
from dataclasses import dataclass
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


# The request arguments and options (each a field of PlanOptions, below).
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


@dataclass(frozen=True)
class PlanOptions:
    """What to plan: the arguments and options of `daliz plan`, also taken by `daliz report
    plan` and `daliz compare`. A command asks for them with `@plan_options()` and one parameter
    `shipment: PlanOptions`; each field below is a command-line parameter (name, help, default).
    """

    origin: OriginArg
    destination: DestinationArg
    commodity: CommodityOpt = None
    hs: HsOpt = None
    tonnes: TonnesOpt = None
    unit: UnitOpt = None
    count: CountOpt = None
    cargo_type: CargoTypeOpt = None
    date: DateOpt = None
    objective: ObjectiveOpt = "balanced"
    avoid_country: AvoidCountryOpt = None
    avoid_border: AvoidBorderOpt = None
    avoid_mode: AvoidModeOpt = None
    max_days: MaxDaysOpt = None
    max_alternatives: MaxAlternativesOpt = 5
    include_blocked: IncludeBlockedOpt = False
    deadline: DeadlineOpt = None
    draws: DrawsOpt = 10_000

    def request(self) -> PlanRequest:
        """The PlanRequest of these options (a RequestError names every invalid value)."""
        from daliz.planning.planner import request_from_fields

        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for repeatable, field_name in (
            ("avoid_country", "avoid_countries"),
            ("avoid_border", "avoid_borders"),
            ("avoid_mode", "avoid_modes"),
        ):
            fields[field_name] = fields.pop(repeatable) or []
        return request_from_fields(**fields)


def plan_options(
    *, omit: tuple[str, ...] = ()
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorate a command that takes `shipment: PlanOptions` so Typer sees the fields instead.

    Typer reads the command's signature: there `origin` and `destination` come first (they are
    the positional arguments) and the other fields, less `omit`, stand where `shipment` stands.
    The command is then called with them gathered into one PlanOptions (omitted fields keep
    their defaults).
    """
    known = {f.name for f in dataclasses.fields(PlanOptions)}
    if not set(omit) <= known:
        raise TypeError(f"plan_options: no such option(s) {sorted(set(omit) - known)}")
    hints = typing.get_type_hints(PlanOptions, include_extras=True)
    shared = [
        inspect.Parameter(
            f.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=hints[f.name],
            default=inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default,
        )
        for f in dataclasses.fields(PlanOptions)
        if f.name not in omit
    ]
    arguments = [p for p in shared if p.default is inspect.Parameter.empty]
    options = [p for p in shared if p.default is not inspect.Parameter.empty]
    names = [p.name for p in shared]

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        own = inspect.signature(command, eval_str=True).parameters
        if "shipment" not in own:
            raise TypeError(f"{command.__name__} needs a parameter `shipment: PlanOptions`")
        parameters = list(arguments)
        for parameter in own.values():
            if parameter.name == "shipment":
                parameters.extend(options)
            else:
                parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(command)
        def run(**values: Any) -> None:
            shipment = PlanOptions(**{name: values.pop(name) for name in names})
            command(shipment=shipment, **values)

        # Typer reads the options from the signature; a function keeps it in its __dict__.
        vars(run)["__signature__"] = inspect.Signature(parameters, return_annotation=None)
        run.__annotations__ = {p.name: p.annotation for p in parameters}
        return run

    return decorate


@plan_options()
def plan_command(
    shipment: PlanOptions,  # origin, destination, --commodity … --draws (see PlanOptions)
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

    result = plan(shipment.request(), dataset=dataset)
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
