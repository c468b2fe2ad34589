"""A shipment plan request: what the user asks, checked before any search runs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from daliz.i18n import _

Objective = Literal["cheapest", "fastest", "greenest", "balanced", "reliable"]

COORDINATE = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def parse_coordinate(text: str) -> tuple[float, float] | None:
    """(lat, lon) if `text` is 'lat,lon', else None. Raises ValueError when out of range."""
    match = COORDINATE.match(text)
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(
            _("{value!r}: latitude must be within ±90 and longitude within ±180").format(value=text)
        )
    return lat, lon


# Departure and deadline dates the planner accepts: the data describes agreements, timetables
# and seasons of this century, and a trip's calendar must stay inside what `datetime` holds.
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)


class PlanRequest(BaseModel):
    """Everything a plan needs; the same fields in Python, CLI and the web API."""

    model_config = ConfigDict(extra="forbid")

    origin: str = Field(description="Place id, name/alias (en/kk/ru/ur) or 'lat,lon'.")
    destination: str = Field(description="Place id, name/alias (en/kk/ru/ur) or 'lat,lon'.")
    commodity: str | None = Field(None, description="Catalogue name/alias or HS code (2–6 digits).")
    hs: str | None = Field(None, description="HS code (2–6 digits); alternative to commodity.")
    tonnes: float | None = Field(None, description="Net cargo mass in tonnes.")
    unit: str | None = Field(None, description="tonne, teu, feu, reefer-40, wagon or truck.")
    count: int | None = Field(None, description="Number of units (with `unit`).")
    cargo_type: str | None = Field(
        None, description="bulk, bagged, container, reefer or dangerous (default: commodity's)."
    )
    date: dt.date | None = Field(None, description="Departure date (default: today).")
    objective: Objective = "balanced"
    weights: tuple[float, float, float] | None = Field(
        None, description="Weights of cost, time and CO2e for 'balanced'."
    )
    avoid_countries: list[str] = Field(default_factory=list)
    avoid_borders: list[str] = Field(default_factory=list)
    avoid_modes: list[str] = Field(default_factory=list)
    max_days: float | None = Field(None, description="Routes longer than this are cut.")
    max_alternatives: int = Field(5, ge=1, le=20)
    include_blocked: bool = Field(False, description="Also show routes with legal blockers.")
    deadline: dt.date | None = Field(None, description="Arrival deadline for on-time probability.")
    draws: int = Field(10_000, ge=0, le=200_000, description="Reliability Monte Carlo draws.")
    seed: int = Field(20260203, description="Seed of the reliability draws (reproducible).")

    @field_validator("origin", "destination")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("must not be empty"))
        return value.strip()

    @field_validator("hs")
    @classmethod
    def _hs_code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.replace(".", "").strip()
        if not code.isdigit() or not 2 <= len(code) <= 6:
            raise ValueError(_("{value!r} is not an HS code of 2 to 6 digits").format(value=value))
        return code

    @field_validator("avoid_countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            code = value.strip().upper()
            if not re.fullmatch(r"[A-Z]{2}", code):
                raise ValueError(
                    _("{value!r} is not a two-letter country code (e.g. IR, AF)").format(
                        value=value
                    )
                )
            out.append(code)
        return out

    @field_validator("avoid_modes")
    @classmethod
    def _modes(cls, values: list[str]) -> list[str]:
        allowed = {"road", "rail", "sea", "ferry"}
        out = []
        for value in values:
            if value.strip().lower() not in allowed:
                raise ValueError(
                    _("{value!r} is not a mode (road, rail, sea, ferry)").format(value=value)
                )
            out.append(value.strip().lower())
        return out

    @model_validator(mode="after")
    def _consistent(self) -> PlanRequest:
        if self.tonnes is not None and self.tonnes <= 0:
            raise ValueError(
                _("tonnes must be positive, got {value}").format(value=f"{self.tonnes:g}")
            )
        if self.tonnes is not None and self.tonnes > 1_000_000:
            raise ValueError(_("tonnes above 1,000,000 are not a single shipment"))
        if self.count is not None and self.count <= 0:
            raise ValueError(_("count must be positive, got {value}").format(value=self.count))
        if self.count is not None and self.unit is None:
            raise ValueError(_("count needs a unit (e.g. unit='reefer-40', count=10)"))
        if self.tonnes is None and self.count is None:
            raise ValueError(_("give a quantity: tonnes, or a unit and count"))
        if self.commodity is None and self.hs is None:
            raise ValueError(_("give a commodity (name or HS code) or an hs code"))
        if self.max_days is not None and self.max_days <= 0:
            raise ValueError(
                _("max_days must be positive, got {value}").format(value=f"{self.max_days:g}")
            )
        if self.weights is not None and (min(self.weights) < 0 or sum(self.weights) <= 0):
            raise ValueError(_("weights must be non-negative and not all zero"))
        for day in (self.date, self.deadline):
            if day is not None and not FIRST_DATE <= day <= LAST_DATE:
                raise ValueError(
                    _("dates must lie between {first} and {last}, got {value}").format(
                        first=FIRST_DATE.isoformat(),
                        last=LAST_DATE.isoformat(),
                        value=day.isoformat(),
                    )
                )
        if self.deadline and self.date and self.deadline < self.date:
            raise ValueError(_("the deadline is before the departure date"))
        if self.origin.casefold() == self.destination.casefold():
            raise ValueError(_("origin and destination are the same"))
        return self
