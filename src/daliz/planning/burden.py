"""Corridor cost per tonne for a traded product between two countries (for the trade monitor).

The trade monitor's logistics burden divides this by the product's unit value. A country is
represented by one gateway hub (its main freight hub on the corridors); callers may name other
places. The cost is the cheapest alternative's door-to-door cost per tonne for a shipment of
one cargo unit (a truck, wagon or box load), which is how small exporters ship.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from daliz.errors import DalizError
from daliz.i18n import _

# The freight hub that stands for each country when only countries are known. These are the
# largest freight origins/destinations of the KZ–PK trade on the corridors (an assumption, not
# data: override with explicit places).
GATEWAYS: dict[str, str] = {
    "KZ": "kz-almaty",
    "PK": "pk-karachi",
    "UZ": "uz-tashkent",
    "KG": "kg-bishkek",
    "TM": "tm-turkmenbashi-port",
    "AF": "af-kabul",
    "IR": "ir-tehran",
    "CN": "cn-urumqi",
    "AE": "ae-jebel-ali-port",
    "AZ": "az-baku-alat-port",
}

SHIPMENT_TONNES = 20.0  # one truck or TEU load


@dataclass
class CorridorCost:
    """A callable cost function with a cache: (hs_code, origin, destination) → USD per tonne.

    Countries may be ISO alpha-2 or alpha-3; `places` overrides the gateway of a country.
    Products the planner cannot route (unknown HS chapter, no corridor) give None.
    """

    dataset: str | Path | None = None
    date: dt.date | None = None
    places: dict[str, str] = field(default_factory=dict)
    cache: dict[tuple[str, str, str], float | None] = field(default_factory=dict)
    notes: dict[tuple[str, str, str], str] = field(default_factory=dict)

    def gateway(self, country: str) -> str | None:
        """The place id standing for a country."""
        code = _alpha2(country)
        return self.places.get(code) or GATEWAYS.get(code)

    def __call__(self, hs_code: str, origin: str, destination: str) -> float | None:
        from daliz.planning import plan

        key = (hs_code[:4], _alpha2(origin), _alpha2(destination))
        if key in self.cache:
            return self.cache[key]
        start, end = self.gateway(origin), self.gateway(destination)
        value: float | None = None
        if start and end:
            try:
                result = plan(
                    origin=start,
                    destination=end,
                    hs=key[0] if len(key[0]) >= 2 else None,
                    tonnes=SHIPMENT_TONNES,
                    date=self.date,
                    objective="cheapest",
                    draws=0,
                    dataset=self.dataset,
                )
                best = result.alternatives[0]
                value = best.totals.cost_usd_per_tonne
                self.notes[key] = f"{best.corridor}: {start} → {end}"
            except DalizError as exc:
                self.notes[key] = _("no corridor: {reason}").format(reason=exc.message)
        else:
            self.notes[key] = _("no gateway hub for this country")
        self.cache[key] = value
        return value


def _alpha2(country: str) -> str:
    code = country.strip().upper()
    if len(code) == 3:
        from daliz.trade.codes import countries

        found = countries().get(code)
        if found is not None and found.iso2:
            return found.iso2
    return code
