"""Turning a found route into legs, events, cost breakdown and closure warnings."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from daliz.costs.pricing import ArcPrices, border_cost, link_haul, transfer_cost
from daliz.costs.shipment import Shipment
from daliz.errors import DalizError
from daliz.i18n import (
    _,
    current_language,
    data_text,
    format_date,
    format_number,
    format_percent,
)
from daliz.network.compile import (
    ARC_LINK,
    ARC_SERVICE,
    ARC_TRANSFER,
    CLASSES,
    CompiledNetwork,
)
from daliz.network.model import Closure, Link, Mode, Network, Place, PlaceKind, Tariff
from daliz.planning.labels import mode_label, unit_label
from daliz.planning.result import Event, Leg
from daliz.routing.search import Labels

if TYPE_CHECKING:
    pass

from daliz.planning.access import AccessLeg, Endpoint, road_network
from daliz.planning.context import PlanningContext
from daliz.planning.geometry import rounded, simplify


def route_steps(
    cn: CompiledNetwork, labels: Labels, path: list[int]
) -> list[tuple[str, Mode | None]]:
    """The places a route passes, each with the mode that reached it (services' stops too)."""
    steps: list[tuple[str, Mode | None]] = []
    for lab in path:
        arc = labels.arc[lab]
        place = cn.place_ids[int(cn.node_place[labels.node[lab]])]
        if arc < 0:
            steps.append((place, None))
            continue
        mode = arc_mode(cn, arc)
        if int(cn.arc_kind[arc]) == ARC_SERVICE:
            segment = cn.segments[int(cn.arc_ref[arc])]
            for stop in segment.service.stops[segment.board + 1 : segment.alight]:
                steps.append((stop, mode))
        steps.append((place, mode))
    return steps


def arc_mode(cn: CompiledNetwork, arc: int) -> Mode:
    return CLASSES[int(cn.node_class[cn.arc_head[arc]])][0]


# --------------------------------------------------------------------------- explanation
def shown_digits(value: float) -> int:
    """Decimals worth showing for a tariff figure (1.4 → 1, 0.055 → 3, 150 → 0)."""
    text = f"{value:g}"
    return min(len(text.split(".")[1]), 3) if "." in text and "e" not in text else 0


def _line(points: list[tuple[float, float]]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": rounded(points)}


_ROAD_GEOMETRY: dict[tuple[str, str], tuple[tuple[float, float], ...]] = {}
ROAD_GEOMETRY_KEPT = 20_000  # road links' courses kept (a dataset has ~100; scenarios add some)


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
        if len(_ROAD_GEOMETRY) >= ROAD_GEOMETRY_KEPT:
            # A service validating dataset after dataset would otherwise keep every one's links.
            _ROAD_GEOMETRY.clear()
        _ROAD_GEOMETRY[key] = points
    return _ROAD_GEOMETRY[key]


def _link_points(network: Network, link_id: str) -> list[tuple[float, float]]:
    """A link's course from its `from_place` to its `to_place`, simplified and rounded for
    maps."""
    link = network.links[link_id]
    geometry = link.geometry
    if not geometry and link.mode == Mode.ROAD:
        geometry = _road_geometry(network, link)
    if geometry:
        return [(x, y) for x, y in rounded(simplify(geometry))]
    pa, pb = network.places[link.from_place], network.places[link.to_place]
    return [(x, y) for x, y in rounded([(pa.lon, pa.lat), (pb.lon, pb.lat)])]


# A link's GeoJSON coordinates, both ways, built once per compiled network (cn.derived; one
# entry per link used, so bounded by the network). Legs copy the outer list (and extend it);
# the [lon, lat] pairs inside are shared by every plan: read-only.
_LINK_COORDINATES = "explain_link_coordinates"


def _link_coordinates(
    cn: CompiledNetwork, network: Network, link_id: str, a: str
) -> list[list[float]]:
    """A link's course from place `a` to the other end as shared, read-only [lon, lat] pairs."""
    cache = cn.memo(_LINK_COORDINATES)
    ways = cache.get(link_id)
    if ways is None:
        forward = [[x, y] for x, y in _link_points(network, link_id)]
        ways = (network.links[link_id].from_place, forward, forward[::-1])
        cache[link_id] = ways
    return ways[1] if ways[0] == a else ways[2]


# How a line haul was computed, in words, per (language, basis, rate, unit, count): the same few
# tariffs recur in every plan. Bounded: cleared when it reaches _TARIFF_TEXTS_SIZE entries.
_TARIFF_TEXTS: dict[tuple[str, str, float, str, float], str] = {}
_TARIFF_TEXTS_SIZE = 4096


def _tariff_text(lang: str, tariff: Tariff, count: float) -> str:
    """'1.4 USD per truck-km × 12' (or '… per TEU trip …') in the language `lang` (current)."""
    key = (lang, tariff.basis, tariff.usd.typ, tariff.unit.value, count)
    text = _TARIFF_TEXTS.get(key)
    if text is None:
        text = (
            _("{usd} USD per {unit}-km × {count}")
            if tariff.basis == "per_km"
            else _("{usd} USD per {unit} trip × {count}")
        ).format(
            usd=format_number(tariff.usd.typ, digits=shown_digits(tariff.usd.typ)),
            unit=unit_label(tariff.unit.value),
            count=f"{count:g}",
        )
        if len(_TARIFF_TEXTS) >= _TARIFF_TEXTS_SIZE:
            _TARIFF_TEXTS.clear()
        _TARIFF_TEXTS[key] = text
    return text


def _arc_ends(cn: CompiledNetwork, network: Network) -> list[tuple[int, int, Place, Place]]:
    """Per arc: its kind, its reference (link, segment or transfer index) and the places it
    leaves and reaches; built once per compiled network (cn.derived), read-only."""
    cached = cn.derived.get("explain_arc_ends")
    if isinstance(cached, list):
        return cached
    node_place = cn.node_place.tolist()
    ends = [
        (
            kind,
            ref,
            network.places[cn.place_ids[node_place[tail]]],
            network.places[cn.place_ids[node_place[head]]],
        )
        for kind, ref, tail, head in zip(
            cn.arc_kind.tolist(),
            cn.arc_ref.tolist(),
            cn.arc_tail.tolist(),
            cn.arc_head.tolist(),
            strict=True,
        )
    ]
    cn.derived["explain_arc_ends"] = ends
    return ends


@dataclass
class ChosenRoute:
    """A label chain turned into arcs, with its totals (typical values)."""

    label: int
    arcs: list[int]
    waits: list[float]
    cost: float
    time: float
    co2: float
    origin_leg: AccessLeg | None
    destination_leg: AccessLeg | None


def explain_route(
    ctx: PlanningContext,
    prices: ArcPrices,
    shipment: Shipment,
    route: ChosenRoute,
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

    ends = _arc_ends(cn, network)
    for arc, wait in zip(route.arcs, route.waits, strict=True):
        kind, ref, tail, head = ends[arc]
        tail_place, head_place = tail.id, head.id
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
            transfer = cn.transfers[ref]
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
                            transfer.cost_usd.typ, digits=shown_digits(transfer.cost_usd.typ)
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
            segment = cn.segments[ref]
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
                        place_name=network.places[stop].name_in(lang),
                        hours=round(crossing.clearance_h.typ, 2),
                        cost_usd=round(fee, 2),
                        detail=_("{a}–{b} {mode} clearance on board {service}").format(
                            a=crossing.countries[0],
                            b=crossing.countries[1],
                            mode=mode_label(crossing.mode.value),
                            service=service.name,
                        ),
                        estimate=crossing.sourcing.is_estimate,
                        sources=list(crossing.sourcing.sources),
                    )
                )
                breakdown["border"] += fee
            breakdown["line_haul"] += cost
            points: list[list[float]] = []
            stops = service.stops[segment.board : segment.alight + 1]
            for link, a in zip(segment.links, stops[:-1], strict=True):
                pts = _link_coordinates(cn, network, link.id, a)
                points.extend(itertools.islice(pts, 1, None) if points else pts)
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
                    geometry={"type": "LineString", "coordinates": points},
                )
            )
            continue
        # a link arc
        assert kind == ARC_LINK
        link = cn.links[ref]
        haul = link_haul(prices, link, shipment)
        assert haul is not None
        line_cost = haul.cost_usd.typ
        hours = link.distance_km / link.speed_kmh.typ
        co2 = float(prices.co2e_kg[arc])
        breakdown["line_haul"] += line_cost
        distance += link.distance_km
        pts = _link_coordinates(cn, network, link.id, tail_place)
        for code in (tail.country, head.country):
            if tail.kind != PlaceKind.BORDER_CROSSING or code == head.country:
                note_country(code)
        tariff_text = _tariff_text(lang, haul.tariff, haul.count)
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
            current["geometry"]["coordinates"].extend(itertools.islice(pts, 1, None))
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
                "geometry": {"type": "LineString", "coordinates": list(pts)},
            }
    close_leg()
    if route.destination_leg is not None:
        legs.append(access_leg(route.destination_leg, False))
        breakdown["line_haul"] += route.destination_leg.cost_usd
        distance += route.destination_leg.distance_km
        note_country(route.destination_leg.hub.country)
    return legs, events, dict(breakdown), countries, borders, distance


def closure_warnings(
    ctx: PlanningContext,
    route: ChosenRoute,
    departure: dt.datetime,
    labels: Labels,
    path: list[int],
) -> list[str]:
    """Seasonal closures near the passage date and closure risks on the route."""
    network, cn = ctx.network, ctx.compiled
    warnings: list[str] = []
    seen: set[str] = set()
    closed = _closures_by_arc(cn, network)
    for label in path[1:]:
        arc = labels.arc[label]
        targets = closed[arc]
        if not targets:
            continue
        clock = departure + dt.timedelta(hours=labels.time[label])
        for target, closures in targets:
            for closure in closures:
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


def _closures_by_arc(
    cn: CompiledNetwork, network: Network
) -> list[tuple[tuple[str, tuple[Closure, ...]], ...]]:
    """Per arc, the link and place ids it passes that have closure regimes, with those regimes
    (the links it travels, then the place it leaves), built once per compiled network."""
    cached = cn.derived.get("explain_closures_by_arc")
    if isinstance(cached, list):
        return cached
    of_target: dict[str, list[Closure]] = {}
    for closure in network.closures:
        of_target.setdefault(closure.target, []).append(closure)
    by_arc: list[tuple[tuple[str, tuple[Closure, ...]], ...]] = []
    for arc in range(cn.arc_count):
        targets: list[str] = []
        kind = int(cn.arc_kind[arc])
        if kind == ARC_LINK:
            targets.append(cn.links[int(cn.arc_ref[arc])].id)
        elif kind == ARC_SERVICE:
            targets.extend(link.id for link in cn.segments[int(cn.arc_ref[arc])].links)
        targets.append(cn.place_ids[int(cn.node_place[cn.arc_tail[arc]])])
        by_arc.append(tuple((t, tuple(of_target[t])) for t in targets if t in of_target))
    cn.derived["explain_closures_by_arc"] = by_arc
    return by_arc


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
