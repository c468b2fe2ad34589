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


def _keep_matching_transfer_rows(
    cn: CompiledNetwork,
    shipment: Shipment,
    units: dict[Mode, UnitCount],
    usable: npt.NDArray[np.bool_],
    reasons: dict[int, str],
) -> None:
    """Of the rows describing one transfer in several units, use the one for this shipment.

    A place may quote the same operation per tonne, per TEU and per FEU; only the rate of the
    unit the cargo is actually handled in applies (else the tonne rate, else any).
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for found in np.flatnonzero(cn.arc_kind == ARC_TRANSFER):
        index = int(found)
        t = cn.transfers[int(cn.arc_ref[index])]
        key = (
            t.place,
            t.kind,
            t.from_mode,
            t.from_gauge_mm,
            t.to_mode,
            t.to_gauge_mm,
            int(cn.arc_tail[index]),
            int(cn.arc_head[index]),
        )
        groups.setdefault(key, []).append(index)
    for arcs in groups.values():
        if len(arcs) < 2:
            continue
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
    n = cn.arc_count
    cost = np.zeros(n)
    time_h = np.zeros(n)
    co2 = np.zeros(n)
    usable = np.ones(n, dtype=bool)
    reasons: dict[int, str] = {}
    units = units_by_mode(cn.network, shipment)
    borders = cn.network.border_crossings
    for arc in range(n):
        kind = int(cn.arc_kind[arc])
        ref = int(cn.arc_ref[arc])
        if kind == ARC_LINK:
            link = cn.links[ref]
            haul = line_haul(link, units[link.mode], shipment)
            if haul is None:
                usable[arc] = False
                reasons[arc] = f"no tariff for {units[link.mode].unit.value} on {link.id}"
                continue
            cost[arc] = haul.cost_usd.typ
            time_h[arc] = link.distance_km / link.speed_kmh.typ
            co2[arc] = emission_kg(cn, link.mode, shipment.tonnes, link.distance_km)
        elif kind == ARC_SERVICE:
            segment = cn.segments[ref]
            total = 0.0
            for link in segment.links:
                haul = line_haul(link, units[link.mode], shipment)
                if haul is None:
                    usable[arc] = False
                    reasons[arc] = f"no tariff for {units[link.mode].unit.value} on {link.id}"
                    break
                total += haul.cost_usd.typ
            cost[arc] = total
            time_h[arc] = segment.ride_h
            co2[arc] = emission_kg(cn, segment.service.mode, shipment.tonnes, segment.distance_km)
        elif kind == ARC_TRANSFER:
            transfer = cn.transfers[ref]
            cost[arc] = transfer_cost(transfer, shipment, units).typ
            time_h[arc] = transfer.time_h.typ
        # A service through border crossing points: their clearance and fees are in the ride.
        if kind == ARC_SERVICE:
            segment = cn.segments[int(cn.arc_ref[arc])]
            for stop in segment.border_stops:
                crossing = borders.get((stop, segment.service.mode))
                if crossing is not None:
                    cost[arc] += border_cost(crossing, units).typ
                    time_h[arc] += crossing.clearance_h.typ
        # Leaving a border crossing point on a land link or a service: clearance and fees.
        tail_place = int(cn.node_place[cn.arc_tail[arc]])
        if cn.place_is_border[tail_place] and kind in (ARC_LINK, ARC_SERVICE):
            mode = CLASSES[int(cn.node_class[cn.arc_tail[arc]])][0]
            border = borders.get((cn.place_ids[tail_place], mode))
            if border is not None:
                cn_border_cost = border_cost(border, units).typ
                cost[arc] += cn_border_cost
                time_h[arc] += border.clearance_h.typ
    _keep_matching_transfer_rows(cn, shipment, units, usable, reasons)
    # Borders are looked up once more so the search can apply opening days.
    border_of_arc: dict[int, BorderCrossing] = {}
    for border_arc in np.flatnonzero(cn.place_is_border[cn.node_place[cn.arc_tail]]):
        arc = int(border_arc)
        if int(cn.arc_kind[arc]) not in (ARC_LINK, ARC_SERVICE):
            continue
        tail = int(cn.arc_tail[arc])
        mode = CLASSES[int(cn.node_class[tail])][0]
        border = borders.get((cn.place_ids[int(cn.node_place[tail])], mode))
        if border is not None:
            border_of_arc[arc] = border
    return ArcPrices(cost, time_h, co2, usable, reasons, border_of_arc, units)
