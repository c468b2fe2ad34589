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


def _tariff_for(
    tariffs: dict[CargoUnitKind, Tariff], units: UnitCount, shipment: Shipment
) -> tuple[Tariff, float] | None:
    """The tariff row to use and the quantity it multiplies."""
    order: list[tuple[CargoUnitKind, float]] = [(units.unit, float(units.count))]
    if units.unit == CargoUnitKind.TRUCK and shipment.containerised:
        box = shipment.container_unit()
        order.insert(0, (box, float(units.count)))
    if units.unit == CargoUnitKind.REEFER40:
        # No reefer rate in the data: priced as a dry FEU (no reefer premium is added).
        order.append((CargoUnitKind.FEU, float(units.count)))
    if units.unit == CargoUnitKind.FEU:
        order.append((CargoUnitKind.TEU, 2.0 * units.count))
    order.append((CargoUnitKind.TONNE, shipment.tonnes))
    for unit, count in order:
        tariff = tariffs.get(unit)
        if tariff is not None:
            return tariff, count
    return None


def line_haul(link: Link, units: UnitCount, shipment: Shipment) -> LineHaul | None:
    """Line-haul cost of a link for the shipment (None when no tariff fits the unit)."""
    found = _tariff_for(link.tariffs, units, shipment)
    if found is None:
        return None
    tariff, count = found
    factor = count * (link.distance_km if tariff.basis == "per_km" else 1.0)
    return LineHaul(tariff, count, tariff.usd.scaled(factor))


def transfer_cost(transfer: Transfer, shipment: Shipment, units: dict[Mode, UnitCount]) -> Range:
    """Cost of a transfer for the shipment, from its per-unit rate."""
    unit = transfer.cost_unit
    if unit == CargoUnitKind.TONNE:
        count = shipment.tonnes
    else:
        count = 0.0
        for mode in (transfer.from_mode, transfer.to_mode):
            uc = units[mode]
            same_unit = uc.unit == unit or (unit == CargoUnitKind.TRUCK and mode == Mode.ROAD)
            if same_unit or (unit in CONTAINER_UNITS and shipment.containerised):
                count = max(count, float(uc.count))
        if count == 0.0:
            # The rate is quoted for a unit this shipment does not use on these modes:
            # convert through the unit's payload (documented approximation).
            count = shipment.tonnes / max(_payload(transfer, unit), 1e-6)
    return transfer.cost_usd.scaled(count)


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


def price_arcs(cn: CompiledNetwork, shipment: Shipment) -> ArcPrices:
    """Typical cost (USD), time (h) and emissions (kg CO2e) of every arc for a shipment."""
    table = _arc_table(cn)
    n = cn.arc_count
    cost = [0.0] * n
    usable = np.ones(n, dtype=bool)
    reasons: dict[int, str] = {}
    units = units_by_mode(cn.network, shipment)
    # A link's line haul is the same in both directions and on every service riding it.
    haul_usd: dict[str, float | None] = {}
    transfer_usd: dict[int, float] = {}

    def link_usd(link: Link) -> float | None:
        if link.id not in haul_usd:
            haul = line_haul(link, units[link.mode], shipment)
            haul_usd[link.id] = None if haul is None else haul.cost_usd.typ
        return haul_usd[link.id]

    kinds, refs, borders = table.kind, table.ref, table.borders
    for arc in range(n):
        kind, ref = kinds[arc], refs[arc]
        if kind == ARC_LINK:
            link = cn.links[ref]
            usd = link_usd(link)
            if usd is None:
                usable[arc] = False
                reasons[arc] = f"no tariff for {units[link.mode].unit.value} on {link.id}"
                continue
            total = usd
        elif kind == ARC_SERVICE:
            total = 0.0
            for link in cn.segments[ref].links:
                usd = link_usd(link)
                if usd is None:
                    usable[arc] = False
                    reasons[arc] = f"no tariff for {units[link.mode].unit.value} on {link.id}"
                    break
                total += usd
            if not usable[arc]:
                cost[arc] = total
                continue
        elif kind == ARC_TRANSFER:
            if ref not in transfer_usd:  # one transfer row serves several arcs
                transfer_usd[ref] = transfer_cost(cn.transfers[ref], shipment, units).typ
            total = transfer_usd[ref]
        else:
            continue
        for crossing in borders[arc]:
            total += border_cost(crossing, units).typ
        cost[arc] = total
    _keep_matching_transfer_rows(cn, table.transfer_groups, shipment, units, usable, reasons)
    return ArcPrices(
        np.asarray(cost, dtype=np.float64),
        table.time_h.copy(),
        table.co2e_kg_per_t * shipment.tonnes,
        usable,
        reasons,
        dict(table.border_of_arc),
        units,
    )
