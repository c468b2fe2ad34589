"""What a scenario file says: typed changes to the network, the rules and the prices.

A scenario is a small YAML file (see docs/scenarios.md)::

    id: kz-pk-transit-agreement
    title: Kazakhstan–Pakistan transit trade agreement in force, faster clearance
    sources: [...]          # documents the numbers come from (or ids of sources.csv)
    assumptions: [...]      # plain-language assumptions, each with its source or reason
    changes:
      - action: agreement
        agreement: kz-pk-tta
        status: in_force
      - action: scale_border
        place: bcp-torkham
        clearance_factor: 0.5
        estimate: "..."

Each change is one of the `*Change` models below, chosen by its `action`. Numbers follow the
dataset rule: a `source` (ids) or an `estimate` reason with a range.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MODES = ("road", "rail", "sea", "ferry")
LAND_MODES = ("road", "rail")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")

Mode = Literal["road", "rail", "sea", "ferry"]
LandMode = Literal["road", "rail"]
Gauge = Literal[1520, 1435, 1676]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class RangeSpec(_Strict):
    """A quantity as minimum, typical and maximum (same unit as the field it fills)."""

    min: float = Field(ge=0)
    typ: float = Field(ge=0)
    max: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> RangeSpec:
        if not self.min <= self.typ <= self.max:
            raise ValueError(
                f"must satisfy min ≤ typ ≤ max, got {self.min:g} / {self.typ:g} / {self.max:g}"
            )
        return self


class TariffSpec(_Strict):
    """One row of a tariff profile: USD per unit-km or per unit for the trip."""

    unit: Literal["tonne", "teu", "feu", "reefer40", "wagon", "truck"]
    basis: Literal["per_km", "per_trip"] = "per_km"
    usd: RangeSpec


class Sourced(_Strict):
    """Where a change's numbers come from: source ids and/or an estimate reason."""

    source: list[str] = Field(default_factory=list)
    estimate: str = ""
    note: str = ""

    @field_validator("source", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value

    def has_sourcing(self) -> bool:
        """Whether the change cites a source or gives an estimate reason."""
        return bool(self.source or self.estimate.strip())


class Dated(_Strict):
    """When a closure holds: a period (from / to) or a season (MM-DD to MM-DD)."""

    from_: dt.date | None = Field(None, alias="from", description="First day closed.")
    to: dt.date | None = Field(None, description="First day open again (empty: open-ended).")
    season: tuple[str, str] | None = Field(
        None, description="Closed every year from MM-DD to MM-DD (may wrap the year end)."
    )

    @field_validator("season", mode="before")
    @classmethod
    def _season(cls, value: object) -> object:
        if isinstance(value, dict):
            return (value.get("start"), value.get("end"))
        return value

    @field_validator("season")
    @classmethod
    def _month_days(cls, value: tuple[str, str] | None) -> tuple[str, str] | None:
        if value is None:
            return None
        for part in value:
            if not isinstance(part, str) or not MONTH_DAY.match(part):
                raise ValueError(f"season dates are MM-DD (e.g. 12-01), got {part!r}")
        return value

    @model_validator(mode="after")
    def _period(self) -> Dated:
        if self.from_ and self.to and self.to <= self.from_:
            raise ValueError("'to' must be after 'from'")
        return self

    @property
    def dated(self) -> bool:
        """Whether the closure has dates (else it is permanent)."""
        return bool(self.from_ or self.to or self.season)


# --------------------------------------------------------------------------- network changes
class LinkFields(Sourced):
    """Fields a new or reopened link may set."""

    distance_km: float | None = Field(None, gt=0)
    distance_km_min: float | None = Field(None, gt=0)
    distance_km_max: float | None = Field(None, gt=0)
    gauge_mm: Gauge | None = None
    speed_profile: str | None = None
    speed_kmh: RangeSpec | None = None
    tariff_profile: str | None = None
    tariffs: list[TariffSpec] | None = None

    @model_validator(mode="after")
    def _one_of_each(self) -> LinkFields:
        if self.speed_profile and self.speed_kmh:
            raise ValueError("give speed_profile or speed_kmh, not both")
        if self.tariff_profile and self.tariffs:
            raise ValueError("give tariff_profile or tariffs, not both")
        low, typ, high = self.distance_km_min, self.distance_km, self.distance_km_max
        if typ is not None and (
            (low is not None and low > typ) or (high is not None and high < typ)
        ):
            raise ValueError("distance range must satisfy min ≤ distance_km ≤ max")
        return self


class OpenLinkChange(LinkFields):
    """Open an existing (planned, under construction or suspended) link, with assumptions."""

    action: Literal["open_link"]
    link: str


class AddLinkChange(LinkFields):
    """Add a new operating link between two places."""

    action: Literal["add_link"]
    id: str
    from_place: str = Field(alias="from")
    to_place: str = Field(alias="to")
    mode: Mode
    bidirectional: bool = True
    road_class: str = ""

    @model_validator(mode="after")
    def _complete(self) -> AddLinkChange:
        if not SLUG.match(self.id):
            raise ValueError(f"id {self.id!r} must be a slug (lowercase letters, digits, '-')")
        if self.distance_km is None:
            raise ValueError("a new link needs distance_km")
        if not (self.speed_profile or self.speed_kmh):
            raise ValueError("a new link needs speed_profile or speed_kmh")
        if not (self.tariff_profile or self.tariffs):
            raise ValueError("a new link needs tariff_profile or tariffs")
        if self.mode == "rail" and self.gauge_mm is None:
            raise ValueError("a rail link needs gauge_mm (1520, 1435 or 1676)")
        if self.mode != "rail" and self.gauge_mm is not None:
            raise ValueError("only rail links have a gauge")
        if self.from_place == self.to_place:
            raise ValueError("from and to are the same place")
        return self


class AddPlaceChange(Sourced):
    """Add a place (a new terminal, port or border crossing point)."""

    action: Literal["add_place"]
    id: str
    kind: Literal["city", "rail_station", "dry_port", "sea_port", "border_crossing", "terminal"]
    country: str = Field(min_length=2, max_length=2)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    name_en: str
    name_kk: str = ""
    name_ru: str = ""
    name_ur: str = ""
    aliases: list[str] = Field(default_factory=list)
    unlocode: str = ""


class AddBorderCrossingChange(Sourced):
    """Add a border crossing row (a place and mode) with its clearance time and fees."""

    action: Literal["add_border_crossing"]
    place: str
    mode: LandMode
    country_a: str = Field(min_length=2, max_length=2)
    country_b: str = Field(min_length=2, max_length=2)
    clearance_h: RangeSpec
    cost_usd: RangeSpec
    cost_unit: Literal["truck", "wagon", "teu", "consignment"]
    open_days: list[str] = Field(default_factory=lambda: list(WEEKDAYS))

    @field_validator("open_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(";") if part.strip()]
        if isinstance(value, list):
            for day in value:
                if day not in WEEKDAYS:
                    raise ValueError(f"{day!r} is not a weekday ({', '.join(WEEKDAYS)})")
        return value


class AddTransferChange(Sourced):
    """Add a transfer (transshipment, gauge change, port handling) at a place."""

    action: Literal["add_transfer"]
    place: str
    kind: Literal[
        "transshipment", "gauge_change", "bogie_exchange", "port_handling", "ferry_loading"
    ]
    from_mode: Mode
    from_gauge_mm: Gauge | None = None
    to_mode: Mode
    to_gauge_mm: Gauge | None = None
    time_h: RangeSpec
    cost_usd: RangeSpec
    cost_unit: Literal["tonne", "teu", "feu", "reefer40", "wagon", "truck"]
    bidirectional: bool = True


class AddServiceChange(Sourced):
    """Add a scheduled service (container train, feeder ship, ferry)."""

    action: Literal["add_service"]
    id: str
    name: str
    mode: Mode
    stops: list[str] = Field(min_length=2)
    days: list[str] = Field(default_factory=list)
    frequency_per_week: float | None = Field(None, gt=0, le=100)
    transit_h: float = Field(gt=0)
    operator: str = ""

    @model_validator(mode="after")
    def _schedule(self) -> AddServiceChange:
        for day in self.days:
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a weekday ({', '.join(WEEKDAYS)})")
        if not self.days and self.frequency_per_week is None:
            raise ValueError("give departure days or frequency_per_week")
        return self


class CloseLinkChange(Dated, Sourced):
    """Close a link: for good (no dates), for a period, or every year in a season."""

    action: Literal["close_link"]
    link: str


class CloseBorderChange(Dated, Sourced):
    """Close a border crossing point: for good (one mode or all), for a period or a season."""

    action: Literal["close_border"]
    place: str
    mode: LandMode | None = None

    @model_validator(mode="after")
    def _mode_only_for_good(self) -> CloseBorderChange:
        if self.mode and self.dated:
            raise ValueError(
                "a dated closure closes the crossing point for every mode; leave out 'mode'"
            )
        return self


class AddClosureRiskChange(Sourced):
    """A link or border crossing that closes with `probability` per crossing (reliability)."""

    action: Literal["add_closure_risk"]
    target: str
    probability: float = Field(gt=0, le=1)
    from_: dt.date | None = Field(None, alias="from")
    to: dt.date | None = None


class ScaleBorderChange(Sourced):
    """Multiply a border crossing's clearance time and/or fees (min, typical and max)."""

    action: Literal["scale_border"]
    place: str
    mode: LandMode | None = None
    clearance_factor: float = Field(1.0, gt=0, le=10)
    cost_factor: float = Field(1.0, ge=0, le=10)


# --------------------------------------------------------------------------- rules and prices
class AgreementChange(Sourced):
    """Put an agreement into force, or suspend it, from a date (default: as if always)."""

    action: Literal["agreement"]
    agreement: str
    status: Literal["signed", "ratified", "in_force", "suspended", "expired"]
    from_: dt.date = Field(dt.date(1900, 1, 1), alias="from")


class FuelPriceChange(Sourced):
    """Scale tariffs for a change in the fuel price: tariff × (1 + share × (factor − 1)).

    `shares` is the fuel share of each mode's tariff; modes left out keep their tariffs.
    """

    action: Literal["fuel_price"]
    factor: float = Field(gt=0, le=10, description="New fuel price ÷ old (1.3 = +30 %).")
    shares: dict[Mode, float] | None = None

    @field_validator("shares")
    @classmethod
    def _shares(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        for mode, share in (value or {}).items():
            if not 0 <= share <= 1:
                raise ValueError(f"the fuel share of {mode} must be between 0 and 1")
        return value


class ExchangeRateChange(Sourced):
    """A currency moves against the US dollar: costs paid in it change in USD.

    `factor` multiplies the local-currency units per USD (1.25: the currency loses 20 % of its
    dollar value). Costs are in USD in the data; the share paid in local currency
    (`local_share`) is rescaled: cost × (1 − share + share ÷ factor). Links wholly inside the
    country, transfers there and its side of border fees (half of the crossing's fees) move.
    """

    action: Literal["exchange_rate"]
    currency: str = Field(min_length=3, max_length=3)
    country: str = Field(min_length=2, max_length=2)
    factor: float = Field(gt=0, le=100)
    local_share: float = Field(0.5, ge=0, le=1)


Change = Annotated[
    OpenLinkChange
    | AddLinkChange
    | AddPlaceChange
    | AddBorderCrossingChange
    | AddTransferChange
    | AddServiceChange
    | CloseLinkChange
    | CloseBorderChange
    | AddClosureRiskChange
    | ScaleBorderChange
    | AgreementChange
    | FuelPriceChange
    | ExchangeRateChange,
    Field(discriminator="action"),
]

ACTIONS = (
    "open_link",
    "add_link",
    "add_place",
    "add_border_crossing",
    "add_transfer",
    "add_service",
    "close_link",
    "close_border",
    "add_closure_risk",
    "scale_border",
    "agreement",
    "fuel_price",
    "exchange_rate",
)


class ScenarioSource(_Strict):
    """A document cited by a scenario."""

    id: str
    title: str
    publisher: str = ""
    url: str = ""
    published: dt.date | None = None
    accessed: dt.date | None = None
    note: str = ""


class Assumption(_Strict):
    """A plain-language assumption with where it comes from."""

    text: str
    source: list[str] = Field(default_factory=list)
    estimate: str = ""

    @field_validator("source", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value


class Scenario(_Strict):
    """A named set of changes to a network, its rules and prices."""

    id: str
    title: str
    description: str = ""
    base: str | None = Field(None, description="Dataset the scenario was written for.")
    assumptions: list[Assumption] = Field(default_factory=list)
    sources: list[ScenarioSource] = Field(default_factory=list)
    changes: list[Change] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"{value!r} must be a slug (lowercase letters, digits, '-')")
        return value

    @field_validator("assumptions", mode="before")
    @classmethod
    def _plain_assumptions(cls, value: object) -> object:
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value
