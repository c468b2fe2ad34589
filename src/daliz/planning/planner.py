"""Plan a shipment: resolve the request, search the network, explain each distinct corridor.

One way through: request → places and commodity → shipment → arc prices → Pareto search →
distinct corridors → priced, explained alternatives (→ rules, reliability) → PlanResult.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from daliz.costs.pricing import ArcPrices, price_arcs
from daliz.costs.shipment import CargoType, Shipment, parse_unit
from daliz.errors import NoRouteError, RequestError
from daliz.i18n import (
    _,
    current_language,
    format_number,
    name_in,
    use_language,
)
from daliz.network.compile import (
    CLASSES,
    CompiledNetwork,
)
from daliz.network.load import resolve_dataset
from daliz.network.model import CargoUnitKind, Mode, Network, PlaceKind
from daliz.network.places import resolve_place
from daliz.planning.access import (
    ACCESS_DETOUR,
    Endpoint,
    access_legs,
    resolve_endpoint,
    road_network,
)
from daliz.planning.context import PlanningContext, planning_context
from daliz.planning.corridors import corridor_of
from daliz.planning.explain import (
    ChosenRoute,
    arc_mode,
    closure_warnings,
    explain_route,
    route_steps,
    shown_digits,
)
from daliz.planning.labels import cargo_label, mode_label, unit_label
from daliz.planning.legal import all_blocked_error, apply_rules, border_hours, route_facts_of
from daliz.planning.request import PlanRequest
from daliz.planning.result import Alternative, DatasetStamp, PlanResult, Totals
from daliz.routing.search import Labels, SearchResult, Start, pareto_search
from daliz.rules import (
    Commodity,
    RuleBook,
)
from daliz.rules.catalogue import find_commodity

DEPARTURE_HOUR = 8  # cargo leaves the origin at 08:00 on the departure date
# Search tolerances (see routing.search): a route 1.3× worse than another on cost, time *and*
# CO2e is no useful alternative; within one corridor, variants within 2 % on all three count
# as the same route. (Measured: the alternatives shown stay the same as with 1.5× / 1 %.)
PRUNE_FACTOR = 1.3
EPSILON = 0.02
LAND_CLASSES = {i for i, (mode, _) in enumerate(CLASSES) if mode in (Mode.ROAD, Mode.RAIL)}


# --------------------------------------------------------------------------- request
def _commodity(book: RuleBook, request: PlanRequest) -> Commodity:
    query = request.hs or request.commodity
    assert query is not None
    return find_commodity(book, query)


def _shipment(network: Network, request: PlanRequest, commodity: Commodity) -> Shipment:
    unit = parse_unit(request.unit) if request.unit else None
    cargo_text = request.cargo_type or commodity.cargo_type
    try:
        cargo_type = CargoType(cargo_text)
    except ValueError:
        raise RequestError(
            _("Unknown cargo type {value!r}.").format(value=cargo_text),
            hint=_("Use bulk, bagged, container, reefer or dangerous."),
        ) from None
    if unit == CargoUnitKind.REEFER40 and cargo_type != CargoType.REEFER:
        cargo_type = CargoType.REEFER
    if cargo_type == CargoType.REEFER and unit in (CargoUnitKind.TEU, CargoUnitKind.FEU):
        raise RequestError(
            _("{commodity} travels refrigerated; a dry {unit} cannot carry it.").format(
                commodity=commodity_name(commodity), unit=unit_label(unit.value)
            ),
            hint=_("Use --unit reefer-40 (or give --cargo-type to override)."),
        )
    tonnes = request.tonnes
    if request.count is not None:
        assert unit is not None
        if unit == CargoUnitKind.TONNE:
            count_tonnes = float(request.count)
        else:
            cargo_unit = network.cargo_units.get(unit)
            if cargo_unit is None:
                raise RequestError(
                    _("The dataset has no payload for {unit}.").format(unit=unit_label(unit.value))
                )
            payload = cargo_unit.payload_t.typ
            if commodity.stowage_t_per_teu and unit in (
                CargoUnitKind.TEU,
                CargoUnitKind.FEU,
                CargoUnitKind.REEFER40,
            ):
                payload = min(
                    payload, commodity.stowage_t_per_teu * max(cargo_unit.teu_equivalent, 1)
                )
            count_tonnes = request.count * payload
        if tonnes is not None and tonnes > count_tonnes * 1.0001:
            raise RequestError(
                _("{tonnes} t do not fit in {count} × {unit} (about {most} t at most).").format(
                    tonnes=f"{tonnes:g}",
                    count=request.count,
                    unit=unit_label(unit.value),
                    most=f"{count_tonnes:g}",
                )
            )
        tonnes = tonnes if tonnes is not None else count_tonnes
    assert tonnes is not None
    return Shipment(
        tonnes=tonnes,
        cargo_type=cargo_type,
        unit=unit,
        value_usd_per_tonne=commodity.value_usd_per_tonne,
        tonnes_per_teu=commodity.stowage_t_per_teu,
    )


def _corridor_names(cn: CompiledNetwork) -> dict[tuple[object, ...], tuple[str | None, str]]:
    """(language, *arcs) → (corridor id, name), kept with the compiled network."""
    return cn.memo("corridor_names")


# --------------------------------------------------------------------------- constraints
def _masks(
    cn: CompiledNetwork, request: PlanRequest, end_places: set[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    if not (request.avoid_countries or request.avoid_borders or request.avoid_modes):
        return np.ones(cn.arc_count, dtype=bool), np.ones(cn.node_count, dtype=bool)
    network = cn.network
    known_countries = set(cn.place_country)
    for code in request.avoid_countries:
        if code not in known_countries:
            raise RequestError(
                _("Country {code} is not in the network; nothing to avoid.").format(code=code)
            )
    for border in request.avoid_borders:
        if border not in network.places:
            matches = resolve_place(network, border) if border else None
            if matches is None or matches.kind != PlaceKind.BORDER_CROSSING:
                raise RequestError(
                    _("{value!r} is not a border crossing point of the network.").format(
                        value=border
                    )
                )
    avoid_borders = set()
    for border in request.avoid_borders:
        place = network.places.get(border) or resolve_place(network, border)
        avoid_borders.add(place.id)
    node_ok = np.ones(cn.node_count, dtype=bool)
    for node in range(cn.node_count):
        place_id = cn.place_ids[int(cn.node_place[node])]
        country = cn.place_country[int(cn.node_place[node])]
        if place_id in end_places:
            continue
        if country in request.avoid_countries or place_id in avoid_borders:
            node_ok[node] = False
        mode = CLASSES[int(cn.node_class[node])][0]
        if mode.value in request.avoid_modes:
            node_ok[node] = False
    for country in request.avoid_countries:
        for place_id in end_places:
            if network.places[place_id].country == country:
                raise RequestError(
                    _("Cannot avoid {code}: the origin or destination is in it.").format(
                        code=country
                    )
                )
    arc_ok = np.ones(cn.arc_count, dtype=bool)
    for arc in range(cn.arc_count):
        mode = arc_mode(cn, arc)
        if mode.value in request.avoid_modes:
            arc_ok[arc] = False
    return arc_ok, node_ok


# --------------------------------------------------------------------------- ranking
@dataclass(frozen=True)
class _RawTotals:
    cost_usd: float
    days: float
    co2e_kg: float
    days_p90: float | None = None


def _raw_totals(route: ChosenRoute) -> _RawTotals:
    return _RawTotals(route.cost, route.time / 24.0, route.co2)


def _objective_value(
    request: PlanRequest, t: _RawTotals | Totals, mins: tuple[float, float, float]
) -> tuple[float, ...]:
    if request.objective == "cheapest":
        return (t.cost_usd, t.days)
    if request.objective == "fastest":
        return (t.days, t.cost_usd)
    if request.objective == "greenest":
        return (t.co2e_kg, t.cost_usd)
    if request.objective == "reliable":
        return (t.days_p90 if t.days_p90 is not None else t.days, t.cost_usd)
    w = request.weights or (1.0, 1.0, 1.0)
    score = (
        w[0] * t.cost_usd / max(mins[0], 1e-9)
        + w[1] * t.days / max(mins[1], 1e-9)
        + w[2] * t.co2e_kg / max(mins[2], 1e-9)
    ) / sum(w)
    return (score, t.cost_usd)


def _explain_no_route(
    ctx: PlanningContext,
    request: PlanRequest,
    result: SearchResult,
    origin: Endpoint,
    destination: Endpoint,
) -> NoRouteError:
    constraints = []
    if request.avoid_countries:
        constraints.append(
            _("avoiding countries {codes}").format(codes=", ".join(request.avoid_countries))
        )
    if request.avoid_borders:
        constraints.append(
            _("avoiding border crossings {ids}").format(ids=", ".join(request.avoid_borders))
        )
    if request.avoid_modes:
        constraints.append(
            _("avoiding modes {modes}").format(
                modes=", ".join(mode_label(m) for m in request.avoid_modes)
            )
        )
    if request.max_days:
        constraints.append(_("at most {days} days").format(days=f"{request.max_days:g}"))
    reasons = ", ".join(f"{_refusal(why)} ({n}×)" for why, n in result.refused.most_common(4))
    message = _("No route from {origin} to {destination} under the constraints.").format(
        origin=origin.label, destination=destination.label
    )
    culprit = []
    for field_name, empty in (
        ("avoid_countries", []),
        ("avoid_borders", []),
        ("avoid_modes", []),
        ("max_days", None),
    ):
        if getattr(request, field_name):
            relaxed = request.model_copy(update={field_name: empty, "draws": 0})
            try:
                plan(relaxed, network=ctx.network)
                culprit.append(_constraint_label(field_name))
            except (NoRouteError, RequestError):
                pass
    hint = ""
    if culprit:
        hint = _("The constraint that cuts every route: {constraints}.").format(
            constraints=" / ".join(culprit)
        )
    elif constraints:
        hint = _("Constraints in force: {constraints}.").format(constraints="; ".join(constraints))
    if reasons:
        hint += " " + _("Routes refused because: {reasons}.").format(reasons=reasons)
    return NoRouteError(message, hint=hint.strip() or None)


def _constraint_label(field_name: str) -> str:
    """A request constraint's name for messages ('max days', 'avoid countries' …)."""
    labels = {
        "avoid_countries": _("avoid countries"),
        "avoid_borders": _("avoid borders"),
        "avoid_modes": _("avoid modes"),
        "max_days": _("max days"),
    }
    return labels.get(field_name, field_name.replace("_", " "))


_REFUSAL_PATTERN = re.compile(r"^(?:border )?(?P<target>\S+) closed \((?P<kind>[^)]*)\)$")


def _refusal(reason: str) -> str:
    """The search's reason for refusing a route, in the current language."""
    known = {
        "worse than a found route on every criterion": _(
            "worse than a found route on every criterion"
        ),
        "longer than the maximum days": _("longer than the maximum days"),
    }
    if reason in known:
        return known[reason]
    match = _REFUSAL_PATTERN.match(reason)
    if match:
        return _("{target} closed ({kind})").format(
            target=match.group("target"), kind=_closure_kind(match.group("kind"))
        )
    return reason


def _closure_kind(kind: str) -> str:
    kinds = {"seasonal": _("seasonal"), "period": _("closure period"), "risk": _("closure risk")}
    return kinds.get(kind, kind)


def commodity_name(commodity: Commodity) -> str:
    """The commodity's name in the current language."""
    return name_in(commodity.names.to_dict(), commodity.id)


# --------------------------------------------------------------------------- entry point
def _alternative(
    ctx: PlanningContext,
    prices: ArcPrices,
    shipment: Shipment,
    route: ChosenRoute,
    path: list[int],
    name: str,
    corridor_id: str | None,
    origin: Endpoint,
    destination: Endpoint,
    departure: dt.datetime,
    labels: Labels,
    all_points: list[tuple[float, float, float]],
) -> Alternative:
    """One corridor's best route as an explained alternative (before rules and reliability)."""
    legs, events, breakdown, countries, borders, distance = explain_route(
        ctx, prices, shipment, route, origin, destination
    )
    vector = (route.cost, route.time, route.co2)
    pareto = not any(
        p[0] <= vector[0] and p[1] <= vector[1] and p[2] <= vector[2] and p != vector
        for p in all_points
    )
    return Alternative(
        corridor=name,
        corridor_id=corridor_id,
        rank=0,
        pareto=pareto,
        countries=countries,
        border_crossings=borders,
        legs=legs,
        events=events,
        totals=Totals(
            cost_usd=round(route.cost, 2),
            days=round(route.time / 24.0, 2),
            hours=round(route.time, 1),
            co2e_kg=round(route.co2, 1),
            distance_km=round(distance, 1),
            cost_usd_per_tonne=round(route.cost / shipment.tonnes, 2),
        ),
        cost_breakdown={k: round(v, 2) for k, v in sorted(breakdown.items())},
        warnings=closure_warnings(ctx, route, departure, labels, path),
    )


def request_from_fields(**fields: Any) -> PlanRequest:
    """Build a PlanRequest, turning validation errors into one clear RequestError."""
    try:
        return PlanRequest(**fields)
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"])
            text = str(error["msg"]).removeprefix("Value error, ")
            messages.append(f"{where}: {text}" if where else text)
        raise RequestError(
            _("Invalid request: {problems}").format(problems="; ".join(messages))
        ) from None


def plan(
    request: PlanRequest | None = None,
    /,
    *,
    network: Network | None = None,
    dataset: str | Path | None = None,
    **fields: Any,
) -> PlanResult:
    """Plan a shipment and return ranked, explained alternatives (one per distinct corridor).

    Parameters
    ----------
    request : a PlanRequest, or None to build one from keyword fields
        (origin, destination, commodity or hs, tonnes or unit+count, date, objective, …)
    network : an already loaded (possibly scenario-modified) network
    dataset : dataset directory when `network` is not given

    Raises
    ------
    RequestError for invalid requests (with suggestions for unknown places and commodities);
    NoRouteError when no route satisfies the constraints (saying which constraint cut them).
    """
    # Pin the language for the whole plan: every message then skips the environment lookup.
    with use_language(current_language()):
        if request is None:
            request = request_from_fields(**fields)
        elif fields:
            raise TypeError("give either a PlanRequest or keyword fields, not both")
        return _plan(request, planning_context(dataset, network))


def _plan(request: PlanRequest, ctx: PlanningContext) -> PlanResult:
    cn, net = ctx.compiled, ctx.network
    commodity = _commodity(ctx.rules, request)
    shipment = _shipment(net, request, commodity)
    origin = resolve_endpoint(net, request.origin, "origin")
    destination = resolve_endpoint(net, request.destination, "destination")
    if origin.place is None:
        origin = access_legs(cn, origin, shipment, "origin")
    if destination.place is None:
        destination = access_legs(cn, destination, shipment, "destination")
    if origin.place and destination.place and origin.place.id == destination.place.id:
        raise RequestError(_("The origin and the destination are the same place."))
    day = request.date or dt.date.today()
    departure = dt.datetime.combine(day, dt.time(DEPARTURE_HOUR))
    prices = price_arcs(cn, shipment)

    def land_nodes(place_id: str) -> list[int]:
        pi = cn.place_index[place_id]
        return [cn.node_of[(pi, c)] for c in LAND_CLASSES if (pi, c) in cn.node_of]

    starts: list[Start] = []
    if origin.place is not None:
        starts = [Start(node) for node in land_nodes(origin.place.id)]
        origin_places = {origin.place.id}
    else:
        origin_places = {leg.hub.id for leg in origin.access}
        for tag, leg in enumerate(origin.access):
            starts += [
                Start(n, leg.cost_usd, leg.hours, leg.co2e_kg, tag) for n in land_nodes(leg.hub.id)
            ]
    if destination.place is not None:
        target_places = {destination.place.id}
    else:
        target_places = {leg.hub.id for leg in destination.access}
    targets = {n for p in target_places for n in land_nodes(p)}
    if not starts:
        raise RequestError(
            _("{place} has no road or rail connection in the dataset.").format(place=origin.label)
        )
    if not targets:
        raise RequestError(
            _("{place} has no road or rail connection in the dataset.").format(
                place=destination.label
            )
        )
    arc_ok, node_ok = _masks(cn, request, origin_places | target_places)
    scale_cost = max(shipment.tonnes * 100.0, 1.0)  # ≈ USD per tonne on a long corridor
    scale_co2 = max(shipment.tonnes * 150.0, 1.0)  # ≈ kg per tonne
    result = pareto_search(
        cn,
        prices,
        starts,
        targets,
        departure=departure,
        weights=(1.0 / scale_cost, 1.0 / 240.0, 1.0 / scale_co2),
        max_time_h=(request.max_days * 24.0) if request.max_days else math.inf,
        arc_allowed=arc_ok,
        node_allowed=node_ok,
        prune_factor=PRUNE_FACTOR,
        epsilon=EPSILON,
    )
    if not result.finals:
        raise _explain_no_route(ctx, request, result, origin, destination)

    labels = result.labels
    dest_leg_of = {leg.hub.id: leg for leg in destination.access}
    routes: list[tuple[ChosenRoute, list[int]]] = []
    for final, path, arcs, waits in zip(
        result.finals, result.paths, result.path_arcs, result.path_waits, strict=True
    ):
        end_place = cn.place_ids[int(cn.node_place[labels.node[final]])]
        d_leg = dest_leg_of.get(end_place)
        o_leg = origin.access[labels.tag[final]] if origin.access else None
        extra = (d_leg.cost_usd, d_leg.hours, d_leg.co2e_kg) if d_leg else (0.0, 0.0, 0.0)
        routes.append(
            (
                ChosenRoute(
                    final,
                    arcs,
                    waits,
                    labels.cost[final] + extra[0],
                    labels.time[final] + extra[1],
                    labels.co2[final] + extra[2],
                    o_leg,
                    d_leg,
                ),
                path,
            )
        )

    # Group by corridor; keep every route's figures for the Pareto flag.
    groups: dict[str, list[tuple[ChosenRoute, list[int]]]] = {}
    corridor_ids: dict[str, str | None] = {}
    # A corridor's name depends only on the arcs and the language: remember it across plans.
    names = _corridor_names(cn)
    language = current_language()
    for route, path in routes:
        name_key = (language, *route.arcs)
        found = names.get(name_key)
        if found is None:
            found = corridor_of(net, route_steps(cn, labels, path))
            if len(names) >= 100_000:  # bound the memory of a long-running service
                names.clear()
            names[name_key] = found
        corridor_id, name = found
        corridor_ids[name] = corridor_id
        groups.setdefault(name, []).append((route, path))

    # One alternative per corridor: its best route by the objective; only those are explained.
    all_points = [(r.cost, r.time, r.co2) for r, _ in routes]
    mins = (
        min(p[0] for p in all_points),
        min(p[1] for p in all_points) / 24.0,
        max(min(p[2] for p in all_points), 1e-9),
    )
    chosen: list[tuple[str, ChosenRoute, list[int]]] = []
    for name, members in groups.items():
        route, path = min(members, key=lambda m: _objective_value(request, _raw_totals(m[0]), mins))
        chosen.append((name, route, path))
    chosen.sort(key=lambda c: _objective_value(request, _raw_totals(c[1]), mins))
    # Explain corridors in rank order, in batches of as many as are still wanted, until enough
    # are open (the legal rules may block some); only those are simulated and checked. Ranking
    # by P90 ('reliable') needs every corridor's reliability, so then all are explained.
    wanted = len(chosen) if request.objective == "reliable" else request.max_alternatives
    pending = list(chosen)
    examined: list[Alternative] = []
    shown: list[Alternative] = []
    while pending and len(shown) < wanted:
        missing = wanted - len(shown)
        batch, pending = pending[:missing], pending[missing:]
        reached: dict[str, dict[str, float]] = {}
        explained: list[Alternative] = []
        for name, route, path in batch:
            explained.append(
                _alternative(
                    ctx,
                    prices,
                    shipment,
                    route,
                    path,
                    name,
                    corridor_ids[name],
                    origin,
                    destination,
                    departure,
                    labels,
                    all_points,
                )
            )
            reached[name] = border_hours(cn, prices, labels, path)
        from daliz.reliability import add_reliability  # Monte Carlo figures into each totals

        for alt in add_reliability(explained, request, cn, shipment, prices.units, departure):
            apply_rules(ctx, commodity, departure, alt, reached[alt.corridor])
            examined.append(alt)
            if request.include_blocked or not alt.blocked:
                shown.append(alt)
    if not shown:
        raise all_blocked_error(examined)
    shown.sort(key=lambda a: _objective_value(request, a.totals, mins))
    ranked = shown[: request.max_alternatives]
    for rank, alt in enumerate(ranked, start=1):
        alt.rank = rank

    factors = {
        mode.value: {
            "co2e_g_per_tkm": ef.co2e_g_per_tkm.typ,
            "fuel": ef.fuel,
            "scope": ef.scope,
            "sources": list(ef.sourcing.sources),
        }
        for mode, ef in net.emission_factors.items()
    }
    notes = [
        _("Shipment: {tonnes} t of {commodity} ({cargo_type}); {units}").format(
            tonnes=format_number(shipment.tonnes, digits=shown_digits(shipment.tonnes)),
            commodity=commodity_name(commodity),
            cargo_type=cargo_label(shipment.cargo_type.value),
            units=", ".join(
                f"{mode_label(m.value)}: {u.count} × {unit_label(u.unit.value)}"
                for m, u in prices.units.items()
            ),
        ),
        _("Figures use the typical value of every range; sources are listed per leg and event."),
    ]
    access = [*origin.access, *destination.access]
    if any(leg.geometry for leg in access):
        roads = road_network()
        notes.append(
            _("Access legs to/from coordinates follow the real road graph;")
            + " "
            + (roads.attribution if roads is not None else "")
        )
    elif access:
        notes.append(
            _(
                "Access legs to/from coordinates are estimated as {factor} × the great-circle "
                "distance on the hub's road tariff (road graph not installed)."
            ).format(factor=f"{ACCESS_DETOUR:g}")
        )
    request_out = request.model_dump(mode="json")
    request_out["resolved"] = {
        "origin": origin.place.id if origin.place else origin.label,
        "destination": destination.place.id if destination.place else destination.label,
        "commodity": commodity.id,
        "commodity_name": commodity_name(commodity),
        "origin_name": origin.label,
        "destination_name": destination.label,
        "cargo_type": shipment.cargo_type.value,
        "tonnes": shipment.tonnes,
        "departure": departure.isoformat(),
    }
    return PlanResult(
        request=request_out,
        dataset=DatasetStamp(
            name=net.info.name, version=net.info.version, hash=net.info.content_hash
        ),
        alternatives=ranked,
        emission_factors=factors,
        notes=notes,
    )


__all__ = ["PlanningContext", "plan", "planning_context", "resolve_dataset", "route_facts_of"]
