"""Logistics burden: for the top traded products, the cheapest corridor's cost per tonne as a
share of the product's unit value (value / net weight) — where a better corridor would matter
most. The corridor cost comes from a caller-supplied function (the route planner), so this
module stays independent of routing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import duckdb

from daliz.trade import analytics, codes
from daliz.trade.analytics import Level


class CostPerTonne(Protocol):
    """Cheapest corridor cost in USD per tonne for a product shipped ``origin`` → ``destination``
    (ISO alpha-3), or None when no route is known."""

    def __call__(self, hs_code: str, origin: str, destination: str, /) -> float | None: ...


@dataclass(frozen=True)
class BurdenRow:
    hs_code: str
    description: str
    value_usd: float
    net_t: float | None
    unit_value_usd_per_t: float | None
    cost_per_tonne_usd: float | None
    origin: str
    destination: str

    @property
    def burden_share(self) -> float:
        """Corridor cost / unit value (0.25 = logistics eat a quarter of the goods' value)."""
        if not self.cost_per_tonne_usd or not self.unit_value_usd_per_t:
            return math.nan
        return self.cost_per_tonne_usd / self.unit_value_usd_per_t


def logistics_burden(
    con: duckdb.DuckDBPyConnection,
    reporter: str,
    partner: str,
    cost_per_tonne_usd: CostPerTonne,
    *,
    flow: str = "X",
    year: int | None = None,
    top_n: int = 10,
    level: Level = "heading",
    source: str | None = None,
) -> list[BurdenRow]:
    """Top ``top_n`` products of a flow with unit value and corridor cost share.

    The cost function is called as ``cost_per_tonne_usd(hs_code, origin, destination)``:
    for exports (``flow`` X) the goods move reporter → partner, for imports partner → reporter.
    Products without net weight get no unit value (and no burden).
    """
    comp = analytics.composition(
        con, reporter, partner, flow=flow, year=year, level=level, source=source
    )
    rep, par = codes.resolve_country(reporter), codes.resolve_country(partner)
    origin, dest = (rep, par) if comp.flow in ("X", "RX") else (par, rep)
    rows = []
    for item in comp.items[:top_n]:
        net_t = item.net_kg / 1000 if item.net_kg else None
        unit = item.value_usd / net_t if net_t else None
        cost = cost_per_tonne_usd(item.code, origin, dest)
        rows.append(
            BurdenRow(
                item.code, item.description_en, item.value_usd, net_t, unit, cost, origin, dest
            )
        )
    return rows
