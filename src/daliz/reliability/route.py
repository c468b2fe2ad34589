"""Turn a planned alternative into the sequence of uncertain steps that reliability draws.

An `Alternative` lists its legs and the events at places between them. Walking them in order
and looking every piece up in the network gives the ranges to draw from:

- a land leg: per link its length range (`distance_km_range`), commercial speed range and
  tariff range for the shipment's unit;
- a service leg: the service's schedule (wait to board) and its scheduled ride time;
- a border crossing: clearance hours and fees (ranges), opening days;
- a transfer (transshipment, gauge change, port handling): hours and cost (ranges);
- closure risks (`closures.csv` kind `risk`) of every link and place passed.

Anything that cannot be matched to the network (an access leg to a coordinate, an event kind
the network does not describe) is kept at its planned, typical value.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from dataclasses import dataclass
from typing import cast

from daliz.costs.pricing import border_cost, line_haul, transfer_cost
from daliz.costs.shipment import Shipment, UnitCount
from daliz.network.compile import CompiledNetwork, ServiceSegment
from daliz.network.model import (
    BorderCrossing,
    Closure,
    Link,
    Mode,
    Network,
    Range,
    Tariff,
    Transfer,
)
from daliz.planning.result import Alternative, Event, Leg
from daliz.reliability.sums import TriangularSum

# Closure risk: how long a closure holds traffic once it happens (hours). The data gives the
# probability per crossing but not the duration. Estimate: one to ten days, typically three —
# the span of the avalanche, flood and political closures reported on the region's passes and
# crossings (Salang, Torkham, Khunjerab); see docs/scenarios.md for the reasoning.
CLOSURE_DELAY_H = Range(24.0, 72.0, 240.0)

# Travel steps kept across plans (`NetworkIndex.travel`): ≈ 1,100 on the load-test mix.
TRAVEL_CACHE = 8192
SHIPMENTS = 64  # shipments whose tariffs are kept (a plan needs one, threads one each)
_MISSING = object()

TRANSFER_KINDS = (
    "transshipment",
    "gauge_change",
    "bogie_exchange",
    "port_handling",
    "ferry_loading",
)


@dataclass(frozen=True)
class Fixed:
    """Hours and cost kept at their planned values."""

    hours: float
    cost_usd: float


@dataclass(frozen=True)
class Dwell:
    """Time and cost at a place, each a range drawn independently (border, transfer)."""

    key: str
    time_h: Range
    cost_usd: Range


Tariffed = tuple[Range, float, bool]  # a tariff for a shipment: rate range, units, per-km basis


@dataclass(frozen=True)
class LinkPart:
    """One link of a leg: its length, commercial speed and tariff for the shipment."""

    distance_km: Range
    speed_kmh: Range
    rate_usd: Range  # per unit-km (per_km) or per unit for the link (per_trip)
    count: float  # units the rate multiplies
    per_km: bool
    tariff: str  # the tariff profile (its price level is drawn once per shipment)


@dataclass(frozen=True)
class LinkGroup:
    """The links of a leg that share a speed range and a tariff: drawn as one."""

    distance_km: TriangularSum
    speed_kmh: Range
    rate_usd: Range
    count: float
    per_km: bool
    links: int
    tariff: str

    @functools.cached_property
    def tariff_key(self) -> str:
        """The key of the tariff profile's price-level draws (`simulate`)."""
        return f"tariff:{self.tariff}"


def group_parts(parts: list[LinkPart]) -> tuple[LinkGroup, ...]:
    """Group a leg's links by (speed range, rate, count, basis); lengths add up per group."""
    groups: dict[tuple[Range, Range, float, bool, str], list[LinkPart]] = {}
    for part in parts:
        key = (part.speed_kmh, part.rate_usd, part.count, part.per_km, part.tariff)
        groups.setdefault(key, []).append(part)
    return tuple(
        LinkGroup(
            TriangularSum.of([p.distance_km for p in members]),
            speed,
            rate,
            count,
            per_km,
            len(members),
            tariff,
        )
        for (speed, rate, count, per_km, tariff), members in groups.items()
    )


@dataclass(frozen=True)
class Travel:
    """A land leg on one vehicle: one speed draw and one length draw per leg.

    The same uniform drives every link of the leg (one vehicle's pace, one way of measuring the
    line), so a leg is slow or fast as a whole. Tariffs are drawn once per tariff profile for
    the whole shipment: the price level a shipper is quoted in that market, the same on every
    leg it prices (and on every alternative of the plan).
    """

    key: str
    groups: tuple[LinkGroup, ...]

    @functools.cached_property
    def hours_spec(self) -> tuple[object, ...]:
        """What the leg's hours read: its key and each group's (length sum, speed range)."""
        return (self.key, tuple((group.distance_km, group.speed_kmh) for group in self.groups))


@dataclass(frozen=True)
class Ride:
    """A scheduled service: wait for the next departure, then the scheduled ride.

    The wait comes from the simulated arrival clock when the service departs on listed weekdays;
    when only a weekly frequency is known the phase is unknown and the wait is uniform over the
    headway. The ride time is the schedule scaled by the links' speed draw (late and early
    running); its cost is the links' tariffs at their typical lengths (a schedule has a fixed
    course).
    """

    key: str
    ride_h: float
    offset_h: float  # scheduled time from the first stop to the boarding stop
    days: frozenset[int]  # departure weekdays from the first stop (0 = Monday), may be empty
    frequency_per_week: float
    groups: tuple[LinkGroup, ...]
    priced: bool  # False: the cost could not be rebuilt from tariffs (kept as planned)


@dataclass(frozen=True)
class BorderWait:
    """Wait at a border that is closed on some weekdays, from the simulated arrival clock."""

    place: str
    open_days: frozenset[int]


@dataclass(frozen=True)
class Risk:
    """A closure that happens with `probability` per crossing and then holds the cargo."""

    key: str
    probability: float
    delay_h: Range


Step = Fixed | Dwell | Travel | Ride | BorderWait | Risk


@dataclass(frozen=True)
class RouteModel:
    """The uncertain steps of one alternative, in travel order."""

    steps: tuple[Step, ...]


class NetworkIndex:
    """Look-ups the route builder needs: closures, segments, transfers, tariff classes, and a
    cache of modelled legs. One per compiled network (`index_of`), shared by plans and threads.
    """

    def __init__(self, cn: CompiledNetwork) -> None:
        self.cn = cn
        self._lock = threading.Lock()
        self.risks: dict[str, list[Closure]] = {}
        for closure in cn.network.closures:
            if closure.kind == "risk" and closure.probability:
                self.risks.setdefault(closure.target, []).append(closure)
        self.segments: dict[tuple[str, str, str], ServiceSegment] = {}
        for segment in cn.segments:
            stops = segment.service.stops
            key = (segment.service.name, stops[segment.board], stops[segment.alight])
            self.segments.setdefault(key, segment)
        self.transfers: dict[tuple[str, str], list[Transfer]] = {}
        for transfer in cn.network.transfers:
            self.transfers.setdefault((transfer.place, transfer.kind), []).append(transfer)
        # Tariff classes: links whose tariff rows (and mode) are equal pick the same row for a
        # shipment, so a plan resolves each class once (`_Builder.tariff`).
        self.tariff_class: dict[str, int] = {}
        self._classes: dict[tuple[Mode, frozenset[tuple[object, Tariff]]], int] = {}
        self.class_link: list[Link] = []  # a link of each class (to resolve it)
        # A land leg's Travel is a pure function of its link ids and of the tariff each of its
        # classes resolves to (rate range, units, basis), whatever the shipment: kept across
        # plans under that key. Bounded: cleared beyond TRAVEL_CACHE entries. Threads racing on
        # a key can only store equal values.
        self.travel: dict[tuple[object, ...], Travel | None] = {}
        self.shipment_tariffs: dict[tuple[object, ...], dict[int, Tariffed | None]] = {}
        # Per leg (its link ids): its tariff classes in order of first use (None when a link is
        # unknown), and the places it passes between its ends.
        self.leg_classes: dict[tuple[str, ...], tuple[int, ...] | None] = {}
        self.inner: dict[tuple[tuple[str, ...], str, str], frozenset[str]] = {}
        # Places and links of a leg that carry a closure risk, by the leg's link ids.
        self.risky: dict[tuple[str, ...], tuple[str, ...]] = {}

    def class_of(self, link: Link) -> int:
        """The tariff class of a link (links with equal tariff rows and mode share one)."""
        number = self.tariff_class.get(link.id)
        if number is None:
            with self._lock:
                key = (link.mode, frozenset(link.tariffs.items()))
                number = self._classes.get(key)
                if number is None:
                    number = self._classes[key] = len(self.class_link)
                    self.class_link.append(link)
                self.tariff_class[link.id] = number
        return number

    def classes_of(self, links: tuple[str, ...]) -> tuple[int, ...] | None:
        """Tariff classes of a leg's links, in order of first use (None: a link is unknown)."""
        if links in self.leg_classes:
            return self.leg_classes[links]
        known = self.cn.network.links
        found: tuple[int, ...] | None = None
        if all(link_id in known for link_id in links):
            found = tuple(dict.fromkeys(self.class_of(known[link_id]) for link_id in links))
        self.leg_classes[links] = found
        return found

    def clear(self) -> None:
        """Forget the modelled legs and shipments' tariffs (the look-ups stay)."""
        self.travel.clear()
        self.shipment_tariffs.clear()

    def tariffs_for(
        self, shipment: Shipment, units: dict[Mode, UnitCount]
    ) -> dict[int, Tariffed | None]:
        """The tariff of each class resolved so far for a shipment (filled by `_Builder`),
        shared by the alternatives of a plan (bounded: the last SHIPMENTS shipments)."""
        key = (shipment, tuple(sorted(units.items())))
        found = self.shipment_tariffs.get(key)
        if found is None:
            if len(self.shipment_tariffs) >= SHIPMENTS:
                self.shipment_tariffs.clear()
            found = self.shipment_tariffs.setdefault(key, {})
        return found

    def inner_places(self, links: tuple[str, ...], start: str, end: str) -> frozenset[str]:
        """Places a leg passes between its ends."""
        key = (links, start, end)
        found = self.inner.get(key)
        if found is None:
            places: set[str] = set()
            for link_id in links:
                link = self.cn.network.links.get(link_id)
                if link is not None:
                    places.update(link.ends())
            places.discard(start)
            places.discard(end)
            found = self.inner[key] = frozenset(places)
        return found

    def risky_targets(self, links: tuple[str, ...]) -> tuple[str, ...]:
        """Link and place ids of a leg, in order, that have a closure risk."""
        found = self.risky.get(links)
        if found is None:
            targets: list[str] = []
            for link_id in links:
                targets.append(link_id)
                link = self.cn.network.links.get(link_id)
                if link is not None:
                    targets.extend(link.ends())
            found = tuple(t for t in dict.fromkeys(targets) if t in self.risks)
            self.risky[links] = found
        return found


_INDEXES: dict[int, tuple[CompiledNetwork, NetworkIndex]] = {}


def clear_indexes() -> None:
    """Empty the cross-plan caches of every network's index (modelled legs, tariffs)."""
    for _, index in list(_INDEXES.values()):
        index.clear()


def index_of(cn: CompiledNetwork) -> NetworkIndex:
    """The (cached) index of a compiled network."""
    entry = _INDEXES.get(id(cn))
    if entry is None or entry[0] is not cn:
        if len(_INDEXES) > 16:
            _INDEXES.clear()
        entry = (cn, NetworkIndex(cn))
        _INDEXES[id(cn)] = entry
    return entry[1]


class _Builder:
    def __init__(
        self,
        index: NetworkIndex,
        shipment: Shipment,
        units: dict[Mode, UnitCount],
        departure: dt.datetime,
    ) -> None:
        self.index = index
        self.cn = index.cn
        self.network: Network = index.cn.network
        self.shipment = shipment
        self.units = units
        # Tariff (rate range, units, per-km basis) of each tariff class for this shipment.
        self.tariffs = index.tariffs_for(shipment, units)
        self.departure = departure
        self.steps: list[Step] = []
        self.seen_risks: set[str] = set()
        self.clock_h = 0.0  # typical elapsed hours, to date closure regimes

    # -- helpers --------------------------------------------------------------------------
    def risk(self, target: str) -> None:
        if target in self.seen_risks or target not in self.index.risks:
            return
        day = (self.departure + dt.timedelta(hours=self.clock_h)).date()
        for closure in self.index.risks[target]:
            if closure.probability and closure.in_force(day):
                self.seen_risks.add(target)
                self.steps.append(
                    Risk(f"risk:{target}", float(closure.probability), CLOSURE_DELAY_H)
                )
                return

    def segment_of(self, leg: Leg) -> ServiceSegment | None:
        if leg.service is None:
            return None
        return self.index.segments.get((leg.service, leg.from_, leg.to))

    def border_of(
        self, event: Event, after: Leg | None, before: Leg | None
    ) -> BorderCrossing | None:
        leg = after or before
        if leg is None:
            return None
        return self.network.border_crossings.get((event.place, Mode(leg.mode)))

    def transfer_of(self, event: Event, before: Leg | None, after: Leg | None) -> Transfer | None:
        candidates = self.index.transfers.get((event.place, event.kind), [])
        if before is not None and after is not None:
            a = (Mode(before.mode), before.gauge_mm)
            b = (Mode(after.mode), after.gauge_mm)
            for t in candidates:
                ends = ((t.from_mode, t.from_gauge_mm), (t.to_mode, t.to_gauge_mm))
                if ends == (a, b) or (t.bidirectional and ends == (b, a)):
                    return t
        return candidates[0] if len(candidates) == 1 else None

    def tariff(self, number: int) -> Tariffed | None:
        """The tariff of a tariff class for this shipment (None: no row fits its unit)."""
        if number in self.tariffs:
            return self.tariffs[number]
        link = self.index.class_link[number]
        # The row line_haul picks depends only on the link's tariff rows and mode (its class),
        # the units and the shipment; the link's length only scales its cost, not used here.
        haul = line_haul(link, self.units[link.mode], self.shipment)
        found = (
            None
            if haul is None
            else (haul.tariff.usd, float(haul.count), haul.tariff.basis == "per_km")
        )
        self.tariffs[number] = found
        return found

    def travel(self, links: tuple[str, ...]) -> Travel | None:
        """The Travel step of a land leg (None when a link is unknown or has no usable tariff).

        Cached across plans by (link ids, the tariff each of the leg's classes resolves to):
        everything the step is built from.
        """
        classes = self.index.classes_of(links)
        if classes is None:
            return None
        key = (links, tuple([self.tariff(number) for number in classes]))
        cache = self.index.travel
        found = cache.get(key, _MISSING)
        if found is not _MISSING:
            return cast(Travel | None, found)
        parts = [self.link_part(link_id) for link_id in links]
        travel = (
            None
            if any(p is None for p in parts)
            else Travel(f"travel:{'|'.join(links)}", group_parts([p for p in parts if p]))
        )
        if len(cache) >= TRAVEL_CACHE:
            cache.clear()
        cache[key] = travel
        return travel

    def link_part(self, link_id: str) -> LinkPart | None:
        link = self.network.links.get(link_id)
        if link is None:
            return None
        tariff = self.tariff(self.index.class_of(link))
        if tariff is None:
            return None
        rate, count, per_km = tariff
        return LinkPart(
            link.distance_km_range, link.speed_kmh, rate, count, per_km, link.tariff_profile
        )

    # -- steps ----------------------------------------------------------------------------
    def event(self, event: Event, before: Leg | None, after: Leg | None) -> None:
        if event.kind == "border_crossing":
            border = self.border_of(event, after, before)
            if border is None:
                self.steps.append(Fixed(event.hours, event.cost_usd))
            else:
                if len(border.open_days) < 7:
                    self.steps.append(BorderWait(border.place, border.open_days))
                self.risk(border.place)
                fees = border_cost(border, self.units)
                self.steps.append(
                    Dwell(f"border:{border.place}:{border.mode.value}", border.clearance_h, fees)
                )
        elif event.kind == "border_wait":
            border = self.border_of(event, after, before)
            if border is None or len(border.open_days) == 7:
                self.steps.append(Fixed(event.hours, event.cost_usd))
            # else: the wait is drawn from the clock by the BorderWait of the crossing
        elif event.kind == "service_wait":
            if after is None or self.segment_of(after) is None:
                self.steps.append(Fixed(event.hours, event.cost_usd))
            # else: the Ride of the next leg draws the wait
        elif event.kind in TRANSFER_KINDS:
            transfer = self.transfer_of(event, before, after)
            if transfer is None:
                self.steps.append(Fixed(event.hours, event.cost_usd))
            else:
                self.risk(event.place)
                cost = transfer_cost(transfer, self.shipment, self.units)
                key = (
                    f"transfer:{transfer.place}:{transfer.kind}:{transfer.from_mode.value}"
                    f"{transfer.from_gauge_mm or ''}>{transfer.to_mode.value}"
                    f"{transfer.to_gauge_mm or ''}"
                )
                self.steps.append(Dwell(key, transfer.time_h, cost))
        else:
            self.steps.append(Fixed(event.hours, event.cost_usd))
        self.clock_h += event.hours

    def leg(self, leg: Leg) -> None:
        segment = self.segment_of(leg)
        if segment is not None:
            self.ride(leg, segment)
        elif leg.links:
            links = tuple(leg.links)
            travel = self.travel(links)
            if travel is None:
                self.steps.append(Fixed(leg.hours, leg.cost_usd))
            else:
                for target in self.index.risky_targets(links):
                    self.risk(target)
                self.steps.append(travel)
        else:
            self.steps.append(Fixed(leg.hours, leg.cost_usd))  # access leg to a coordinate
        self.clock_h += leg.hours
        self.risk(leg.to)

    def ride(self, leg: Leg, segment: ServiceSegment) -> None:
        service = segment.service
        parts = [self.link_part(link.id) for link in segment.links]
        for link in segment.links:
            self.risk(link.id)
        priced = all(p is not None for p in parts)
        if not priced:
            # No tariff to rebuild the cost link by link: keep the planned cost, draw the time.
            self.steps.append(Fixed(0.0, leg.cost_usd))
            parts = [
                LinkPart(link.distance_km_range, link.speed_kmh, Range.point(0.0), 0.0, False, "")
                for link in segment.links
            ]
        self.steps.append(
            Ride(
                key=f"service:{service.id}:{segment.board}>{segment.alight}",
                ride_h=segment.ride_h,
                offset_h=segment.offset_h,
                days=service.days,
                frequency_per_week=service.frequency_per_week,
                groups=group_parts([p for p in parts if p]),
                priced=priced,
            )
        )


def route_model(
    alternative: Alternative,
    cn: CompiledNetwork,
    shipment: Shipment,
    units: dict[Mode, UnitCount],
    departure: dt.datetime,
    index: NetworkIndex | None = None,
) -> RouteModel:
    """The uncertain steps of an alternative, in travel order.

    Parameters
    ----------
    alternative : a planned alternative (legs with link ids, events with kind and place)
    cn : the compiled network it was planned on (for services' segments)
    shipment, units : the shipment and its units per mode (for tariffs and fees)
    departure : when the cargo leaves the origin (dates closure regimes)
    index : look-ups of `cn` (built here when not given; pass one to share it across routes)
    """
    builder = _Builder(index or index_of(cn), shipment, units, departure)
    events = alternative.events
    j = 0
    before: Leg | None = None
    for leg in alternative.legs:
        while j < len(events) and events[j].place == leg.from_:
            builder.event(events[j], before, leg)
            j += 1
        if before is None:
            builder.risk(leg.from_)
        builder.leg(leg)
        # Events at places passed on board (a border crossed by a through train or ship).
        inside = builder.index.inner_places(tuple(leg.links), leg.from_, leg.to)
        while j < len(events) and events[j].place in inside:
            builder.event(events[j], leg, leg)
            j += 1
        before = leg
    for event in events[j:]:
        builder.event(event, before, None)
    return RouteModel(tuple(builder.steps))
