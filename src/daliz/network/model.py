"""The corridor network: places, links, border crossings, transfers, services, closures, sources.

Plain, frozen, typed records. A `Network` is built only by `daliz.network.load`, which validates
the whole dataset first, so code that receives a Network may trust its references.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Mode(StrEnum):
    """Transport mode of a link."""

    ROAD = "road"
    RAIL = "rail"
    SEA = "sea"
    FERRY = "ferry"


class PlaceKind(StrEnum):
    """What a place is."""

    CITY = "city"
    RAIL_STATION = "rail_station"
    DRY_PORT = "dry_port"
    SEA_PORT = "sea_port"
    BORDER_CROSSING = "border_crossing"
    TERMINAL = "terminal"


class Status(StrEnum):
    """Life-cycle status of a link, border crossing or service."""

    OPERATING = "operating"
    PLANNED = "planned"
    UNDER_CONSTRUCTION = "under_construction"
    SUSPENDED = "suspended"


class CargoUnitKind(StrEnum):
    """Units in which tariffs are quoted and cargo is counted."""

    TONNE = "tonne"
    TEU = "teu"
    FEU = "feu"
    REEFER40 = "reefer40"
    WAGON = "wagon"
    TRUCK = "truck"


GAUGES_MM = (1520, 1435, 1676)
LANGUAGES = ("en", "kk", "ru", "ur")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class Range:
    """A quantity given as minimum, typical and maximum (same unit as the field name says)."""

    min: float
    typ: float
    max: float

    @classmethod
    def point(cls, value: float) -> Range:
        """A range with no spread."""
        return cls(value, value, value)

    def scaled(self, factor: float) -> Range:
        """This range multiplied by `factor`."""
        return Range(self.min * factor, self.typ * factor, self.max * factor)


@dataclass(frozen=True, slots=True)
class Sourcing:
    """Where a record's numbers come from: source ids and/or an estimate reason."""

    sources: tuple[str, ...] = ()
    estimate: str = ""  # empty when the numbers are sourced as given

    @property
    def is_estimate(self) -> bool:
        """True when the numbers are flagged as estimates."""
        return bool(self.estimate)


@dataclass(frozen=True, slots=True)
class Source:
    """A document a number comes from."""

    id: str
    title: str
    publisher: str
    url: str
    published: dt.date | None
    accessed: dt.date | None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Place:
    """A city, station, dry port, sea port, terminal or border crossing point."""

    id: str
    kind: PlaceKind
    country: str  # ISO 3166-1 alpha-2
    lat: float  # WGS84 degrees
    lon: float
    names: dict[str, str]  # language code -> name
    aliases: tuple[str, ...] = ()
    unlocode: str = ""
    sourcing: Sourcing = Sourcing()
    note: str = ""

    @property
    def name(self) -> str:
        """The English name."""
        return self.names.get("en") or self.id

    def name_in(self, lang: str) -> str:
        """The name in `lang`, falling back to English."""
        return self.names.get(lang) or self.name


@dataclass(frozen=True, slots=True)
class Tariff:
    """The price of moving one cargo unit over a link: per km or per trip (USD)."""

    unit: CargoUnitKind
    basis: str  # "per_km" or "per_trip"
    usd: Range
    valid_from: dt.date | None
    sourcing: Sourcing


@dataclass(frozen=True, slots=True)
class Link:
    """A road, rail, sea or ferry connection between two places."""

    id: str
    from_place: str
    to_place: str
    mode: Mode
    gauge_mm: int | None
    distance_km: float
    distance_km_range: Range
    status: Status
    bidirectional: bool
    speed_kmh: Range
    speed_profile: str
    tariff_profile: str
    tariffs: dict[CargoUnitKind, Tariff]
    road_class: str = ""
    geometry: tuple[tuple[float, float], ...] = ()  # (lon, lat) points, empty = straight line
    sourcing: Sourcing = Sourcing()
    note: str = ""

    def ends(self) -> tuple[str, str]:
        """The place ids at either end."""
        return self.from_place, self.to_place


@dataclass(frozen=True, slots=True)
class BorderCrossing:
    """A border crossing point for one mode, with clearance time and cost for both sides."""

    place: str
    mode: Mode
    countries: tuple[str, str]
    clearance_h: Range
    cost_usd: Range
    cost_unit: str  # truck, wagon, teu, consignment
    open_days: frozenset[int]  # 0 = Monday
    status: Status
    sourcing: Sourcing
    note: str = ""


@dataclass(frozen=True, slots=True)
class Transfer:
    """What happens at a place when the cargo changes mode or gauge."""

    place: str
    kind: str  # transshipment, gauge_change, bogie_exchange, port_handling, ferry_loading
    from_mode: Mode
    from_gauge_mm: int | None
    to_mode: Mode
    to_gauge_mm: int | None
    time_h: Range
    cost_usd: Range
    cost_unit: CargoUnitKind
    bidirectional: bool
    sourcing: Sourcing
    note: str = ""


@dataclass(frozen=True, slots=True)
class Service:
    """A scheduled service (container train, feeder vessel, ferry) along consecutive links."""

    id: str
    name: str
    mode: Mode
    stops: tuple[str, ...]
    days: frozenset[int]  # departure weekdays from the first stop (0 = Monday); may be empty
    frequency_per_week: float
    transit_h: float  # first stop to last stop
    operator: str
    status: Status
    sourcing: Sourcing
    note: str = ""


@dataclass(frozen=True, slots=True)
class Closure:
    """A closure regime of a link or border crossing, valid between two dates."""

    target: str
    kind: str  # seasonal, period, risk
    season_start: tuple[int, int] | None  # (month, day)
    season_end: tuple[int, int] | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    probability: float | None  # risk of a closure per crossing, for kind == "risk"
    sourcing: Sourcing
    note: str = ""

    def in_force(self, day: dt.date) -> bool:
        """Whether this regime applies on `day` (by its validity dates)."""
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day >= self.valid_to)

    def closes(self, day: dt.date) -> bool:
        """Whether the target is closed on `day` under this regime."""
        if self.kind == "risk" or not self.in_force(day):
            return False
        if self.kind == "period":
            return True
        if self.season_start is None or self.season_end is None:
            return False
        md = (day.month, day.day)
        start, end = self.season_start, self.season_end
        if start <= end:
            return start <= md < end
        return md >= start or md < end  # the season wraps the year end


@dataclass(frozen=True, slots=True)
class EmissionFactor:
    """Well-to-wheel GHG intensity of a mode, g CO2e per tonne-km (ISO 14083 / GLEC)."""

    mode: Mode
    fuel: str
    co2e_g_per_tkm: Range
    scope: str
    sourcing: Sourcing
    note: str = ""


@dataclass(frozen=True, slots=True)
class CargoUnit:
    """A cargo unit and how many tonnes it carries."""

    unit: CargoUnitKind
    payload_t: Range
    teu_equivalent: float
    sourcing: Sourcing
    note: str = ""


@dataclass(frozen=True, slots=True)
class Corridor:
    """A named corridor, recognised by the places a route passes and the modes it uses."""

    id: str
    names: dict[str, str]
    via: tuple[str, ...]
    modes: frozenset[Mode]
    note: str = ""

    @property
    def name(self) -> str:
        """The English name."""
        return self.names.get("en") or self.id


@dataclass(frozen=True)
class DatasetInfo:
    """Identity of a loaded dataset: what every result is stamped with."""

    name: str
    version: str
    title: str
    description: str
    content_hash: str  # sha256 of every file of every stacked directory
    directories: tuple[str, ...]


@dataclass
class Network:
    """A validated corridor network. Build it with `daliz.network.load_network`."""

    info: DatasetInfo
    places: dict[str, Place]
    links: dict[str, Link]
    border_crossings: dict[tuple[str, Mode], BorderCrossing]
    transfers: list[Transfer]
    services: dict[str, Service]
    closures: list[Closure]
    emission_factors: dict[Mode, EmissionFactor]
    cargo_units: dict[CargoUnitKind, CargoUnit]
    corridors: list[Corridor]
    sources: dict[str, Source]
    number_counts: dict[str, int] = field(default_factory=dict)  # sourced / estimated numbers
    derived: dict[str, object] = field(default_factory=dict, repr=False)  # lazily built indexes

    def closures_of(self, target: str) -> list[Closure]:
        """Closure regimes recorded for a link or place id."""
        return [c for c in self.closures if c.target == target]

    def place(self, place_id: str) -> Place:
        """The place with this id (KeyError if absent)."""
        return self.places[place_id]

    def countries(self) -> list[str]:
        """The countries that have places in this network, sorted."""
        return sorted({p.country for p in self.places.values()})
