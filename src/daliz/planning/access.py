"""Where a plan starts and ends: places, or coordinates joined by road access legs."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from daliz.costs.pricing import line_haul
from daliz.costs.shipment import Shipment, units_by_mode
from daliz.errors import DalizError, RequestError
from daliz.i18n import (
    _,
    current_language,
    format_number,
)
from daliz.network.compile import (
    CompiledNetwork,
)
from daliz.network.load import great_circle_km
from daliz.network.model import Mode, Network, Place, PlaceKind
from daliz.network.places import resolve_place
from daliz.planning.geometry import simplify
from daliz.planning.labels import unit_label
from daliz.planning.request import parse_coordinate

if TYPE_CHECKING:
    from daliz.roads import RoadNetwork

ACCESS_DETOUR = 1.3  # road length ≈ 1.3 × great-circle for access legs (estimate, see README)
ACCESS_RADIUS_KM = 400.0  # a coordinate farther than this from every hub is outside the network
ACCESS_HUBS = 3  # nearest hubs tried from a coordinate
ROAD_DETOUR_LIMIT = 2.5  # a road-graph access path longer than this × great-circle is rejected
ACCESS_SPEED_KMH = 25.0  # off-road stretch to the nearest road (daliz.roads' estimate)
HUB_KINDS = (
    PlaceKind.CITY,
    PlaceKind.DRY_PORT,
    PlaceKind.RAIL_STATION,
    PlaceKind.TERMINAL,
    PlaceKind.SEA_PORT,
)


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


# --------------------------------------------------------------------------- resolution
def _role(role: str) -> str:
    return _("origin") if role == "origin" else _("destination")


def resolve_endpoint(
    network: Network, text: str, role: str, shipment: Shipment | None = None
) -> Endpoint:
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


def access_legs(cn: CompiledNetwork, end: Endpoint, shipment: Shipment, role: str) -> Endpoint:
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
            geometry = tuple(simplify(route.geometry))
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
