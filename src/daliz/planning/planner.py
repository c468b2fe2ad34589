"""Plan a shipment: resolve the request, search the network, explain each distinct corridor.

One way through: request → places and commodity → shipment → arc prices → Pareto search →
distinct corridors → priced, explained alternatives (→ rules, reliability) → PlanResult.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from daliz.costs.pricing import ArcPrices, border_cost, line_haul, price_arcs, transfer_cost
from daliz.costs.shipment import CargoType, Shipment, parse_unit, units_by_mode
from daliz.errors import DalizError, NoRouteError, RequestError
from daliz.i18n import (
    _,
    current_language,
    data_text,
    format_date,
    format_number,
    format_percent,
    name_in,
)
from daliz.network.compile import (
    ARC_LINK,
    ARC_SERVICE,
    ARC_TRANSFER,
    CLASSES,
    CompiledNetwork,
    compile_network,
)
from daliz.network.load import great_circle_km, load_network, resolve_dataset
from daliz.network.model import CargoUnitKind, Link, Mode, Network, Place, PlaceKind
from daliz.network.places import resolve_place
from daliz.planning.corridors import corridor_of
from daliz.planning.labels import cargo_label, mode_label, unit_label
from daliz.planning.request import PlanRequest, parse_coordinate
from daliz.planning.result import Alternative, DatasetStamp, Event, Leg, PlanResult, Totals
from daliz.routing.search import Labels, SearchResult, Start, pareto_search
from daliz.rules import (
    Commodity,
    LegFact,
    RouteFacts,
    RuleBook,
    evaluate_route,
    load_rules,
)
from daliz.rules.catalogue import find_commodity

if TYPE_CHECKING:
    from daliz.roads import RoadNetwork

DEPARTURE_HOUR = 8  # cargo leaves the origin at 08:00 on the departure date
ACCESS_DETOUR = 1.3  # road length ≈ 1.3 × great-circle for access legs (estimate, see README)
ACCESS_RADIUS_KM = 400.0  # a coordinate farther than this from every hub is outside the network
ACCESS_HUBS = 3  # nearest hubs tried from a coordinate
ROAD_DETOUR_LIMIT = 2.5  # a road-graph access path longer than this × great-circle is rejected
ACCESS_SPEED_KMH = 25.0  # off-road stretch to the nearest road (daliz.roads' estimate)
# Search tolerances (see routing.search): a route 1.5× worse than another on cost, time *and*
# CO2e is no useful alternative; within one corridor, variants within 1 % on all three count
# as the same route.
PRUNE_FACTOR = 1.5
EPSILON = 0.01
HUB_KINDS = (
    PlaceKind.CITY,
    PlaceKind.DRY_PORT,
    PlaceKind.RAIL_STATION,
    PlaceKind.TERMINAL,
    PlaceKind.SEA_PORT,
)
LAND_CLASSES = {i for i, (mode, _) in enumerate(CLASSES) if mode in (Mode.ROAD, Mode.RAIL)}


@dataclass(frozen=True)
class Endpoint:
    """A resolved origin or destination: a place, or a coordinate reached by access legs."""

    text: str
    place: Place | None
    lat: float
    lon: float
    access: tuple[AccessLeg, ...] = ()

    @property
    def label(self) -> str:
        """The place's name in the current language, or the coordinate."""
        if self.place:
            return self.place.name_in(current_language())
        return f"{self.lat:.4f},{self.lon:.4f}"


@dataclass(frozen=True)
class AccessLeg:
    """A first- or last-mile road leg between a coordinate and a hub (estimated)."""

    hub: Place
    distance_km: float
    hours: float
    cost_usd: float
    co2e_kg: float
    tariff_note: str
    geometry: tuple[tuple[float, float], ...] = ()  # along real roads; empty = straight line
    snap_km: float | None = None  # coordinate to the nearest road, when routed on the road graph


# --------------------------------------------------------------------------- context cache
@dataclass
class PlanningContext:
    """A network with its compiled arrays and rule book, reused across plans."""

    network: Network
    compiled: CompiledNetwork
    rules: RuleBook


_CONTEXTS: dict[tuple[str, str], PlanningContext] = {}


def planning_context(
    dataset: str | Path | None = None, network: Network | None = None
) -> PlanningContext:
    """Load (once per process) the network, its compiled arrays and the rule book."""
    if network is None:
        network = load_network(dataset)
    key = (network.info.content_hash, str(id(network)))
    context = _CONTEXTS.get(key)
    if context is None:
        dirs = [Path(d) for d in network.info.directories]
        context = PlanningContext(network, compile_network(network), load_rules(dirs))
        _CONTEXTS.clear() if len(_CONTEXTS) > 8 else None
        _CONTEXTS[key] = context
    return context


# --------------------------------------------------------------------------- resolution
def _role(role: str) -> str:
    return _("origin") if role == "origin" else _("destination")


def _endpoint(network: Network, text: str, role: str, shipment: Shipment | None = None) -> Endpoint:
    try:
        coordinate = parse_coordinate(text)
    except ValueError as exc:
        raise RequestError(
            _("The {role}: {problem}").format(role=_role(role), problem=exc)
        ) from None
    if coordinate is None:
        place = resolve_place(network, text)
        return Endpoint(text, place, place.lat, place.lon)
    lat, lon = coordinate
    return Endpoint(text, None, lat, lon)


def road_network() -> RoadNetwork | None:
    """The real road graph for access legs and road geometry (corridor cut-out), if installed.

    `DALIZ_ROADS=off` turns it off (access legs are then estimated from great-circle distance).
    """
    if os.environ.get("DALIZ_ROADS", "auto").lower() in ("off", "0", "no", "false"):
        return None
    try:
        from daliz.roads import load_road_network
    except ImportError:  # the optional `roads` extra is not installed
        return None
    try:
        return load_road_network(region="corridor")
    except DalizError:
        if os.environ.get("DALIZ_ROADS", "auto").lower() == "on":
            raise
        return None


def _access_legs(cn: CompiledNetwork, end: Endpoint, shipment: Shipment, role: str) -> Endpoint:
    """Road access legs between a coordinate and its nearest hubs.

    On the real road graph when it is installed (distance and geometry along OSM roads, the
    snap distance shown); otherwise estimated as great-circle × ACCESS_DETOUR.
    """
    network = cn.network
    candidates: list[tuple[float, Place]] = []
    for place in network.places.values():
        if place.kind not in HUB_KINDS:
            continue
        pi = cn.place_index[place.id]
        if (pi, 0) not in cn.node_of:
            continue  # no road at this hub
        candidates.append((great_circle_km(end.lat, end.lon, place.lat, place.lon), place))
    candidates.sort(key=lambda x: x[0])
    near = [c for c in candidates if c[0] <= ACCESS_RADIUS_KM][:ACCESS_HUBS]
    if not near:
        nearest = candidates[0] if candidates else None
        message = _(
            "The {role} {point} is more than {radius_km} km from every hub of the network."
        ).format(
            role=_role(role),
            point=f"{end.lat:.4f},{end.lon:.4f}",
            radius_km=format_number(ACCESS_RADIUS_KM),
        )
        if nearest:
            message += " " + _("The nearest hub is {hub}, {distance_km} km away.").format(
                hub=nearest[1].name_in(current_language()), distance_km=format_number(nearest[0])
            )
        raise RequestError(
            message, hint=_("Give a point inside the corridor region, or a place name.")
        )
    roads = road_network()
    road_unit = units_by_mode(network, shipment)[Mode.ROAD]
    factor = network.emission_factors.get(Mode.ROAD)
    legs = []
    for gc_km, hub in near:
        road_link = next(
            (
                link
                for link in network.links.values()
                if link.mode == Mode.ROAD and hub.id in link.ends() and link.tariffs
            ),
            None,
        )
        if road_link is None:
            continue
        geometry: tuple[tuple[float, float], ...] = ()
        snap_km: float | None = None
        route = None
        if roads is not None:
            if role == "origin":
                route = roads.route(end.lat, end.lon, hub.lat, hub.lon)
            else:
                route = roads.route(hub.lat, hub.lon, end.lat, end.lon)
            if route.total_km > ROAD_DETOUR_LIMIT * gc_km + 50.0:
                # The simplified OSM graph lacks the local road here; its path is a long way
                # round. Fall back to the estimate rather than price a detour no truck takes.
                route = None
        if route is not None:
            distance = max(route.total_km, 0.1)
            snap_km = route.snap_origin_km if role == "origin" else route.snap_destination_km
            geometry = tuple(route.geometry)
            hours = route.distance_km / road_link.speed_kmh.typ + route.access_km / ACCESS_SPEED_KMH
        else:
            distance = max(gc_km * ACCESS_DETOUR, 1.0)
            hours = distance / road_link.speed_kmh.typ
        shadow = dataclasses.replace(road_link, distance_km=distance)
        haul = line_haul(shadow, road_unit, shipment)
        if haul is None:
            continue
        co2 = shipment.tonnes * distance * (factor.co2e_g_per_tkm.typ if factor else 0) / 1000
        legs.append(
            AccessLeg(
                hub,
                distance,
                hours,
                haul.cost_usd.typ,
                co2,
                _("{profile} tariff per {unit}").format(
                    profile=road_link.tariff_profile, unit=unit_label(haul.tariff.unit.value)
                ),
                geometry,
                snap_km,
            )
        )
    if not legs:
        raise RequestError(
            _("No road hub with a tariff is near the {role}.").format(role=_role(role))
        )
    return Endpoint(end.text, None, end.lat, end.lon, tuple(legs))


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


# --------------------------------------------------------------------------- constraints
def _masks(
    cn: CompiledNetwork, request: PlanRequest, end_places: set[str]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
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
        mode = _arc_mode(cn, arc)
        if mode.value in request.avoid_modes:
            arc_ok[arc] = False
    return arc_ok, node_ok


def _steps(cn: CompiledNetwork, labels: Labels, path: list[int]) -> list[tuple[str, Mode | None]]:
    """The places a route passes, each with the mode that reached it (services' stops too)."""
    steps: list[tuple[str, Mode | None]] = []
    for lab in path:
        arc = labels.arc[lab]
        place = cn.place_ids[int(cn.node_place[labels.node[lab]])]
        if arc < 0:
            steps.append((place, None))
            continue
        mode = _arc_mode(cn, arc)
        if int(cn.arc_kind[arc]) == ARC_SERVICE:
            segment = cn.segments[int(cn.arc_ref[arc])]
            for stop in segment.service.stops[segment.board + 1 : segment.alight]:
                steps.append((stop, mode))
        steps.append((place, mode))
    return steps


def _arc_mode(cn: CompiledNetwork, arc: int) -> Mode:
    return CLASSES[int(cn.node_class[cn.arc_head[arc]])][0]


# --------------------------------------------------------------------------- explanation
def _digits(value: float) -> int:
    """Decimals worth showing for a tariff figure (1.4 → 1, 0.055 → 3, 150 → 0)."""
    text = f"{value:g}"
    return min(len(text.split(".")[1]), 3) if "." in text and "e" not in text else 0


def _line(points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [[round(x, 5), round(y, 5)] for x, y in points]}


_ROAD_GEOMETRY: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {}


def _road_geometry(network: Network, link: Link) -> tuple[tuple[float, float], ...]:
    """A road link's course on the real road graph, when the dataset gives none (cached)."""
    key = (network.info.content_hash, link.id)
    if key not in _ROAD_GEOMETRY:
        points: tuple[tuple[float, float], ...] = ()
        roads = road_network()
        if roads is not None:
            pa, pb = network.places[link.from_place], network.places[link.to_place]
            try:
                route = roads.route(pa.lat, pa.lon, pb.lat, pb.lon)
            except DalizError:
                route = None
            # Only a path of about the link's own length is its course, not a detour.
            if route is not None and route.total_km <= 1.5 * link.distance_km + 20:
                points = tuple(route.geometry)
        _ROAD_GEOMETRY[key] = points
    return _ROAD_GEOMETRY[key]


def _link_points(network: Network, link_id: str, a: str, b: str) -> list[tuple[float, float]]:
    link = network.links[link_id]
    geometry = link.geometry
    if not geometry and link.mode == Mode.ROAD:
        geometry = _road_geometry(network, link)
    if geometry:
        points = list(geometry)
        if link.from_place != a:
            points.reverse()
        return points
    pa, pb = network.places[a], network.places[b]
    return [(pa.lon, pa.lat), (pb.lon, pb.lat)]


@dataclass
class _Route:
    """A label chain turned into arcs, with its totals (typical values)."""

    label: int
    arcs: list[int]
    waits: list[float]
    cost: float
    time: float
    co2: float
    origin_leg: AccessLeg | None
    destination_leg: AccessLeg | None


def _explain(
    ctx: PlanningContext,
    prices: ArcPrices,
    shipment: Shipment,
    route: _Route,
    origin: Endpoint,
    destination: Endpoint,
) -> tuple[list[Leg], list[Event], dict[str, float], list[str], list[str], float]:
    """Legs, events, cost breakdown, countries, border places and distance of a route."""
    cn, network = ctx.compiled, ctx.network
    lang = current_language()
    units = prices.units
    legs: list[Leg] = []
    events: list[Event] = []
    breakdown: defaultdict[str, float] = defaultdict(float)
    countries: list[str] = []
    borders: list[str] = []
    distance = 0.0

    def note_country(code: str) -> None:
        if not countries or countries[-1] != code:
            countries.append(code)

    def access_leg(leg: AccessLeg, start: bool) -> Leg:
        point = origin if start else destination
        a = (point.lon, point.lat)
        b = (leg.hub.lon, leg.hub.lat)
        coords = list(leg.geometry) if leg.geometry else ([a, b] if start else [b, a])
        return Leg(
            mode="road",
            from_="origin" if start else leg.hub.id,
            to=leg.hub.id if start else "destination",
            from_name=point.label if start else leg.hub.name_in(lang),
            to_name=leg.hub.name_in(lang) if start else point.label,
            distance_km=round(leg.distance_km, 1),
            hours=round(leg.hours, 2),
            cost_usd=round(leg.cost_usd, 2),
            co2e_kg=round(leg.co2e_kg, 1),
            countries=[leg.hub.country],
            tariff=leg.tariff_note,
            access=True,
            estimate=not leg.geometry,
            snap_km=None if leg.snap_km is None else round(leg.snap_km, 2),
            sources=["osm-roads"] if leg.geometry else [],
            geometry=_line(coords),
        )

    if route.origin_leg is not None:
        legs.append(access_leg(route.origin_leg, True))
        breakdown["line_haul"] += route.origin_leg.cost_usd
        distance += route.origin_leg.distance_km
        note_country(route.origin_leg.hub.country)

    current: dict[str, Any] | None = None

    def close_leg() -> None:
        nonlocal current
        if current is not None:
            legs.append(Leg(**current))
            current = None

    for arc, wait in zip(route.arcs, route.waits, strict=True):
        kind = int(cn.arc_kind[arc])
        tail_place = cn.place_ids[int(cn.node_place[cn.arc_tail[arc]])]
        head_place = cn.place_ids[int(cn.node_place[cn.arc_head[arc]])]
        tail = network.places[tail_place]
        head = network.places[head_place]
        border = prices.border_of_arc.get(arc)
        if border is not None:
            close_leg()
            b_cost = border_cost(border, units).typ
            borders.append(border.place)
            if wait > 0:
                events.append(
                    Event(
                        kind="border_wait",
                        place=border.place,
                        place_name=tail.name_in(lang),
                        hours=round(wait, 2),
                        cost_usd=0.0,
                        detail=_("border closed on the day of arrival; waits for next opening"),
                    )
                )
            events.append(
                Event(
                    kind="border_crossing",
                    place=border.place,
                    place_name=tail.name_in(lang),
                    hours=round(border.clearance_h.typ, 2),
                    cost_usd=round(b_cost, 2),
                    detail=_("{a}–{b} {mode} clearance (both sides), fees per {unit}").format(
                        a=border.countries[0],
                        b=border.countries[1],
                        mode=mode_label(border.mode.value),
                        unit=unit_label(border.cost_unit),
                    ),
                    estimate=border.sourcing.is_estimate,
                    sources=list(border.sourcing.sources),
                )
            )
            breakdown["border"] += b_cost
        if kind == ARC_TRANSFER:
            close_leg()
            transfer = cn.transfers[int(cn.arc_ref[arc])]
            t_cost = transfer_cost(transfer, shipment, units).typ
            g = ""
            if transfer.from_gauge_mm or transfer.to_gauge_mm:
                g = f" ({transfer.from_gauge_mm or '-'} → {transfer.to_gauge_mm or '-'} mm)"
            events.append(
                Event(
                    kind=transfer.kind,
                    place=tail_place,
                    place_name=tail.name_in(lang),
                    hours=round(transfer.time_h.typ, 2),
                    cost_usd=round(t_cost, 2),
                    detail=_("{from_mode} → {to_mode}{gauges}, {usd} USD per {unit}").format(
                        from_mode=mode_label(transfer.from_mode.value),
                        to_mode=mode_label(transfer.to_mode.value),
                        gauges=g,
                        usd=format_number(
                            transfer.cost_usd.typ, digits=_digits(transfer.cost_usd.typ)
                        ),
                        unit=unit_label(transfer.cost_unit.value),
                    ),
                    estimate=transfer.sourcing.is_estimate,
                    sources=list(transfer.sourcing.sources),
                )
            )
            category = {
                "port_handling": "port_handling",
                "ferry_loading": "port_handling",
                "gauge_change": "gauge_change",
                "bogie_exchange": "gauge_change",
            }.get(transfer.kind, "transshipment")
            breakdown[category] += t_cost
            continue
        if kind == ARC_SERVICE:
            close_leg()
            segment = cn.segments[int(cn.arc_ref[arc])]
            service = segment.service
            if wait > 0:
                events.append(
                    Event(
                        kind="service_wait",
                        place=tail_place,
                        place_name=tail.name_in(lang),
                        hours=round(wait, 2),
                        cost_usd=0.0,
                        detail=_("waits for {service} ({per_week} departures a week)").format(
                            service=service.name, per_week=f"{service.frequency_per_week:g}"
                        ),
                        estimate=service.sourcing.is_estimate,
                        sources=list(service.sourcing.sources),
                    )
                )
            cost = float(prices.cost_usd[arc])
            ride_h = segment.ride_h
            for stop in segment.border_stops:
                crossing = network.border_crossings.get((stop, service.mode))
                if crossing is None:
                    continue
                fee = border_cost(crossing, units).typ
                cost -= fee  # the fee is an event of its own, not line-haul
                borders.append(stop)
                events.append(
                    Event(
                        kind="border_crossing",
                        place=stop,
                        place_name=network.places[stop].name,
                        hours=round(crossing.clearance_h.typ, 2),
                        cost_usd=round(fee, 2),
                        detail=f"{crossing.countries[0]}–{crossing.countries[1]} "
                        f"{crossing.mode.value} clearance on board {service.name}",
                        estimate=crossing.sourcing.is_estimate,
                        sources=list(crossing.sourcing.sources),
                    )
                )
                breakdown["border"] += fee
            breakdown["line_haul"] += cost
            points: list[tuple[float, float]] = []
            stops = service.stops[segment.board : segment.alight + 1]
            for link, (a, b) in zip(segment.links, itertools.pairwise(stops), strict=True):
                pts = _link_points(network, link.id, a, b)
                points.extend(pts if not points else pts[1:])
            distance += segment.distance_km
            note_country(tail.country)
            note_country(head.country)
            legs.append(
                Leg(
                    mode=service.mode.value,
                    from_=tail_place,
                    to=head_place,
                    from_name=tail.name_in(lang),
                    to_name=head.name_in(lang),
                    distance_km=round(segment.distance_km, 1),
                    hours=round(ride_h, 2),
                    cost_usd=round(cost, 2),
                    co2e_kg=round(float(prices.co2e_kg[arc]), 1),
                    countries=[tail.country, head.country]
                    if tail.country != head.country
                    else [tail.country],
                    links=[link.id for link in segment.links],
                    service=service.name,
                    tariff=", ".join(sorted({link.tariff_profile for link in segment.links})),
                    estimate=any(link.sourcing.is_estimate for link in segment.links)
                    or service.sourcing.is_estimate,
                    sources=sorted(
                        {s for link in segment.links for s in link.sourcing.sources}
                        | set(service.sourcing.sources)
                    ),
                    geometry=_line(points),
                )
            )
            continue
        # a link arc
        assert kind == ARC_LINK
        link = cn.links[int(cn.arc_ref[arc])]
        haul = line_haul(link, units[link.mode], shipment)
        assert haul is not None
        line_cost = haul.cost_usd.typ
        hours = link.distance_km / link.speed_kmh.typ
        co2 = float(prices.co2e_kg[arc])
        breakdown["line_haul"] += line_cost
        distance += link.distance_km
        pts = _link_points(network, link.id, tail_place, head_place)
        for code in (tail.country, head.country):
            if tail.kind != PlaceKind.BORDER_CROSSING or code == head.country:
                note_country(code)
        tariff_text = (
            _("{usd} USD per {unit}-km × {count}")
            if haul.tariff.basis == "per_km"
            else _("{usd} USD per {unit} trip × {count}")
        ).format(
            usd=format_number(haul.tariff.usd.typ, digits=_digits(haul.tariff.usd.typ)),
            unit=unit_label(haul.tariff.unit.value),
            count=f"{haul.count:g}",
        )
        if (
            current is not None
            and current["mode"] == link.mode.value
            and current["gauge_mm"] == link.gauge_mm
        ):
            current["to"] = head_place
            current["to_name"] = head.name_in(lang)
            current["distance_km"] = round(current["distance_km"] + link.distance_km, 1)
            current["hours"] = round(current["hours"] + hours, 2)
            current["cost_usd"] = round(current["cost_usd"] + line_cost, 2)
            current["co2e_kg"] = round(current["co2e_kg"] + co2, 1)
            current["links"].append(link.id)
            if head.country not in current["countries"]:
                current["countries"].append(head.country)
            if tariff_text not in current["tariff"]:
                current["tariff"] += f"; {tariff_text}"
            current["estimate"] = (
                current["estimate"] or link.sourcing.is_estimate or haul.tariff.sourcing.is_estimate
            )
            current["sources"] = sorted(
                set(current["sources"])
                | set(link.sourcing.sources)
                | set(haul.tariff.sourcing.sources)
            )
            current["geometry"]["coordinates"].extend(_line(pts)["coordinates"][1:])
        else:
            close_leg()
            current = {
                "mode": link.mode.value,
                "from_": tail_place,
                "to": head_place,
                "from_name": tail.name_in(lang),
                "to_name": head.name_in(lang),
                "distance_km": round(link.distance_km, 1),
                "hours": round(hours, 2),
                "cost_usd": round(line_cost, 2),
                "co2e_kg": round(co2, 1),
                "gauge_mm": link.gauge_mm,
                "countries": [c for c in dict.fromkeys([tail.country, head.country])],
                "links": [link.id],
                "tariff": tariff_text,
                "estimate": link.sourcing.is_estimate or haul.tariff.sourcing.is_estimate,
                "sources": sorted(set(link.sourcing.sources) | set(haul.tariff.sourcing.sources)),
                "geometry": _line(pts),
            }
    close_leg()
    if route.destination_leg is not None:
        legs.append(access_leg(route.destination_leg, False))
        breakdown["line_haul"] += route.destination_leg.cost_usd
        distance += route.destination_leg.distance_km
        note_country(route.destination_leg.hub.country)
    return legs, events, dict(breakdown), countries, borders, distance


def _closure_warnings(
    ctx: PlanningContext, route: _Route, departure: dt.datetime, labels: Labels, path: list[int]
) -> list[str]:
    """Seasonal closures near the passage date and closure risks on the route."""
    network, cn = ctx.network, ctx.compiled
    warnings: list[str] = []
    seen: set[str] = set()
    for label in path[1:]:
        arc = labels.arc[label]
        clock = departure + dt.timedelta(hours=labels.time[label])
        targets: list[str] = []
        kind = int(cn.arc_kind[arc])
        if kind == ARC_LINK:
            targets.append(cn.links[int(cn.arc_ref[arc])].id)
        elif kind == ARC_SERVICE:
            targets.extend(link.id for link in cn.segments[int(cn.arc_ref[arc])].links)
        targets.append(cn.place_ids[int(cn.node_place[cn.arc_tail[arc]])])
        for target in targets:
            for closure in network.closures_of(target):
                if target in seen:
                    continue
                day = clock.date()
                note = data_text(closure.note) if closure.note else _("see sources")
                if closure.kind == "risk" and closure.in_force(day):
                    seen.add(target)
                    cited = "; ".join(closure.sourcing.sources)
                    warnings.append(
                        _("{target}: closure risk {probability} per crossing — {note}").format(
                            target=_target_name(network, target),
                            probability=format_percent(closure.probability or 0.0),
                            note=note,
                        )
                        + f" [{cited}]"
                    )
                elif closure.kind in ("seasonal", "period"):
                    for delta in range(-21, 22, 3):
                        if closure.closes(day + dt.timedelta(days=delta)):
                            seen.add(target)
                            template = (
                                _(
                                    "{target}: seasonal closure within 3 weeks of passage "
                                    "({date}) — {note}"
                                )
                                if closure.kind == "seasonal"
                                else _(
                                    "{target}: closure period within 3 weeks of passage "
                                    "({date}) — {note}"
                                )
                            )
                            warnings.append(
                                template.format(
                                    target=_target_name(network, target),
                                    date=format_date(day),
                                    note=note,
                                )
                            )
                            break
    return warnings


def _target_name(network: Network, target: str) -> str:
    """A place's or link's name in the current language ('Salang – Kabul'), else its id."""
    lang = current_language()
    if target in network.places:
        return network.places[target].name_in(lang)
    link = network.links.get(target)
    if link is None:
        return target
    ends = (network.places.get(link.from_place), network.places.get(link.to_place))
    if ends[0] is None or ends[1] is None:
        return target
    return f"{ends[0].name_in(lang)} – {ends[1].name_in(lang)} ({mode_label(link.mode.value)})"


# --------------------------------------------------------------------------- rules
def _border_hours(
    cn: CompiledNetwork, prices: ArcPrices, labels: Labels, path: list[int]
) -> dict[str, float]:
    """Hours after departure at which the route reaches each border crossing point."""
    reached: dict[str, float] = {}
    for before, label in itertools.pairwise(path):
        border = prices.border_of_arc.get(labels.arc[label])
        if border is not None:
            reached.setdefault(border.place, labels.time[before])
    return reached


def _route_facts(
    network: Network, alt: Alternative, departure: dt.datetime, border_hours: dict[str, float]
) -> RouteFacts:
    facts = []
    for leg in alt.legs:
        a = network.places.get(leg.from_)
        b = network.places.get(leg.to)
        from_country = a.country if a else (b.country if b else "")
        to_country = b.country if b else from_country
        facts.append(
            LegFact(
                mode=leg.mode,
                from_place=leg.from_,
                to_place=leg.to,
                from_country=from_country,
                to_country=to_country,
                link_id=leg.links[0] if leg.links else None,
                gauge_mm=leg.gauge_mm,
            )
        )
    dates = {
        place: (departure + dt.timedelta(hours=hours)).date()
        for place, hours in border_hours.items()
    }
    names = {}
    for leg in alt.legs:
        names[leg.from_] = leg.from_name
        names[leg.to] = leg.to_name
    for event in alt.events:
        names[event.place] = event.place_name
    return RouteFacts.from_legs(facts, corridor=alt.corridor, border_dates=dates, place_names=names)


def _apply_rules(
    ctx: PlanningContext,
    commodity: Commodity,
    departure: dt.datetime,
    alt: Alternative,
    border_hours: dict[str, float],
) -> None:
    """Regimes, documents, blockers and warnings of the legal rules, on one alternative."""
    facts = _route_facts(ctx.network, alt, departure, border_hours)
    p90 = alt.totals.days_p90 if alt.totals.days_p90 is not None else alt.totals.days
    rules = evaluate_route(ctx.rules, facts, commodity, departure.date(), transit_days_p90=p90)
    alt.rules = rules.to_dict()
    alt.blocked = rules.blocked
    alt.warnings.extend(w.message for w in rules.warnings)


def _all_blocked(alternatives: list[Alternative]) -> NoRouteError:
    reasons: list[str] = []
    for alt in alternatives:
        for blocker in (alt.rules or {}).get("blockers", [])[:2]:
            reasons.append(f"{alt.corridor}: {blocker['message']}")
    return NoRouteError(
        _("Every route found is blocked by the legal rules for this cargo."),
        hint="\n".join(reasons[:8]) + "\n" + _("Use --include-blocked to see them anyway."),
    )


# --------------------------------------------------------------------------- ranking
@dataclass(frozen=True)
class _RawTotals:
    cost_usd: float
    days: float
    co2e_kg: float
    days_p90: float | None = None


def _raw_totals(route: _Route) -> _RawTotals:
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
    if request is None:
        request = request_from_fields(**fields)
    elif fields:
        raise TypeError("give either a PlanRequest or keyword fields, not both")
    ctx = planning_context(dataset, network)
    cn, net = ctx.compiled, ctx.network
    commodity = _commodity(ctx.rules, request)
    shipment = _shipment(net, request, commodity)
    origin = _endpoint(net, request.origin, "origin")
    destination = _endpoint(net, request.destination, "destination")
    if origin.place is None:
        origin = _access_legs(cn, origin, shipment, "origin")
    if destination.place is None:
        destination = _access_legs(cn, destination, shipment, "destination")
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
    routes: list[tuple[_Route, list[int]]] = []
    for final in result.finals:
        path = labels.path(final)
        arcs = [labels.arc[lab] for lab in path[1:]]
        waits = [labels.wait[lab] for lab in path[1:]]
        end_place = cn.place_ids[int(cn.node_place[labels.node[final]])]
        d_leg = dest_leg_of.get(end_place)
        o_leg = origin.access[labels.tag[final]] if origin.access else None
        extra = (d_leg.cost_usd, d_leg.hours, d_leg.co2e_kg) if d_leg else (0.0, 0.0, 0.0)
        routes.append(
            (
                _Route(
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
    groups: dict[str, list[tuple[_Route, list[int]]]] = {}
    corridor_ids: dict[str, str | None] = {}
    for route, path in routes:
        steps = _steps(cn, labels, path)
        corridor_id, name = corridor_of(net, steps)
        corridor_ids[name] = corridor_id
        groups.setdefault(name, []).append((route, path))

    # One alternative per corridor: its best route by the objective; only those are explained.
    all_points = [(r.cost, r.time, r.co2) for r, _ in routes]
    mins = (
        min(p[0] for p in all_points),
        min(p[1] for p in all_points) / 24.0,
        max(min(p[2] for p in all_points), 1e-9),
    )
    chosen: list[tuple[str, _Route, list[int]]] = []
    for name, members in groups.items():
        route, path = min(members, key=lambda m: _objective_value(request, _raw_totals(m[0]), mins))
        chosen.append((name, route, path))
    chosen.sort(key=lambda c: _objective_value(request, _raw_totals(c[1]), mins))
    alternatives: list[Alternative] = []
    border_hours: dict[int, dict[str, float]] = {}
    for name, route, path in chosen:
        legs, events, breakdown, countries, borders, distance = _explain(
            ctx, prices, shipment, route, origin, destination
        )
        pareto = not any(
            p[0] <= route.cost
            and p[1] <= route.time
            and p[2] <= route.co2
            and p != (route.cost, route.time, route.co2)
            for p in all_points
        )
        border_hours[len(alternatives)] = _border_hours(cn, prices, labels, path)
        alternatives.append(
            Alternative(
                corridor=name,
                corridor_id=corridor_ids[name],
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
                warnings=_closure_warnings(ctx, route, departure, labels, path),
            )
        )
    ranked = alternatives
    from daliz.reliability import add_reliability  # Monte Carlo figures into each totals

    ranked = add_reliability(ranked, request, cn, shipment, prices.units, departure)
    for index, alt in enumerate(ranked):
        _apply_rules(ctx, commodity, departure, alt, border_hours[index])
    shown = [a for a in ranked if request.include_blocked or not a.blocked]
    if not shown:
        raise _all_blocked(ranked)
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
            tonnes=format_number(shipment.tonnes, digits=_digits(shipment.tonnes)),
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


def route_facts_of(
    origin: str,
    destination: str,
    commodity: Commodity,
    departure: dt.date,
    *,
    dataset: str | Path | None = None,
) -> list[RouteFacts]:
    """The legal facts of every corridor the planner finds (blocked ones included).

    This is what `daliz rules chain` evaluates agreement by agreement.
    """
    result = plan(
        origin=origin,
        destination=destination,
        commodity=commodity.id,
        tonnes=max(commodity.stowage_t_per_teu or 20.0, 1.0),
        date=departure,
        include_blocked=True,
        max_alternatives=20,
        draws=0,
        dataset=dataset,
    )
    network = planning_context(dataset).network
    start = dt.datetime.combine(departure, dt.time(DEPARTURE_HOUR))
    return [_route_facts(network, alt, start, {}) for alt in result.alternatives]


__all__ = ["PlanningContext", "plan", "planning_context", "resolve_dataset", "route_facts_of"]
