"""The result of planning a shipment: one shape for Python, CLI `--json` and the web API.

Later capabilities add fields (reliability figures in `totals`, `rules` per alternative); they
never rename these.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class Leg(_Model):
    """A stretch travelled on one vehicle class without a border, transfer or wait between."""

    mode: str
    from_: str = Field(alias="from", description="Place id where the leg starts.")
    to: str = Field(description="Place id where the leg ends.")
    from_name: str
    to_name: str
    distance_km: float
    hours: float
    cost_usd: float
    co2e_kg: float
    gauge_mm: int | None = None
    countries: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list, description="Link ids travelled, in order.")
    service: str | None = Field(None, description="Scheduled service ridden, if any.")
    tariff: str = Field("", description="How the line-haul cost was computed.")
    access: bool = Field(False, description="A first/last-mile leg to or from a coordinate.")
    snap_km: float | None = Field(
        None, description="Access legs: straight-line km from the coordinate to the nearest road."
    )
    estimate: bool = Field(False, description="Some numbers of this leg are estimates.")
    sources: list[str] = Field(default_factory=list)
    geometry: dict[str, Any] = Field(description="GeoJSON LineString (lon, lat).")


class Event(_Model):
    """Something that happens at a place: a border, a transfer, a wait."""

    kind: str = Field(
        description="border_crossing, transshipment, gauge_change, bogie_exchange, "
        "port_handling, ferry_loading, service_wait, border_wait"
    )
    place: str
    place_name: str
    hours: float
    cost_usd: float
    detail: str
    estimate: bool = False
    sources: list[str] = Field(default_factory=list)


class Totals(_Model):
    """Door-to-door figures of an alternative (typical values of every range)."""

    cost_usd: float
    days: float
    co2e_kg: float
    distance_km: float
    cost_usd_per_tonne: float
    hours: float
    days_p50: float | None = None
    days_p90: float | None = None
    days_p95: float | None = None
    on_time_probability: float | None = None
    cost_usd_p10: float | None = None
    cost_usd_p90: float | None = None
    stability_index: float | None = None


class Alternative(_Model):
    """One distinct corridor for the shipment, fully explained."""

    corridor: str
    corridor_id: str | None = None
    rank: int
    pareto: bool = Field(description="No other route found is at least as good on all criteria.")
    countries: list[str]
    border_crossings: list[str]
    legs: list[Leg]
    events: list[Event]
    totals: Totals
    cost_breakdown: dict[str, float]
    warnings: list[str] = Field(default_factory=list)
    blocked: bool = False
    rules: dict[str, Any] | None = None


class DatasetStamp(_Model):
    """Which dataset produced a result."""

    name: str
    version: str
    hash: str


class PlanResult(_Model):
    """Ranked, explained alternatives for one shipment."""

    request: dict[str, Any]
    dataset: DatasetStamp
    alternatives: list[Alternative]
    emission_factors: dict[str, Any] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    def place_names(self) -> dict[str, str]:
        """Place id → name (in the language the plan was made in) for every place named by a
        leg or an event, e.g. to label the documents checklist, which is keyed by place id."""
        names: dict[str, str] = {}
        for alt in self.alternatives:
            for leg in alt.legs:
                names.setdefault(leg.from_, leg.from_name)
                names.setdefault(leg.to, leg.to_name)
            for event in alt.events:
                names.setdefault(event.place, event.place_name)
        return names

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (field `from` spelled as in the API)."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> bytes:
        """`to_dict()` as compact UTF-8 JSON, serialised by pydantic-core (~10× faster than
        `json.dumps(to_dict())`; a non-finite number becomes null)."""
        return self.model_dump_json(by_alias=True).encode("utf-8")

    def to_geojson(self) -> dict[str, Any]:
        """An RFC 7946 FeatureCollection: every leg of every alternative as a feature."""
        features = []
        for alt in self.alternatives:
            for index, leg in enumerate(alt.legs):
                features.append(
                    {
                        "type": "Feature",
                        "geometry": leg.geometry,
                        "properties": {
                            "rank": alt.rank,
                            "corridor": alt.corridor,
                            "leg": index,
                            "mode": leg.mode,
                            "from": leg.from_,
                            "to": leg.to,
                            "distance_km": leg.distance_km,
                            "hours": leg.hours,
                            "cost_usd": leg.cost_usd,
                        },
                    }
                )
        return {"type": "FeatureCollection", "features": features}
