"""A shipment as the cost model sees it: tonnes, cargo type and the units it travels in."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from daliz.errors import RequestError
from daliz.i18n import _
from daliz.network.model import CargoUnitKind, Mode, Network


class CargoType(StrEnum):
    """How cargo is packed and handled."""

    BULK = "bulk"  # loose grain, ore: hopper wagons, tipper trucks, bulk in lined containers
    BAGGED = "bagged"  # sacks on pallets: covered wagons, curtain trucks, containers
    CONTAINER = "container"  # general cargo in dry containers
    REEFER = "reefer"  # temperature-controlled
    DANGEROUS = "dangerous"  # ADR/RID/IMDG classes


CONTAINER_UNITS = (CargoUnitKind.TEU, CargoUnitKind.FEU, CargoUnitKind.REEFER40)

# Units a user may name on the command line, and what they mean.
UNIT_ALIASES: dict[str, CargoUnitKind] = {
    "t": CargoUnitKind.TONNE,
    "tonne": CargoUnitKind.TONNE,
    "tonnes": CargoUnitKind.TONNE,
    "teu": CargoUnitKind.TEU,
    "20ft": CargoUnitKind.TEU,
    "feu": CargoUnitKind.FEU,
    "40ft": CargoUnitKind.FEU,
    "reefer-40": CargoUnitKind.REEFER40,
    "reefer40": CargoUnitKind.REEFER40,
    "reefer": CargoUnitKind.REEFER40,
    "wagon": CargoUnitKind.WAGON,
    "wagons": CargoUnitKind.WAGON,
    "truck": CargoUnitKind.TRUCK,
    "trucks": CargoUnitKind.TRUCK,
}


def parse_unit(text: str) -> CargoUnitKind:
    """A cargo unit from its name ('teu', 'reefer-40', 'truck', ...)."""
    unit = UNIT_ALIASES.get(text.strip().lower())
    if unit is None:
        raise RequestError(
            _("Unknown cargo unit {unit!r}.").format(unit=text),
            hint=_("Use one of: {choices}.").format(
                choices="tonne, teu, feu, reefer-40, wagon, truck"
            ),
        )
    return unit


@dataclass(frozen=True)
class UnitCount:
    """How many of which unit carry the shipment on one mode."""

    unit: CargoUnitKind
    count: int

    def __str__(self) -> str:
        return f"{self.count} × {self.unit.value}"


@dataclass(frozen=True)
class Shipment:
    """What is moved: mass, packing, and (if known) value for insurance.

    Parameters
    ----------
    tonnes : net cargo mass in tonnes
    cargo_type : packing and handling class
    unit : the unit the user counts in (None: chosen from the cargo type)
    value_usd_per_tonne : cargo value, for insurance and logistics-burden figures
    tonnes_per_teu : stowage limit of light goods (None: the TEU payload)
    """

    tonnes: float
    cargo_type: CargoType
    unit: CargoUnitKind | None = None
    value_usd_per_tonne: float | None = None
    tonnes_per_teu: float | None = None

    @cached_property  # asked for every arc a plan prices
    def containerised(self) -> bool:
        """Whether the cargo travels in containers on every mode."""
        if self.unit in CONTAINER_UNITS:
            return True
        if self.unit in (CargoUnitKind.TRUCK, CargoUnitKind.WAGON):
            return False
        return self.cargo_type in (CargoType.CONTAINER, CargoType.REEFER)

    def container_unit(self) -> CargoUnitKind:
        """The container type used when the cargo is containerised (or goes by sea)."""
        if self.unit in CONTAINER_UNITS:
            assert self.unit is not None
            return self.unit
        if self.cargo_type == CargoType.REEFER:
            return CargoUnitKind.REEFER40
        if self.cargo_type == CargoType.CONTAINER:
            return CargoUnitKind.FEU
        return CargoUnitKind.TEU  # heavy goods fill a TEU by weight before volume


def _count(network: Network, unit: CargoUnitKind, tonnes: float, cap_t: float | None) -> int:
    if unit == CargoUnitKind.TONNE:
        return max(1, math.ceil(tonnes))
    cargo_unit = network.cargo_units.get(unit)
    if cargo_unit is None:
        raise RequestError(
            _("The dataset has no payload for cargo unit {unit!r} (cargo_units.csv).").format(
                unit=unit.value
            )
        )
    payload = cargo_unit.payload_t.typ
    if cap_t is not None and unit in CONTAINER_UNITS:
        payload = min(payload, cap_t * max(cargo_unit.teu_equivalent, 1.0))
    return max(1, math.ceil(tonnes / payload - 1e-9))


def units_by_mode(network: Network, shipment: Shipment) -> dict[Mode, UnitCount]:
    """The unit and number of units the shipment occupies on each mode.

    Containerised cargo keeps its containers on every mode (one per truck on the road).
    Loose cargo goes by truck on the road, by wagon on rail, and in containers by sea;
    on a ferry it rides in the trucks or wagons that bring it (trucks are counted).
    """
    if shipment.tonnes <= 0:
        raise RequestError(_("The quantity must be positive."))
    box = shipment.container_unit()
    boxes = _count(network, box, shipment.tonnes, shipment.tonnes_per_teu)
    if shipment.containerised:
        return {
            Mode.ROAD: UnitCount(CargoUnitKind.TRUCK, boxes),
            Mode.RAIL: UnitCount(box, boxes),
            Mode.SEA: UnitCount(box, boxes),
            Mode.FERRY: UnitCount(CargoUnitKind.TRUCK, boxes),
        }
    trucks = _count(network, CargoUnitKind.TRUCK, shipment.tonnes, None)
    wagons = _count(network, CargoUnitKind.WAGON, shipment.tonnes, None)
    return {
        Mode.ROAD: UnitCount(CargoUnitKind.TRUCK, trucks),
        Mode.RAIL: UnitCount(CargoUnitKind.WAGON, wagons),
        Mode.SEA: UnitCount(box, boxes),
        Mode.FERRY: UnitCount(CargoUnitKind.TRUCK, trucks),
    }
