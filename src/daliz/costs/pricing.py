"""Price, time and emissions of every arc of a compiled network for one shipment.

The model, per arc (all figures use the *typical* value of each range; reliability draws the
ranges):
- line-haul: tariff (USD per unit-km, or per unit per trip for sea and ferry) × units;
  a `tonne` tariff row is used when the dataset has none for the unit;
- time: distance_km / typical commercial speed (km/h), or a service's scheduled time;
- emissions: tonnes × distance_km × the mode's WTW factor (g CO2e per tonne-km) / 1000
  (ISO 14083 / GLEC Framework default intensities, `emission_factors.csv`);
- transfers: time and cost per unit at the place (transshipment, gauge change, port handling);
- border crossings: clearance time and fee per truck, wagon, TEU or consignment, charged when
  leaving the border crossing point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from daliz.costs.shipment import CONTAINER_UNITS, Shipment, UnitCount, units_by_mode
from daliz.network.compile import (
    ARC_LINK,
    ARC_SERVICE,
    ARC_TRANSFER,
    CLASSES,
    CompiledNetwork,
)
from daliz.network.model import (
    BorderCrossing,
    CargoUnitKind,
    Link,
    Mode,
    Range,
    Tariff,
    Transfer,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class LineHaul:
    """The tariff applied to one link for this shipment."""

    tariff: Tariff
    count: float  # units (or tonnes) the tariff multiplies
    cost_usd: Range


@dataclass
class ArcPrices:
    """Per-arc typical cost, time and emissions for one shipment, plus what cannot be used."""

    cost_usd: FloatArray
    time_h: FloatArray
    co2e_kg: FloatArray
    usable: npt.NDArray[np.bool_]
    unusable_reason: dict[int, str] = field(default_factory=dict)
    # border charged on arcs leaving a border crossing point: arc -> border crossing
    border_of_arc: dict[int, BorderCrossing] = field(default_factory=dict)
    units: dict[Mode, UnitCount] = field(default_factory=dict)
    # link id -> its line haul for this shipment (None: no tariff fits); possibly shared between
    # plans of the same units, so read-only (see `link_haul`)
    hauls: Mapping[str, LineHaul | None] = field(default_factory=dict)


def link_haul(prices: ArcPrices, link: Link, shipment: Shipment) -> LineHaul | None:
    """`line_haul` of a link for the shipment `prices` were made for (taken from `prices` when
    pricing computed it)."""
    if link.id in prices.hauls:
        return prices.hauls[link.id]
    return line_haul(link, prices.units[link.mode], shipment)


def _tariff_choice(
    tariffs: dict[CargoUnitKind, Tariff], units: UnitCount, shipment: Shipment
) -> tuple[Tariff, float, bool] | None:
    """The tariff row to use, the quantity it multiplies, and whether that quantity is the
    shipment's tonnes (a `tonne` row) rather than a unit count."""
    order: list[tuple[CargoUnitKind, float]] = [(units.unit, float(units.count))]
    if units.unit == CargoUnitKind.TRUCK and shipment.containerised:
        box = shipment.container_unit()
        order.insert(0, (box, float(units.count)))
    if units.unit == CargoUnitKind.REEFER40:
        # No reefer rate in the data: priced as a dry FEU (no reefer premium is added).
        order.append((CargoUnitKind.FEU, float(units.count)))
    if units.unit == CargoUnitKind.FEU:
        order.append((CargoUnitKind.TEU, 2.0 * units.count))
    for unit, count in order:
        tariff = tariffs.get(unit)
        if tariff is not None:
            return tariff, count, False
    tariff = tariffs.get(CargoUnitKind.TONNE)
    return None if tariff is None else (tariff, shipment.tonnes, True)


def _tariff_for(
    tariffs: dict[CargoUnitKind, Tariff], units: UnitCount, shipment: Shipment
) -> tuple[Tariff, float] | None:
    """The tariff row to use and the quantity it multiplies."""
    found = _tariff_choice(tariffs, units, shipment)
    return None if found is None else (found[0], found[1])


def line_haul(link: Link, units: UnitCount, shipment: Shipment) -> LineHaul | None:
    """Line-haul cost of a link for the shipment (None when no tariff fits the unit)."""
    found = _line_haul(link, units, shipment)
    return None if found is None else found[0]


def _line_haul(link: Link, units: UnitCount, shipment: Shipment) -> tuple[LineHaul, bool] | None:
    """`line_haul`, and whether it depends on the shipment's tonnes (a `tonne` tariff row)."""
    found = _tariff_choice(link.tariffs, units, shipment)
    if found is None:
        return None
    tariff, count, by_tonne = found
    factor = count * (link.distance_km if tariff.basis == "per_km" else 1.0)
    return LineHaul(tariff, count, tariff.usd.scaled(factor)), by_tonne


def transfer_cost(transfer: Transfer, shipment: Shipment, units: dict[Mode, UnitCount]) -> Range:
    """Cost of a transfer for the shipment, from its per-unit rate."""
    return transfer.cost_usd.scaled(_transfer_count(transfer, shipment, units)[0])


def _transfer_count(
    transfer: Transfer, shipment: Shipment, units: dict[Mode, UnitCount]
) -> tuple[float, float | None]:
    """The quantity a transfer's rate multiplies, and, when that is the shipment's tonnes
    divided by a number, that number (else None)."""
    unit = transfer.cost_unit
    if unit == CargoUnitKind.TONNE:
        return shipment.tonnes, 1.0
    count = 0.0
    for mode in (transfer.from_mode, transfer.to_mode):
        uc = units[mode]
        same_unit = uc.unit == unit or (unit == CargoUnitKind.TRUCK and mode == Mode.ROAD)
        if same_unit or (unit in CONTAINER_UNITS and shipment.containerised):
            count = max(count, float(uc.count))
    if count == 0.0:
        # The rate is quoted for a unit this shipment does not use on these modes:
        # convert through the unit's payload (documented approximation).
        divisor = max(_payload(transfer, unit), 1e-6)
        return shipment.tonnes / divisor, divisor
    return count, None


def _payload(transfer: Transfer, unit: CargoUnitKind) -> float:
    # Typical payloads used only to convert a transfer rate quoted in another unit.
    return {
        CargoUnitKind.TEU: 21.0,
        CargoUnitKind.FEU: 26.0,
        CargoUnitKind.REEFER40: 25.0,
        CargoUnitKind.WAGON: 65.0,
        CargoUnitKind.TRUCK: 22.0,
    }.get(unit, 1.0)


def border_cost(border: BorderCrossing, units: dict[Mode, UnitCount]) -> Range:
    """Fees at a border crossing for the shipment."""
    uc = units[border.mode]
    count = 1.0 if border.cost_unit == "consignment" else float(uc.count)
    return border.cost_usd.scaled(count)


def emission_kg(cn: CompiledNetwork, mode: Mode, tonnes: float, distance_km: float) -> float:
    """Well-to-wheel emissions in kg CO2e for moving `tonnes` over `distance_km` by `mode`."""
    factor = cn.network.emission_factors.get(mode)
    if factor is None:
        return 0.0
    return tonnes * distance_km * factor.co2e_g_per_tkm.typ / 1000.0


def transfer_unit(
    transfer: Transfer, shipment: Shipment, units: dict[Mode, UnitCount]
) -> CargoUnitKind:
    """The unit a transfer handles for this shipment: boxes at ports and for container cargo,
    tonnes for loose cargo moved between trucks and wagons."""
    if Mode.SEA in (transfer.from_mode, transfer.to_mode):
        return units[Mode.SEA].unit
    if shipment.containerised:
        return shipment.container_unit()
    return CargoUnitKind.TONNE


@dataclass(frozen=True)
class _ArcTable:
    """What pricing needs of each arc that is the same for every shipment (built once per
    compiled network): plain lists, because element access in a Python loop is several times
    faster on lists than on numpy arrays."""

    kind: list[int]
    ref: list[int]
    time_h: FloatArray  # ride or drive time plus border clearance (h), typical values
    co2e_kg_per_t: FloatArray  # emissions per tonne carried (kg CO2e / t)
    borders: list[tuple[BorderCrossing, ...]]  # crossings whose fees the arc pays
    border_of_arc: dict[int, BorderCrossing]  # the crossing an arc leaves (opening days)
    transfer_groups: list[list[int]]  # arcs quoting one transfer operation in several units


def _arc_table(cn: CompiledNetwork) -> _ArcTable:
    cached = cn.derived.get("pricing_arc_table")
    if isinstance(cached, _ArcTable):
        return cached
    n = cn.arc_count
    kinds, refs = cn.arc_kind.tolist(), cn.arc_ref.tolist()
    tails = cn.arc_tail.tolist()
    node_place, node_class = cn.node_place.tolist(), cn.node_class.tolist()
    place_is_border = cn.place_is_border.tolist()
    crossings = cn.network.border_crossings
    time_h = np.zeros(n)
    co2_per_t = np.zeros(n)
    borders: list[tuple[BorderCrossing, ...]] = []
    border_of_arc: dict[int, BorderCrossing] = {}
    groups: dict[tuple[object, ...], list[int]] = {}
    for arc in range(n):
        kind, ref = kinds[arc], refs[arc]
        paid: list[BorderCrossing] = []
        if kind == ARC_LINK:
            link = cn.links[ref]
            time_h[arc] = link.distance_km / link.speed_kmh.typ
            co2_per_t[arc] = emission_kg(cn, link.mode, 1.0, link.distance_km)
        elif kind == ARC_SERVICE:
            segment = cn.segments[ref]
            time_h[arc] = segment.ride_h
            co2_per_t[arc] = emission_kg(cn, segment.service.mode, 1.0, segment.distance_km)
            # A service through border crossing points: their clearance and fees are in the ride.
            for stop in segment.border_stops:
                crossing = crossings.get((stop, segment.service.mode))
                if crossing is not None:
                    paid.append(crossing)
        elif kind == ARC_TRANSFER:
            t = cn.transfers[ref]
            time_h[arc] = t.time_h.typ
            key = (
                t.place, t.kind, t.from_mode, t.from_gauge_mm, t.to_mode, t.to_gauge_mm,
                tails[arc], int(cn.arc_head[arc]),
            )  # fmt: skip
            groups.setdefault(key, []).append(arc)
        # Leaving a border crossing point on a land link or a service: clearance and fees.
        tail = tails[arc]
        if kind in (ARC_LINK, ARC_SERVICE) and place_is_border[node_place[tail]]:
            mode = CLASSES[node_class[tail]][0]
            crossing = crossings.get((cn.place_ids[node_place[tail]], mode))
            if crossing is not None:
                paid.append(crossing)
                border_of_arc[arc] = crossing
        for crossing in paid:
            time_h[arc] += crossing.clearance_h.typ
        borders.append(tuple(paid))
    table = _ArcTable(
        kinds, refs, time_h, co2_per_t, borders, border_of_arc,
        [arcs for arcs in groups.values() if len(arcs) > 1],
    )  # fmt: skip
    cn.derived["pricing_arc_table"] = table
    return table


def _keep_matching_transfer_rows(
    cn: CompiledNetwork,
    groups: list[list[int]],
    shipment: Shipment,
    units: dict[Mode, UnitCount],
    usable: npt.NDArray[np.bool_],
    reasons: dict[int, str],
) -> None:
    """Of the rows describing one transfer in several units, use the one for this shipment.

    A place may quote the same operation per tonne, per TEU and per FEU; only the rate of the
    unit the cargo is actually handled in applies (else the tonne rate, else any).
    """
    for arcs in groups:
        first = cn.transfers[int(cn.arc_ref[arcs[0]])]
        wanted = transfer_unit(first, shipment, units)
        order = [wanted, CargoUnitKind.TONNE]
        chosen = None
        for unit in order:
            chosen = next(
                (a for a in arcs if cn.transfers[int(cn.arc_ref[a])].cost_unit == unit), None
            )
            if chosen is not None:
                break
        if chosen is None:
            continue  # no row in a preferred unit: keep all, the search takes the cheapest
        for arc in arcs:
            if arc != chosen:
                usable[arc] = False
                reasons[arc] = "transfer rate quoted for another unit"


# Arc prices of one set of units, kept per compiled network (cn.derived) and reused by every
# shipment with the same units. Key: (units per mode, cargo type, user unit): with the tonnes
# these are all a price depends on (`containerised` and `container_unit()` derive from the cargo
# type and unit; `tonnes_per_teu` acts through the unit counts). The tonnes vary per request
# while the unit counts repeat, so arcs whose price uses the tonnes (a `tonne` tariff or
# transfer row) are listed and priced again per call, by the same code: results are identical
# to pricing from scratch. Bound: PRICE_CACHE_SIZE entries per network (a few tens of kB each),
# oldest dropped first. Entries are never mutated after they are stored; `price_arcs` copies
# the arrays it returns, and shares only the read-only `hauls` mapping of an entry.
PRICE_CACHE_SIZE = 256


@dataclass(frozen=True)
class _UnitPrices:
    """Arc prices for one set of units. Arcs whose price uses the tonnes hold 0 here: transfer
    arcs in `transfer_arcs` cost `transfer_rate × (tonnes / transfer_divisor)`; arcs in
    `by_tonne` are priced again per shipment."""

    cost_usd: FloatArray
    usable: npt.NDArray[np.bool_]
    reasons: dict[int, str]
    hauls: dict[str, LineHaul | None]  # links whose line haul does not use the tonnes
    by_tonne: list[int]
    transfer_arcs: npt.NDArray[np.intp]
    transfer_rate: FloatArray  # USD per counted quantity (typical)
    transfer_divisor: FloatArray  # count = tonnes / divisor (1 for a tonne rate)


def _price_cache(cn: CompiledNetwork) -> dict[tuple[object, ...], _UnitPrices]:
    return cn.memo("pricing_unit_prices")


def _price(
    cn: CompiledNetwork,
    table: _ArcTable,
    shipment: Shipment,
    units: dict[Mode, UnitCount],
    arcs: Iterable[int],
    known: Mapping[str, LineHaul | None],
    cost: list[float],
    usable: npt.NDArray[np.bool_],
    reasons: dict[int, str],
) -> tuple[
    dict[str, LineHaul | None],
    dict[str, LineHaul | None],
    list[int],
    list[tuple[int, float, float]],
]:
    """Price `arcs` into `cost`, `usable` and `reasons`.

    `known` holds line hauls (by link id) that do not use the tonnes. Returns the line hauls
    computed here that do not use the tonnes, those that do, the arcs whose price uses the
    shipment's tonnes (but transfer arcs without border fees), and those transfer arcs as
    (arc, rate USD, divisor): they cost rate × (tonnes / divisor).
    """
    fixed: dict[str, LineHaul | None] = {}
    by_tonne: dict[str, LineHaul | None] = {}
    by_tonne_arcs: list[int] = []
    by_tonne_transfers: list[tuple[int, float, float]] = []
    transfer_usd: dict[int, tuple[float, float | None, float]] = {}

    def link_usd(link: Link) -> tuple[float | None, bool]:
        """A link's line-haul cost (None: no tariff), and whether it uses the tonnes."""
        # A link's line haul is the same in both directions and on every service riding it.
        if link.id in known:
            haul = known[link.id]
            tonnes_used = False
        elif link.id in fixed:
            haul = fixed[link.id]
            tonnes_used = False
        elif link.id in by_tonne:
            haul = by_tonne[link.id]
            tonnes_used = True
        else:
            found = _line_haul(link, units[link.mode], shipment)
            haul, tonnes_used = (None, False) if found is None else found
            (by_tonne if tonnes_used else fixed)[link.id] = haul
        return (None if haul is None else haul.cost_usd.typ), tonnes_used

    kinds, refs, borders = table.kind, table.ref, table.borders
    for arc in arcs:
        kind, ref = kinds[arc], refs[arc]
        if kind == ARC_LINK:
            link = cn.links[ref]
            usd, tonnes_used = link_usd(link)
            if usd is None:
                usable[arc] = False
                reasons[arc] = f"no tariff for {units[link.mode].unit.value} on {link.id}"
                continue
            total = usd
        elif kind == ARC_SERVICE:
            total = 0.0
            tonnes_used = False
            for link in cn.segments[ref].links:
                usd, link_uses_tonnes = link_usd(link)
                if usd is None:
                    usable[arc] = False
                    reasons[arc] = f"no tariff for {units[link.mode].unit.value} on {link.id}"
                    break
                total += usd
                tonnes_used = tonnes_used or link_uses_tonnes
            if not usable[arc]:
                cost[arc] = total
                if tonnes_used:
                    by_tonne_arcs.append(arc)
                continue
        elif kind == ARC_TRANSFER:
            if ref not in transfer_usd:  # one transfer row serves several arcs
                transfer = cn.transfers[ref]
                count, divisor = _transfer_count(transfer, shipment, units)
                rate = transfer.cost_usd.typ
                transfer_usd[ref] = (transfer.cost_usd.scaled(count).typ, divisor, rate)
            total, divisor, rate = transfer_usd[ref]
            tonnes_used = divisor is not None
            if divisor is not None and not borders[arc]:
                cost[arc] = total
                by_tonne_transfers.append((arc, rate, divisor))
                continue
        else:
            continue
        for crossing in borders[arc]:
            total += border_cost(crossing, units).typ
        cost[arc] = total
        if tonnes_used:
            by_tonne_arcs.append(arc)
    return fixed, by_tonne, by_tonne_arcs, by_tonne_transfers


def _unit_prices(
    cn: CompiledNetwork, table: _ArcTable, shipment: Shipment, units: dict[Mode, UnitCount]
) -> _UnitPrices:
    """The prices of every arc that do not depend on the shipment's tonnes (cached)."""
    key = (tuple(units.items()), shipment.cargo_type, shipment.unit)
    cache = _price_cache(cn)
    entry = cache.get(key)
    if entry is not None:
        return entry
    n = cn.arc_count
    cost = [0.0] * n
    usable = np.ones(n, dtype=bool)
    reasons: dict[int, str] = {}
    hauls, _, by_tonne, transfers = _price(
        cn, table, shipment, units, range(n), {}, cost, usable, reasons
    )
    _keep_matching_transfer_rows(cn, table.transfer_groups, shipment, units, usable, reasons)
    for arc in [*by_tonne, *(t[0] for t in transfers)]:
        cost[arc] = 0.0  # a placeholder: priced per shipment
    entry = _UnitPrices(
        np.asarray(cost, dtype=np.float64),
        usable,
        reasons,
        hauls,
        by_tonne,
        np.asarray([t[0] for t in transfers], dtype=np.intp),
        np.asarray([t[1] for t in transfers], dtype=np.float64),
        np.asarray([t[2] for t in transfers], dtype=np.float64),
    )
    while len(cache) >= PRICE_CACHE_SIZE:
        try:
            del cache[next(iter(cache))]  # the oldest entry
        except (KeyError, StopIteration, RuntimeError):  # another thread changed the cache
            break
    cache[key] = entry
    return entry


def price_arcs(cn: CompiledNetwork, shipment: Shipment) -> ArcPrices:
    """Typical cost (USD), time (h) and emissions (kg CO2e) of every arc for a shipment."""
    table = _arc_table(cn)
    units = units_by_mode(cn.network, shipment)
    entry = _unit_prices(cn, table, shipment, units)
    usable = entry.usable.copy()
    reasons = dict(entry.reasons)
    hauls: Mapping[str, LineHaul | None] = entry.hauls
    cost_usd = entry.cost_usd.copy()
    # rate × count, count = tonnes / divisor: the same IEEE operations as `transfer_cost`
    cost_usd[entry.transfer_arcs] = entry.transfer_rate * (shipment.tonnes / entry.transfer_divisor)
    if entry.by_tonne:
        cost = cost_usd.tolist()
        fixed, by_tonne, _, _ = _price(
            cn, table, shipment, units, entry.by_tonne, entry.hauls, cost, usable, reasons
        )
        cost_usd = np.asarray(cost, dtype=np.float64)
        if fixed or by_tonne:
            hauls = {**entry.hauls, **fixed, **by_tonne}
    return ArcPrices(
        cost_usd,
        table.time_h.copy(),
        table.co2e_kg_per_t * shipment.tonnes,
        usable,
        reasons,
        dict(table.border_of_arc),
        units,
        hauls,
    )
