"""Compare one shipment across scenarios: the best route and its figures under each.

`compare(request, ["trans-afghan-railway", "my.yaml"])` plans the request on the base dataset
and on each scenario, and returns one row per variant: best corridor, cost, median and P90 days,
CO2e — and what the scenario changed. A variant with no route is a row with an `error`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from daliz.errors import NoRouteError
from daliz.planning.request import PlanRequest
from daliz.planning.result import Alternative, PlanResult
from daliz.scenarios.variants import Variant, plan_variant, variants


@dataclass
class ComparisonRow:
    """The best route of one variant (or why there is none)."""

    scenario: str
    title: str
    changes: list[str]
    corridor: str | None = None
    corridor_id: str | None = None
    cost_usd: float | None = None
    cost_usd_per_tonne: float | None = None
    days: float | None = None
    days_p50: float | None = None
    days_p90: float | None = None
    co2e_kg: float | None = None
    distance_km: float | None = None
    border_crossings: list[str] = field(default_factory=list)
    alternatives: int = 0
    error: str | None = None
    dataset: str = ""
    result: PlanResult | None = None

    @classmethod
    def of(cls, variant: Variant, result: PlanResult) -> ComparisonRow:
        best: Alternative = result.alternatives[0]
        t = best.totals
        return cls(
            scenario=variant.name,
            title=variant.title,
            changes=list(variant.changes),
            corridor=best.corridor,
            corridor_id=best.corridor_id,
            cost_usd=t.cost_usd,
            cost_usd_per_tonne=t.cost_usd_per_tonne,
            days=t.days,
            days_p50=t.days_p50,
            days_p90=t.days_p90,
            co2e_kg=t.co2e_kg,
            distance_km=t.distance_km,
            border_crossings=list(best.border_crossings),
            alternatives=len(result.alternatives),
            dataset=f"{result.dataset.name} #{result.dataset.hash[:10]}",
            result=result,
        )

    @property
    def median_days(self) -> float | None:
        """Median door-to-door days (the typical days when no draws were made)."""
        return self.days_p50 if self.days_p50 is not None else self.days

    def to_dict(self, *, with_result: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scenario": self.scenario,
            "title": self.title,
            "changes": self.changes,
            "corridor": self.corridor,
            "corridor_id": self.corridor_id,
            "cost_usd": self.cost_usd,
            "cost_usd_per_tonne": self.cost_usd_per_tonne,
            "days": self.days,
            "days_p50": self.days_p50,
            "days_p90": self.days_p90,
            "co2e_kg": self.co2e_kg,
            "distance_km": self.distance_km,
            "border_crossings": self.border_crossings,
            "alternatives": self.alternatives,
            "error": self.error,
            "dataset": self.dataset,
        }
        if with_result and self.result is not None:
            out["result"] = self.result.to_dict()
        return out


@dataclass
class Comparison:
    """One shipment planned under the base and each scenario."""

    request: PlanRequest
    rows: list[ComparisonRow]

    @property
    def base(self) -> ComparisonRow:
        """The row of the base dataset."""
        return self.rows[0]

    def delta(self, row: ComparisonRow, attribute: str) -> float | None:
        """`row.attribute` minus the base's (None when either is missing)."""
        value, base = getattr(row, attribute), getattr(self.base, attribute)
        if value is None or base is None:
            return None
        return float(value) - float(base)

    def to_dict(self, *, with_results: bool = False) -> dict[str, Any]:
        return {
            "request": self.request.model_dump(mode="json"),
            "rows": [r.to_dict(with_result=with_results) for r in self.rows],
        }


def compare(
    request: PlanRequest, scenarios: list[str], *, dataset: str | Path | None = None
) -> Comparison:
    """Plan `request` on the base dataset and under each scenario (file or bundled name).

    Raises RequestError / DatasetError for an invalid request or an unknown or invalid scenario
    (before planning); a variant under which the shipment has no route is reported in its
    row's `error`.
    """
    rows: list[ComparisonRow] = []
    for variant in variants(dataset, scenarios):
        try:
            rows.append(ComparisonRow.of(variant, plan_variant(variant, request)))
        except NoRouteError as exc:  # a request error (unknown place …) is raised as it is
            rows.append(
                ComparisonRow(variant.name, variant.title, list(variant.changes), error=str(exc))
            )
    return Comparison(request, rows)
